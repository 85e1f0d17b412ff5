"""How researchers script against the library: names, get, attributes, build/run/replace."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scenarios
from contagion.model import ContagionModel
from scenarios import Scenario


def test_names_get_and_module_attributes():
    names = scenarios.names()
    assert names == sorted(names)
    for name in names:
        assert isinstance(scenarios.get(name), Scenario)
        assert scenarios.get(name).name == name
    from scenarios import football_crowd, leader_team

    assert football_crowd is scenarios.get("football_crowd")
    assert leader_team is scenarios.leader_team
    with pytest.raises(AttributeError, match="no attribute 'tea_party'"):
        scenarios.tea_party  # noqa: B018
    with pytest.raises(ImportError):
        from scenarios import tea_party  # noqa: F401


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown scenario 'footbal_crowd'") as info:
        scenarios.get("footbal_crowd")
    for name in scenarios.names():
        assert name in str(info.value)


def test_build_returns_a_seeded_mesa_model():
    crowd = scenarios.get("football_crowd")
    model = crowd.build(rng=np.random.default_rng(5), rows=4, cols=6)
    assert isinstance(model, ContagionModel) and model.n_agents == 24
    assert set(model.group_names) == {"home", "away"}
    assert model.scenario_spec.parameter("rows").value == 4
    model.step()
    assert model.steps == 1


def test_run_returns_the_per_step_table():
    frame = scenarios.get("leader_team").run(steps=12, rng=2, leader_mood=-0.5)
    assert isinstance(frame, pd.DataFrame) and list(frame["step"]) == list(range(13))
    for column in ("member_valence", "work_in_step", "work_extra_effort", "pairs_in_step",
                   "leader_valence", "time"):
        assert column in frame
    assert len(scenarios.get("leader_team").run(rng=2)) == scenarios.get("leader_team").steps + 1


def test_replace_validates_and_leaves_the_original():
    team = scenarios.get("leader_team")
    grumpy = team.replace(leader_mood=-0.8, mirroring=0.6)
    assert grumpy.parameter("leader_mood").value == -0.8 and grumpy.values()["mirroring"] == 0.6
    assert team.parameter("leader_mood").value == 0.7 and team.values()["mirroring"] == 0.15
    assert team.replace() is team
    with pytest.raises(ValueError, match=r"leader_mood=1\.5 is out of range: allowed \[-1, 1\]"):
        team.replace(leader_mood=1.5)
    with pytest.raises(ValueError, match="leader_mood='cheerful' is not a number"):
        team.replace(leader_mood="cheerful")
    with pytest.raises(ValueError, match="did you mean 'leader_mood'"):
        team.replace(leader_mod=0.5)
    with pytest.raises(ValueError, match="members=2.5 is not an integer"):
        team.replace(members=2.5)
    with pytest.raises(ValueError, match="goals"):
        scenarios.get("football_crowd").replace(goals=[[10, "visitors"]])


def test_replace_then_build_equals_build_with_overrides():
    team = scenarios.get("leader_team")
    a = team.replace(leader_mood=-0.3).run(20, 4)
    b = team.run(20, 4, leader_mood=-0.3)
    pd.testing.assert_frame_equal(a, b)


def test_event_times_in_the_wrong_order_name_the_parameters():
    with pytest.raises(ValueError, match="scene_stop=5 must be greater than scene_start=10"):
        scenarios.get("borderline_profile").build(0, scene_stop=5)


def test_parameters_lists_scenario_and_engine_parameters():
    crowd = scenarios.get("football_crowd")
    names = crowd.parameter_names()
    assert names[: len(crowd.declared)] == list(crowd.declared)
    assert {"mirroring", "outgroup_sign", "goals", "goal_joy"} <= set(names)
    assert crowd.values()["outgroup_sign"] == -0.8


def test_model_class_for_batch_tools():
    cls = scenarios.get("leader_team").model_class()
    model = cls(rng=1, leader_mood=-0.4)
    model.run(3)
    assert model.scenario_spec.parameter("leader_mood").value == -0.4


def test_register_a_scenario_for_the_session():
    import dataclasses

    mine = dataclasses.replace(scenarios.get("leader_team"), name="my_team", title="Mine")
    try:
        scenarios.register(mine)
        assert "my_team" in scenarios.names() and scenarios.get("my_team") is mine
        assert scenarios.my_team is mine
    finally:
        from scenarios import registry

        registry._REGISTERED.pop("my_team", None)
    with pytest.raises(ValueError, match="takes a Scenario"):
        scenarios.register("leader_team")


@pytest.mark.parametrize("name", scenarios.names())
def test_scenarios_and_their_model_classes_pickle(name):
    """Executors and multiprocessing send scenarios and model classes between processes."""
    import pickle

    scenario = scenarios.get(name)
    assert pickle.loads(pickle.dumps(scenario)) == scenario
    cls = scenario.model_class()
    assert pickle.loads(pickle.dumps(cls)) is cls
    assert cls.__name__ == "".join(p.title() for p in name.split("_")) + "Model"


def test_build_on_an_observed_network_draws_the_people_on_it():
    import networkx as nx

    team = scenarios.get("leader_team")
    graph = nx.star_graph(5)  # node 0 in the middle
    nx.set_node_attributes(graph, {n: "leader" if n == 0 else "member" for n in graph}, "group")
    model = team.build(3, graph=graph, space=False)
    assert model.n_agents == 6 and sorted(model.graph.edges) == sorted(graph.edges)
    assert model.traits["expressiveness"][0] == team.values()["leader_expressiveness"]
    assert len(set(model.traits["baseline"][1:])) == 5  # drawn per person, as on the recipe's
    assert "weight" not in graph.edges[0, 1]  # the given graph is left as it was
    with pytest.raises(ValueError, match="graph=str is not a networkx graph"):
        team.build(3, graph="network.graphml")


def test_team_members_may_see_only_some_colleagues():
    from scenarios.recipes import team

    everyone = team(np.random.default_rng(1), members=10)
    assert everyone.degree(1) == 10  # nine colleagues and the leader
    some = team(np.random.default_rng(1), members=10, member_degree=4)
    assert all(some.has_edge(0, m) for m in range(1, 11))
    colleagues = [some.degree(m) - 1 for m in range(1, 11)]
    assert sum(colleagues) == 40 and min(colleagues) >= 1  # four each on average (rewired ring)
    assert sorted(some.edges) == sorted(team(np.random.default_rng(1), members=10,
                                             member_degree=4).edges)
    assert sorted(some.edges) != sorted(team(np.random.default_rng(2), members=10,
                                             member_degree=4).edges)


def test_a_drawn_trait_changes_live_and_people_keep_differing():
    crowd = scenarios.get("football_crowd")
    model = crowd.build(3, rows=6, cols=8)
    before = model.traits["mirroring"].copy()
    assert crowd.is_live("mirroring") and before.std() > 0
    crowd.set_live(model, "mirroring", 4.0)
    np.testing.assert_allclose(model.traits["mirroring"], before * 2.0)  # 2.0 -> 4.0: scaled
    assert model.scenario_spec.values()["mirroring"] == 4.0
    baseline = model.traits["baseline"].copy()
    crowd.set_live(model, "baseline", 0.3)
    np.testing.assert_allclose(model.traits["baseline"], np.clip(baseline + 0.2, -1, 1))
    model.step()
    with pytest.raises(ValueError, match="rows does not act on a running model"):
        crowd.set_live(model, "rows", 8)
    with pytest.raises(ValueError, match=r"mirroring=40 is out of range"):
        crowd.set_live(model, "mirroring", 40)


@pytest.mark.parametrize("name", ["leader_team", "sad_film"])
def test_mesa_batch_run_stops_at_the_scenarios_end(name):
    """The model class sets running = False at the scenario's last step, so Mesa's own
    batch_run ends there (not at its default 1,000 steps) with the scenario's numbers."""
    import mesa

    scenario = scenarios.get(name)
    rows = mesa.batch_run(scenario.model_class(), parameters={}, max_steps=1000, rng=[0, 1],
                          display_progress=False)
    assert [row["Step"] for row in rows] == [scenario.steps] * 2
    for seed, row in enumerate(rows):
        frame = scenario.run(rng=seed)
        for column in scenario.key_metrics:
            assert row[column] == pytest.approx(frame[column].iloc[-1], abs=1e-12), column
