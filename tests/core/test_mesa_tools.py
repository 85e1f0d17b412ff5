"""Mesa's own tools on a contagion model: its space, batch_run with a graph, SolaraViz."""

from __future__ import annotations

import runpy
from pathlib import Path

import mesa
import pytest
from mesa.discrete_space import Network

import scenarios
from contagion import ContagionModel, networks

EXAMPLE = Path(__file__).parents[2] / "examples" / "mesa_solaraviz.py"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_space_is_a_mesa_network_with_every_agent_in_its_cell(seed):
    graph = networks.small_world(30, degree=4, rng=seed)
    model = ContagionModel(graph, rng=seed)
    assert isinstance(model.space, Network) and model.grid is model.space
    assert model.has_space
    for agent in model.agent_list:
        assert agent.cell is model.space[agent.node]
    bare = ContagionModel(graph, rng=seed, space=False)
    assert bare.space is None and bare.grid is None and not bare.has_space
    with pytest.raises(ValueError, match=r"space='yes' is invalid: allowed True or False"):
        ContagionModel(graph, rng=seed, space="yes")


def test_batch_run_takes_a_graph_in_a_list_or_by_name():
    graph = networks.small_world(40, degree=4, rng=1)
    rows = mesa.batch_run(ContagionModel, {"graph": [graph], "mirroring": [0.1, 0.5]},
                          rng=[1, 2], max_steps=4, number_processes=1, display_progress=False)
    assert len(rows) == 4
    assert {row["mirroring"] for row in rows} == {0.1, 0.5}
    # the same graph and seed as a direct run give the same numbers
    direct = ContagionModel(graph, mirroring=0.5, rng=2).run(4)
    row = next(r for r in rows if r["mirroring"] == 0.5 and r["rng"] == 2)
    assert row["valence"] == pytest.approx(direct["valence"].iloc[-1], abs=1e-12)
    named = mesa.batch_run(ContagionModel, {"graph": "small-world:40:4"}, rng=[3],
                           max_steps=2, number_processes=1, display_progress=False)
    built = ContagionModel("small-world:40:4", rng=3)
    assert built.n_agents == 40 and len(named) == 1


def test_a_bare_graph_in_batch_run_gets_a_one_line_hint():
    graph = networks.small_world(20, degree=4, rng=1)
    with pytest.raises(ValueError, match=r"graph=0 is not a network: with mesa.batch_run give "
                                         r"the graph in a list"):
        mesa.batch_run(ContagionModel, {"graph": graph}, rng=[1], max_steps=2,
                       number_processes=1, display_progress=False)
    with pytest.raises(ValueError, match=r"graph='ring:x' is not a network name"):
        ContagionModel("ring:x", rng=1)


def test_the_scenario_model_class_stops_at_the_scenario_end_in_batch_run():
    scenario = scenarios.get("leader_team")
    rows = mesa.batch_run(scenario.model_class(), {}, rng=[1], number_processes=1,
                          display_progress=False)
    assert rows[-1]["Step"] == scenario.steps


def test_the_solaraviz_example_renders_the_scenario():
    solara = pytest.importorskip("solara")
    namespace = runpy.run_path(str(EXAMPLE))
    model = namespace["model"]
    assert isinstance(model.space, Network)
    box, rc = solara.render(namespace["page"], handle_error=False)
    assert rc.find(v=None) is not None
    # SolaraViz's seed box gives text: the example's model takes it
    again = namespace["LeaderTeam"](rng="7")
    assert again.n_agents == model.n_agents
    model.step()
    assert model.steps == 1
