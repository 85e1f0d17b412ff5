"""ContagionModel: constructor contract, live parameters, seeded reproducibility."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from contagion import PARAMETERS, ContagionModel, EmotionAgent, Shock, Stimulus, networks
from contagion.rules import saturate

E1 = 1 - np.exp(-1.0)  # how far an agent moves in one minute at rate 1 per minute


def _graph():
    return networks.small_world(30, degree=4, rng=1)


# -- every constructor keyword is stored unchanged under the same name ---------------

def test_parameters_are_stored_unchanged():
    n = 30
    given = dict(
        mirroring=np.linspace(0, 1, n), expressiveness=0.7, regulation=[0.1] * n,
        baseline=0.2, baseline_arousal=np.full(n, 0.4), negativity_gain=2.0,
        expertise={node: 0.5 for node in range(n)}, anticipation=0.0, expertise_gain=1.5,
        outgroup_sign=-0.5, noise=0.01, group=["a", "b"] * (n // 2),
        initial_valence=np.zeros(n), initial_arousal=0.3,
    )
    for name, param in PARAMETERS.items():  # parameters added to the registry later
        given.setdefault(name, param.low)
    model = ContagionModel(_graph(), rng=1, **given)
    for name, value in given.items():
        assert getattr(model, name) is value, name


def test_defaults_are_stored_as_given_and_traits_filled():
    model = ContagionModel(_graph(), rng=1)
    assert model.mirroring is None
    np.testing.assert_array_equal(model.traits["mirroring"], PARAMETERS["mirroring"].default)
    np.testing.assert_array_equal(model.traits["baseline"], model.start_valence)
    np.testing.assert_array_equal(model.traits["baseline_arousal"], model.start_arousal)
    assert model.expertise_gain == PARAMETERS["expertise_gain"].default
    assert model.outgroup_sign == PARAMETERS["outgroup_sign"].default
    assert model.noise == PARAMETERS["noise"].default


def test_other_keywords_are_stored_under_the_same_name():
    graph = _graph()
    reporters = {"top": lambda m: float(m.valence.max())}
    events = (Shock(3, valence=0.1),)
    model = ContagionModel(graph, engine="agents", weight=None, space=False, collect_every=2,
                           agent_class=EmotionAgent, events=events, reporters=reporters, rng=5)
    assert model.graph is graph
    assert model.engine == "agents" and model.weight is None and model.space is None
    assert not model.has_space
    assert model.collect_every == 2 and model.agent_class is EmotionAgent
    assert model.events == events and model.reporters == reporters


def test_trait_arrays_are_copied_not_aliased():
    mirroring = np.full(30, 0.3)
    model = ContagionModel(_graph(), mirroring=mirroring, rng=1)
    mirroring[:] = 0.9  # the caller's array changes later
    np.testing.assert_array_equal(model.traits["mirroring"], 0.3)


def test_node_attributes_supply_traits_and_groups():
    graph = _graph()
    for node in graph:
        graph.nodes[node]["mirroring"] = 0.1 * (node % 5)
        graph.nodes[node]["group"] = "odd" if node % 2 else "even"
        graph.nodes[node]["initial_valence"] = 0.5
    model = ContagionModel(graph, rng=1)
    np.testing.assert_allclose(model.traits["mirroring"], [0.1 * (i % 5) for i in range(30)])
    assert model.group_names == ["even", "odd"]
    np.testing.assert_array_equal(model.valence, 0.5)
    # An explicit keyword wins over the attribute.
    assert ContagionModel(graph, mirroring=0.9, rng=1).traits["mirroring"][3] == 0.9


def test_mapping_traits_follow_node_ids():
    graph = nx.Graph([("ann", "bob"), ("bob", "cy")])
    model = ContagionModel(graph, mirroring={"cy": 0.3, "ann": 0.1, "bob": 0.2}, rng=1)
    assert model.traits["mirroring"][model.node_index["cy"]] == 0.3
    assert model.agent_list[model.node_index["ann"]].mirroring == 0.1


# -- live parameters ---------------------------------------------------------------

@pytest.mark.parametrize("engine", ["vectorized", "agents"])
def test_setting_mirroring_zero_on_a_running_model_stops_it(engine):
    model = ContagionModel(_graph(), mirroring=0.5, regulation=0.0, engine=engine, rng=2)
    model.run(3)
    moving = model.valence.copy()
    model.step()
    assert np.abs(model.valence - moving).max() > 1e-4
    model.mirroring = 0.0
    assert model.mirroring == 0.0
    np.testing.assert_array_equal(model.traits["mirroring"], 0.0)
    frozen_v, frozen_a = model.valence.copy(), model.arousal.copy()
    model.run(5)
    np.testing.assert_array_equal(model.valence, frozen_v)
    np.testing.assert_array_equal(model.arousal, frozen_a)


def test_live_setting_is_validated():
    model = ContagionModel(_graph(), rng=2)
    with pytest.raises(ValueError, match=r"mirroring=31 is out of range: allowed \[0, 30\]"):
        model.mirroring = 31
    with pytest.raises(ValueError, match=r"noise=-1 is out of range"):
        model.noise = -1
    assert model.mirroring is None and model.noise == 0.0  # unchanged


def test_live_noise_and_regulation_take_effect():
    model = ContagionModel(_graph(), mirroring=0.0, regulation=0.0, rng=3)
    start = model.valence.copy()
    model.noise = 0.1
    model.step()
    assert np.abs(model.valence - start).max() > 0.01
    model.noise = 0.0
    model.regulation = 30.0  # back to baseline (the start state) within one minute
    model.step()
    np.testing.assert_allclose(model.valence, start, atol=1e-12)


# -- seeded reproducibility --------------------------------------------------------

def _trajectory(model, steps=15):
    states = [np.concatenate([model.valence, model.arousal])]
    for _ in range(steps):
        model.step()
        states.append(np.concatenate([model.valence, model.arousal]))
    return np.array(states)


def _noisy(graph, rng, **kwargs):
    return ContagionModel(graph, noise=0.05, group=["a", "b"] * 15, outgroup_sign=-1.0,
                          events=[Shock(4, valence=0.5, who="a")], rng=rng, **kwargs)


@pytest.mark.parametrize("engine", ["vectorized", "agents"])
def test_same_seed_same_trajectory(engine):
    for seed in (0, 1, 99):
        first = _trajectory(_noisy(_graph(), seed, engine=engine))
        second = _trajectory(_noisy(_graph(), seed, engine=engine))
        np.testing.assert_array_equal(first, second)
    assert not np.array_equal(_trajectory(_noisy(_graph(), 0)), _trajectory(_noisy(_graph(), 1)))


def test_generator_rng_is_reproducible():
    for seed in (0, 5):
        first = _trajectory(_noisy(_graph(), np.random.default_rng(seed)))
        second = _trajectory(_noisy(_graph(), np.random.default_rng(seed)))
        np.testing.assert_array_equal(first, second)


def test_graph_callable_is_drawn_from_the_model_generator():
    def build(rng):
        assert isinstance(rng, np.random.Generator)
        return networks.small_world(30, degree=4, rewire=0.3, rng=rng)

    def edges(model):
        return sorted(model.graph.edges)

    for seed in (0, 3):
        a, b = ContagionModel(build, rng=seed), ContagionModel(build, rng=seed)
        assert edges(a) == edges(b)
        np.testing.assert_array_equal(_trajectory(a), _trajectory(b))
    assert edges(ContagionModel(build, rng=0)) != edges(ContagionModel(build, rng=1))
    gen = [ContagionModel(build, rng=np.random.default_rng(4)) for _ in range(2)]
    assert edges(gen[0]) == edges(gen[1])


def test_global_random_state_is_neither_used_nor_consumed():
    results = []
    for global_seed in (1, 2):
        np.random.seed(global_seed)
        random.seed(global_seed)
        before = (np.random.get_state()[1].copy(), random.getstate())
        model = _noisy(lambda rng: networks.small_world(30, 4, rng=rng), 11)
        results.append(_trajectory(model))
        model.run(3)
        assert (np.random.get_state()[1] == before[0]).all()
        assert random.getstate() == before[1]
    np.testing.assert_array_equal(results[0], results[1])


def test_initial_state_drawn_from_generator_in_range():
    model = ContagionModel(networks.complete(500), rng=3)
    assert model.valence.min() >= -1 and model.valence.max() <= 1
    assert model.arousal.min() >= 0 and model.arousal.max() <= 1
    assert abs(model.valence.mean()) < 0.05 and abs(model.valence.std() - 0.25) < 0.03
    assert abs(model.arousal.mean() - 0.3) < 0.02
    other = ContagionModel(networks.complete(500), rng=4)
    assert not np.array_equal(model.valence, other.valence)


# -- graph inputs ------------------------------------------------------------------

def test_directed_edge_means_receiver_perceives_sender():
    graph = nx.DiGraph([("leader", "follower")])
    model = ContagionModel(graph, mirroring=0.5, regulation=0.0,
                           initial_valence={"leader": 0.8, "follower": 0.0}, rng=1)
    model.step()
    assert model.agent_list[model.node_index["leader"]].valence == 0.8  # hears nobody
    follower = model.agent_list[model.node_index["follower"]].valence
    assert follower == pytest.approx(0.8 * (1 - np.exp(-0.5)), abs=1e-15)


def test_sparse_matrix_reads_row_as_sender():
    matrix = sp.csr_array(np.array([[0.0, 1.0], [0.0, 0.0]]))  # 0 -> 1
    model = ContagionModel(matrix, mirroring=1.0, regulation=0.0, initial_valence=[0.6, -0.6],
                           rng=1)
    model.step()
    np.testing.assert_allclose(model.valence, [0.6, -0.6 + 1.2 * E1], atol=1e-15)
    assert model.network is not None and len(model.network.all_cells) == 2


def test_weight_none_ignores_edge_weights():
    graph = nx.DiGraph()
    graph.add_nodes_from(range(3))
    graph.add_edge(0, 2, weight=3.0)
    graph.add_edge(1, 2, weight=1.0)
    start = [1.0, -1.0, 0.0]
    weighted = ContagionModel(graph, mirroring=1.0, regulation=0.0, initial_valence=start,
                              rng=1)
    unweighted = ContagionModel(graph, mirroring=1.0, regulation=0.0, initial_valence=start,
                                weight=None, rng=1)
    weighted.step()
    unweighted.step()
    assert weighted.valence[2] == pytest.approx(0.5 * E1, abs=1e-15)  # (3 - 1) / 4
    assert unweighted.valence[2] == pytest.approx(0.0, abs=1e-15)


def test_expressiveness_weighs_senders():
    graph = nx.DiGraph()
    graph.add_nodes_from(range(3))
    graph.add_edges_from([(0, 2), (1, 2)])
    model = ContagionModel(graph, mirroring=1.0, regulation=0.0, expressiveness=[1.0, 0.25, 1.0],
                           initial_valence=[1.0, -1.0, 0.0], rng=1)
    model.step()
    assert model.valence[2] == pytest.approx(E1 * (1.0 - 0.25) / 1.25, abs=1e-15)


def test_negativity_gain_speeds_up_only_downward_moves():
    graph = nx.DiGraph([(0, 1), (2, 3)])
    model = ContagionModel(graph, mirroring=0.2, regulation=0.0, negativity_gain=3.0,
                           initial_valence=[-1.0, 0.0, 1.0, 0.0], rng=1)
    model.step()
    assert model.valence[1] == pytest.approx(-(1 - np.exp(-0.6)), abs=1e-15)  # rate 0.2 x 3
    assert model.valence[3] == pytest.approx(1 - np.exp(-0.2), abs=1e-15)  # rate 0.2 going up


def test_run_accepts_numpy_integer_and_zero_steps():
    model = ContagionModel(_graph(), rng=1)
    assert len(model.run(0)) == 1
    assert len(model.run(np.int64(3))) == 4
    assert isinstance(model.dataframe(), pd.DataFrame)


def test_negativity_gain_slows_release_from_low_mood():
    """Regulation on valence is r / g below baseline, r above it; arousal always r."""
    model = ContagionModel(nx.empty_graph(2), mirroring=0.0, regulation=0.2, baseline=0.0,
                           baseline_arousal=0.5, negativity_gain=4.0,
                           initial_valence=[-0.5, 0.5], initial_arousal=[0.1, 0.9], rng=1)
    model.step()
    np.testing.assert_allclose(model.valence, [-0.5 * np.exp(-0.05), 0.5 * np.exp(-0.2)],
                               atol=1e-15)
    np.testing.assert_allclose(model.arousal, [0.5 - 0.4 * np.exp(-0.2), 0.5 + 0.4 * np.exp(-0.2)],
                               atol=1e-15)


@pytest.mark.parametrize("engine", ["vectorized", "agents"])
def test_amplification_intensifies_a_stimulus_shared_with_the_people_one_sees(engine):
    """rho (1 + q x share of the people I perceive who are exposed too); nobody else changes."""
    graph = nx.DiGraph()
    graph.add_nodes_from(range(4))
    graph.add_edges_from([(0, 1), (3, 2)])  # 1 sees 0 (who watches too), 2 sees 3 (who does not)
    model = ContagionModel(graph, mirroring=0.0, reactivity=0.5, regulation=0.0,
                           amplification=1.0, initial_valence=0.0, engine=engine, rng=1,
                           events=[Stimulus(1, valence=-0.8, who=[0, 1, 2])])
    model.step()
    alone, shared = 1 - np.exp(-0.5), 1 - np.exp(-0.5 * (1 + 1.0))
    np.testing.assert_allclose(model.valence, [-0.8 * alone, -0.8 * shared, -0.8 * alone, 0.0],
                               atol=1e-15)
    cut = ContagionModel(graph, mirroring=0.0, reactivity=0.5, regulation=0.0, social=False,
                         amplification=1.0, initial_valence=0.0, engine=engine, rng=1,
                         events=[Stimulus(1, valence=-0.8, who=[0, 1, 2])])
    cut.step()  # the fair null cuts seeing that others watch too
    np.testing.assert_allclose(cut.valence, [-0.8 * alone] * 3 + [0.0], atol=1e-15)


def test_group_membership_can_change_live_but_not_the_names():
    model = ContagionModel(networks.stochastic_block(20, 4, rng=1, groups=("a", "b")), rng=1)
    model.run(2)
    with pytest.raises(ValueError, match=r"group names \['x', 'y'\] differ from \['a', 'b'\]"):
        model.group = ["x"] * 10 + ["y"] * 10
    assert model.group_names == ["a", "b"] and model.group is None
    model.group = ["b"] * 10 + ["a"] * 10
    frame = model.run(2)
    members = model.group_codes == model.group_names.index("a")
    assert members[10:].all() and not members[:10].any()
    assert frame["a_valence"].iloc[-1] == pytest.approx(model.valence[10:].mean())


def test_events_callable_drawn_from_the_model_generator():
    def draw(model):
        who = [int(x) for x in model.rng.choice(model.n_agents, size=3, replace=False)]
        return [Shock(1, valence=0.5, who=who)]

    runs = [ContagionModel(_graph(), events=draw, rng=seed) for seed in (4, 4, 5)]
    assert runs[0].events == runs[1].events
    assert runs[0].events != runs[2].events


def test_add_event_on_a_running_model():
    model = ContagionModel(_graph(), mirroring=0.0, regulation=0.0, rng=1)
    model.run(2)
    before = model.valence.copy()
    model.add_event(Shock(model.steps + 1, valence=0.1, who=[0]))
    model.add_event(Shock(1, valence=0.5))  # already past: no effect
    model.step()
    expected = before.copy()
    expected[0] = saturate(before[0], 0.1, (-1, 1))
    np.testing.assert_allclose(model.valence, expected, atol=1e-15)


@pytest.mark.parametrize("tolerance", [0, -0.1, 1.5, float("nan"), True, "fine"])
def test_a_tolerance_outside_0_1_is_refused_by_name(tolerance):
    with pytest.raises(ValueError, match=r"^tolerance=.*allowed numbers in \(0, 1\]"):
        ContagionModel(nx.path_graph(3), tolerance=tolerance, rng=0)


def test_a_step_too_long_for_the_fastest_social_rate_is_refused():
    """A day-long step at mirroring 0.5 per minute would need 1,440 sub-steps."""
    with pytest.raises(ValueError, match=r"^dt=1 day is too long .* allowed dt <= 0\.69"):
        ContagionModel(nx.path_graph(3), mirroring=0.5, dt=1, time_unit="day", rng=0)
    ContagionModel(nx.path_graph(3), mirroring=0.5, dt=0.69, time_unit="day", rng=0)
    # nobody perceives anybody: the own part is exact at any step
    ContagionModel(nx.empty_graph(3), mirroring=0.5, dt=1, time_unit="year", rng=0)
