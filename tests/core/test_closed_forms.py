"""Closed forms the mirroring rule must reproduce (DESIGN.md, "The model").

Without noise, groups, events or clipping, one step is linear::

    y <- y + K (W y - y) - R (y - y0)

with W = D^-1 A the row-normalised in-edge matrix (A[i, j] = w_ji e_j: the channel
strength of j -> i times j's expressiveness), K = diag(min(1, mirroring)) and
R = diag(regulation). With R = 0 this is lazy DeGroot averaging: P = I - K + K W is
row-stochastic and y converges to the consensus pi . y0 where pi is P's stationary
distribution. With R > 0 and baseline y0 it is Friedkin-Johnsen: y converges to
y* solving ((K + R) I - K W) y* = R y0.

Everything here is computed from the networkx graph with numpy, independently of
the engine's sparse matrices.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from contagion import ContagionModel, networks

ATOL = 1e-9


def _small_world():
    return networks.small_world(30, degree=4, rewire=0.2, rng=1)


def _directed_weighted():
    """Strongly connected directed graph: a directed ring plus weighted random chords."""
    rng = np.random.default_rng(2)
    n = 25
    graph = nx.DiGraph()
    for i in range(n):
        graph.add_edge(i, (i + 1) % n, weight=float(rng.uniform(0.5, 2.0)))
    for _ in range(40):
        u, v = (int(x) for x in rng.choice(n, size=2, replace=False))
        graph.add_edge(u, v, weight=float(rng.uniform(0.1, 3.0)))
    assert nx.is_strongly_connected(graph)
    return graph


GRAPHS = {"undirected small world": _small_world, "directed weighted": _directed_weighted}


def influence_matrix(graph, expressiveness):
    """W = D^-1 A with A[i, j] = weight(j -> i) * expressiveness[j]."""
    nodes = list(graph.nodes)
    out = nx.to_numpy_array(graph, nodelist=nodes, weight="weight")  # out[u, v]: u -> v
    a = out.T * expressiveness[np.newaxis, :]
    return a / a.sum(axis=1, keepdims=True)


def steps_needed(matrix, start_spread=2.0, tolerance=1e-12, cap=6000):
    """Steps until the slowest decaying mode of ``matrix`` falls below ``tolerance``."""
    moduli = np.sort(np.abs(np.linalg.eigvals(matrix)))
    slowest = moduli[-2] if np.isclose(moduli[-1], 1.0) else moduli[-1]
    steps = int(math.ceil(math.log(tolerance / start_spread) / math.log(slowest)))
    steps = int(1.5 * steps) + 50  # non-normal matrices decay with a transient
    assert steps <= cap, f"graph mixes too slowly for a fast test ({steps} steps)"
    return steps


def stationary_distribution(p):
    """pi with pi P = pi, sum(pi) = 1, by a linear solve."""
    n = len(p)
    system = np.vstack([p.T - np.eye(n), np.ones((1, n))])
    rhs = np.concatenate([np.zeros(n), [1.0]])
    pi, *_ = np.linalg.lstsq(system, rhs, rcond=None)
    return pi


def _traits(n, heterogeneous, seed):
    rng = np.random.default_rng(seed)
    if heterogeneous:
        return rng.uniform(0.15, 0.7, n), rng.uniform(0.3, 1.0, n)
    return np.full(n, 0.4), np.ones(n)


@pytest.mark.parametrize("heterogeneous", [False, True], ids=["homogeneous", "heterogeneous"])
@pytest.mark.parametrize("graph_name", list(GRAPHS))
def test_degroot_consensus(graph_name, heterogeneous):
    graph = GRAPHS[graph_name]()
    n = graph.number_of_nodes()
    for seed in (0, 1):
        mirroring, expressiveness = _traits(n, heterogeneous, seed)
        w = influence_matrix(graph, expressiveness)
        p = np.eye(n) - np.diag(mirroring) + np.diag(mirroring) @ w
        np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-14)
        pi = stationary_distribution(p)
        np.testing.assert_allclose(pi @ p, pi, atol=1e-13)  # self-consistent
        assert (pi > 0).all()

        model = ContagionModel(graph, mirroring=mirroring if heterogeneous else 0.4,
                               expressiveness=expressiveness if heterogeneous else 1.0,
                               regulation=0.0, noise=0.0, rng=seed, collect_every=10_000)
        start_v, start_a = model.valence.copy(), model.arousal.copy()
        assert start_v.std() > 0.1  # a real disagreement to resolve
        model.run(steps_needed(p))
        np.testing.assert_allclose(model.valence, pi @ start_v, rtol=0, atol=ATOL)
        np.testing.assert_allclose(model.arousal, pi @ start_a, rtol=0, atol=ATOL)
        # The consensus is not simply the plain mean when influence is unequal.
        if graph_name == "directed weighted" or heterogeneous:
            assert abs(pi @ start_v - start_v.mean()) > 1e-4


def test_degroot_consensus_undirected_equal_weights_is_degree_weighted_mean():
    """Textbook special case: pi_i is proportional to degree on an undirected graph."""
    graph = _small_world()
    degrees = np.array([d for _, d in graph.degree()], dtype=float)
    model = ContagionModel(graph, mirroring=0.5, regulation=0.0, rng=4, collect_every=10_000)
    start = model.valence.copy()
    model.run(800)
    np.testing.assert_allclose(model.valence, degrees @ start / degrees.sum(), atol=ATOL)


def test_gain_is_capped_at_one():
    """mirroring (1 + expertise_gain x) > 1 is capped: k = 1 for the experts."""
    graph = _small_world()
    n = graph.number_of_nodes()
    expertise = np.where(np.arange(n) % 2 == 0, 1.0, 0.0)
    model = ContagionModel(graph, mirroring=0.6, expertise=expertise, expertise_gain=2.0,
                           regulation=0.0, rng=5, collect_every=10_000)
    k = np.where(expertise > 0, 1.0, 0.6)  # uncapped would be 1.8 for experts
    p = np.eye(n) - np.diag(k) + np.diag(k) @ influence_matrix(graph, np.ones(n))
    pi = stationary_distribution(p)
    start = model.valence.copy()
    model.run(steps_needed(p))
    np.testing.assert_allclose(model.valence, pi @ start, rtol=0, atol=ATOL)


@pytest.mark.parametrize("heterogeneous", [False, True], ids=["homogeneous", "heterogeneous"])
@pytest.mark.parametrize("graph_name", list(GRAPHS))
def test_friedkin_johnsen_fixed_point(graph_name, heterogeneous):
    graph = GRAPHS[graph_name]()
    n = graph.number_of_nodes()
    for seed in (0, 1):
        mirroring, expressiveness = _traits(n, heterogeneous, seed)
        regulation = (np.random.default_rng(seed + 10).uniform(0.05, 0.25, n) if heterogeneous
                      else np.full(n, 0.1))
        assert (mirroring + regulation <= 1).all()  # convex update: no clipping
        w = influence_matrix(graph, expressiveness)
        k, r = np.diag(mirroring), np.diag(regulation)
        model = ContagionModel(graph, mirroring=mirroring, expressiveness=expressiveness,
                               regulation=regulation, rng=seed, collect_every=10_000)
        y0_v, y0_a = model.valence.copy(), model.arousal.copy()
        expected_v = np.linalg.solve(k + r - k @ w, r @ y0_v)
        expected_a = np.linalg.solve(k + r - k @ w, r @ y0_a)
        step_matrix = np.eye(n) - k - r + k @ w
        model.run(steps_needed(step_matrix))
        np.testing.assert_allclose(model.valence, expected_v, rtol=0, atol=ATOL)
        np.testing.assert_allclose(model.arousal, expected_a, rtol=0, atol=ATOL)
        # Regulation keeps disagreement: no consensus, unlike DeGroot.
        assert model.valence.std() > 1e-3


@pytest.mark.parametrize("engine", ["vectorized", "agents"])
def test_friedkin_johnsen_with_explicit_baseline(engine):
    """Baseline different from the start: y* solves ((K + R) - K W) y* = R b."""
    graph = _directed_weighted()
    n = graph.number_of_nodes()
    baseline = np.linspace(-0.8, 0.8, n)
    model = ContagionModel(graph, mirroring=0.5, regulation=0.3, baseline=baseline, rng=8,
                           engine=engine, collect_every=10_000)
    w = influence_matrix(graph, np.ones(n))
    expected = np.linalg.solve(0.8 * np.eye(n) - 0.5 * w, 0.3 * baseline)
    model.run(steps_needed(0.2 * np.eye(n) + 0.5 * w))
    np.testing.assert_allclose(model.valence, expected, rtol=0, atol=ATOL)


# -- mirroring = 0: nobody is moved by anyone else ---------------------------------

@pytest.mark.parametrize("engine", ["vectorized", "agents"])
@pytest.mark.parametrize("graph_name", list(GRAPHS))
def test_no_mirroring_no_regulation_state_is_constant(graph_name, engine):
    graph = GRAPHS[graph_name]()
    for seed in (0, 1, 2):
        model = ContagionModel(graph, mirroring=0.0, regulation=0.0, negativity_gain=5.0,
                               anticipation=2.0, group=["a", "b"] * (len(graph) // 2)
                               + ["a"] * (len(graph) % 2), outgroup_sign=-1.0,
                               engine=engine, rng=seed)
        start_v, start_a = model.valence.copy(), model.arousal.copy()
        frame = model.run(25)
        np.testing.assert_array_equal(model.valence, start_v)
        np.testing.assert_array_equal(model.arousal, start_a)
        assert (frame["change"] == 0).all()


@pytest.mark.parametrize("noise", [0.0, 0.05])
@pytest.mark.parametrize("graph_name", list(GRAPHS))
def test_no_mirroring_each_agent_relaxes_to_its_own_baseline(graph_name, noise):
    """An agent's trajectory is identical whatever its neighbours' states are."""
    graph = GRAPHS[graph_name]()
    n = graph.number_of_nodes()
    rng = np.random.default_rng(3)
    me = 0
    baseline = rng.uniform(-0.5, 0.5, n)
    trajectories = []
    for others in range(3):
        start = np.random.default_rng(100 + others).uniform(-1, 1, n)
        start[me] = 0.9
        model = ContagionModel(graph, mirroring=0.0, regulation=0.2, baseline=baseline,
                               initial_valence=start, initial_arousal=0.5, noise=noise,
                               rng=7)
        mine = [model.valence[me]]
        for _ in range(30):
            model.step()
            mine.append(model.valence[me])
        trajectories.append(np.array(mine))
    np.testing.assert_array_equal(trajectories[0], trajectories[1])
    np.testing.assert_array_equal(trajectories[0], trajectories[2])
    if noise == 0:
        expected = baseline[me] + (0.9 - baseline[me]) * 0.8 ** np.arange(31)
        np.testing.assert_allclose(trajectories[0], expected, rtol=0, atol=1e-12)
