"""EmotionAgent: attributes are views of the model's arrays; Mesa AgentSet and space work."""

from __future__ import annotations

import numpy as np
import pytest
from mesa.discrete_space import Network

from contagion import PARAMETERS, ContagionModel, EmotionAgent, networks

TRAITS = [name for name, p in PARAMETERS.items()
          if p.per_agent and not name.startswith("initial_")]


def _model(**kwargs):
    graph = networks.stochastic_block(20, degree=4, rng=1, groups=("home", "away"))
    return ContagionModel(graph, rng=2, **kwargs)


def test_one_agent_per_node_in_order():
    model = _model()
    assert len(model.agents) == model.n_agents == 20
    assert [a.node for a in model.agent_list] == model.nodes
    assert [a.index for a in model.agent_list] == list(range(20))
    assert all(isinstance(a, EmotionAgent) for a in model.agents)


def test_state_views_read_and_write_the_arrays():
    model = _model()
    agent = model.agent_list[7]
    assert agent.valence == model.valence[7]
    assert agent.arousal == model.arousal[7]
    agent.valence = -0.25
    agent.arousal = 0.75
    assert model.valence[7] == -0.25 and model.arousal[7] == 0.75
    model.valence[7] = 0.5  # and the other way round
    assert agent.valence == 0.5


@pytest.mark.parametrize("name", TRAITS)
def test_trait_views_read_and_write_the_trait_arrays(name):
    model = _model()
    agent = model.agent_list[3]
    assert getattr(agent, name) == model.traits[name][3]
    param = PARAMETERS[name]
    value = param.high if np.isfinite(param.high) else param.low + 1
    before = model.traits[name].copy()
    setattr(agent, name, value)
    assert model.traits[name][3] == value == getattr(agent, name)
    changed = np.flatnonzero(model.traits[name] != before)
    assert set(changed) <= {3}  # nobody else


def test_trait_written_through_an_agent_changes_the_dynamics():
    model = _model(mirroring=0.5, regulation=0.0)
    agent = model.agent_list[0]
    agent.mirroring = 0.0
    before = agent.valence
    model.run(5)
    assert agent.valence == before  # only agent 0 is frozen
    assert model.valence_change.any()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("valence", 1.5, r"valence=1\.5 is out of range: allowed \[-1, 1\]"),
        ("valence", float("nan"), r"valence=nan is out of range"),
        ("valence", "happy", r"valence='happy' is not a number"),
        ("arousal", -0.1, r"arousal=-0\.1 is out of range: allowed \[0, 1\]"),
        ("mirroring", 31.5, r"mirroring=31\.5 is out of range: allowed \[0, 30\]"),
        ("regulation", -0.1, r"regulation=-0\.1 is out of range"),
        ("negativity_gain", 0.5, r"negativity_gain=0\.5 is out of range: allowed \[1, 5\]"),
        ("expertise", None, r"expertise=None is not a number"),
    ],
)
def test_out_of_range_write_names_the_attribute(name, value, message):
    model = _model()
    agent = model.agent_list[2]
    before = getattr(agent, name)
    with pytest.raises(ValueError, match=message):
        setattr(agent, name, value)
    assert getattr(agent, name) == before


def test_group_and_changes_are_readable():
    model = _model()
    assert {a.group for a in model.agents} == {"home", "away"}
    assert model.agent_list[0].valence_change == 0.0
    model.step()
    a = model.agent_list[0]
    assert a.valence_change == pytest.approx(model.valence_change[0])
    no_groups = ContagionModel(networks.complete(3), rng=1)
    assert no_groups.agent_list[0].group is None


def test_agentset_select_agg_groupby():
    model = _model()
    positive = model.agents.select(lambda a: a.valence > 0)
    assert len(positive) == int((model.valence > 0).sum())
    assert model.agents.agg("valence", np.mean) == pytest.approx(model.valence.mean())
    assert model.agents.agg("mirroring", max) == model.traits["mirroring"].max()
    by_group = model.agents.groupby("group")
    counts = by_group.count()
    assert counts == {"home": 10, "away": 10}
    means = by_group.agg("valence", np.mean)
    for name in ("home", "away"):
        members = model.group_codes == model.group_names.index(name)
        assert means[name] == pytest.approx(model.valence[members].mean())


def test_senders_lists_in_neighbours_with_weights():
    model = _model()
    agent = model.agent_list[5]
    senders = dict((s.node, w) for s, w in agent.senders())
    assert set(senders) == set(model.graph.neighbors(agent.node))
    assert all(w == 1.0 for w in senders.values())


def test_agents_sit_on_network_cells():
    model = _model()
    assert isinstance(model.network, Network)
    for agent in model.agents:
        assert agent.cell.coordinate == agent.node
        assert agent in agent.cell.agents
    agent = model.agent_list[5]
    neighbours = {cell.coordinate for cell in agent.cell.neighborhood}
    assert neighbours == set(model.graph.neighbors(agent.node))


def test_space_false_has_no_cells_but_runs():
    model = _model(space=False)
    assert model.network is None
    assert model.agent_list[0].cell is None
    assert len(model.run(3)) == 4
