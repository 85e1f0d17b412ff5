"""Closed forms the mirroring rule must reproduce (docs/model.md, "Closed forms").

Without noise, pins, negativity gain or amplification, one step of length dt (in
k equal parts) is linear. With W the row-normalised perception matrix (A[i, j] =
w_ji e_j), M, P, R the diagonal social, stimulus and regulation rates, q = exp(-(m +
rho + r) dt_part) and each rate's share of 1 - q as its weight, one part is::

    y' = (I - S W)^-1 (Q y + U u + B b)

(S, U, B the weights of the social input, the stimulus and the baseline). From it:

- DeGroot (R = P = 0): y converges to the consensus pi . y0 with pi_i proportional to
  nu_i / (exp(m_i dt_part) - 1), nu the left Perron vector of W: DeGroot with the
  transformed gains exp(m dt) - 1 (m dt for small steps: the continuous nu_i / m_i);
- Friedkin-Johnsen: y converges to y* solving ((M + P + R) - M W) y* = P u + R b,
  the continuous model's fixed point, whatever dt;
- an agent alone relaxes exactly: b + (y0 - b) exp(-r t) at every step, whatever dt;
- as dt shrinks, the coupled trajectory converges to the continuous solution
  exp(-L t) (first order in dt).

Everything here is computed from the networkx graph with numpy and scipy, not from
the engine's sparse matrices.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
import scipy.linalg

from contagion import ContagionModel, Stimulus, networks

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


def perception_matrix(graph, expressiveness):
    """W = D^-1 A with A[i, j] = weight(j -> i) * expressiveness[j]."""
    out = nx.to_numpy_array(graph, nodelist=list(graph.nodes), weight="weight")
    a = out.T * expressiveness[np.newaxis, :]
    return a / a.sum(axis=1, keepdims=True)


def _traits(n, heterogeneous, seed):
    """Mirroring (per minute) and expressiveness."""
    rng = np.random.default_rng(seed)
    if heterogeneous:
        return rng.uniform(0.1, 0.9, n), rng.uniform(0.3, 1.0, n)
    return np.full(n, 0.4), np.ones(n)


def one_part(w, social, stimulus, regulation, dt):
    """(I - S W)^-1 Q and the weights U, B of one implicit part."""
    total = social + stimulus + regulation
    keep = np.exp(-total * dt)
    share = np.where(total > 0, (1 - keep) / np.where(total > 0, total, 1), 0.0)
    solve = np.linalg.inv(np.eye(len(w)) - np.diag(social * share) @ w)
    return solve, keep, stimulus * share, regulation * share


@pytest.mark.parametrize("graph_name", list(GRAPHS))
@pytest.mark.parametrize("dt", [0.25, 1.0, 4.0])
def test_one_step_is_the_linear_solve(graph_name, dt):
    """A step with stimuli, regulation and heterogeneous traits is the dense linear solve."""
    graph = GRAPHS[graph_name]()
    n = graph.number_of_nodes()
    rng = np.random.default_rng(7)
    mirroring, expressiveness = _traits(n, True, 3)
    reactivity, regulation = rng.uniform(0.1, 1.0, n), rng.uniform(0.0, 0.3, n)
    baseline = rng.uniform(-0.5, 0.5, n)
    attention = rng.uniform(0.0, 1.0, n)
    model = ContagionModel(graph, mirroring=mirroring, expressiveness=expressiveness,
                           reactivity=reactivity, regulation=regulation, baseline=baseline,
                           attention=attention, dt=dt, rng=1,
                           events=[Stimulus(1, None, valence=-0.6, arousal=0.9, strength=2.0)])
    w = perception_matrix(graph, expressiveness)
    parts = max(1, math.ceil(mirroring.max() * dt - 1e-12))
    stimulus = reactivity * attention * 2.0
    solve, keep, w_stim, w_base = one_part(w, mirroring, stimulus, regulation, dt / parts)
    v, a = model.valence.copy(), model.arousal.copy()
    for _ in range(parts):
        v = solve @ (keep * v + w_stim * -0.6 + w_base * baseline)
        a = solve @ (keep * a + w_stim * 0.9 + w_base * model.traits["baseline_arousal"])
    model.step()
    np.testing.assert_allclose(model.valence, v, rtol=0, atol=1e-12)
    np.testing.assert_allclose(model.arousal, a, rtol=0, atol=1e-12)


@pytest.mark.parametrize("heterogeneous", [False, True], ids=["homogeneous", "heterogeneous"])
@pytest.mark.parametrize("graph_name", list(GRAPHS))
def test_degroot_consensus_with_transformed_gains(graph_name, heterogeneous):
    graph = GRAPHS[graph_name]()
    n = graph.number_of_nodes()
    for seed, dt in ((0, 1.0), (1, 2.5)):
        mirroring, expressiveness = _traits(n, heterogeneous, seed)
        w = perception_matrix(graph, expressiveness)
        values, vectors = np.linalg.eig(w.T)
        nu = np.real(vectors[:, np.argmin(np.abs(values - 1))])
        nu = nu / nu.sum()
        assert (nu > 0).all()
        parts = max(1, math.ceil(mirroring.max() * dt - 1e-12))
        gain = np.expm1(mirroring * dt / parts)  # the transformed gains
        pi = nu / gain / (nu / gain).sum()
        model = ContagionModel(graph, mirroring=mirroring, expressiveness=expressiveness,
                               regulation=0.0, dt=dt, rng=seed, collect_every=10_000)
        start_v, start_a = model.valence.copy(), model.arousal.copy()
        assert start_v.std() > 0.1  # a real disagreement to resolve
        model.run(1500)
        np.testing.assert_allclose(model.valence, pi @ start_v, rtol=0, atol=ATOL)
        np.testing.assert_allclose(model.arousal, pi @ start_a, rtol=0, atol=ATOL)
        if graph_name == "directed weighted" or heterogeneous:
            assert abs(pi @ start_v - start_v.mean()) > 1e-4  # not simply the plain mean


def test_degroot_consensus_undirected_equal_weights_is_degree_weighted_mean():
    """Textbook special case: pi_i is proportional to degree on an undirected graph."""
    graph = _small_world()
    degrees = np.array([d for _, d in graph.degree()], dtype=float)
    model = ContagionModel(graph, mirroring=0.5, regulation=0.0, rng=4, collect_every=10_000)
    start = model.valence.copy()
    model.run(1500)
    np.testing.assert_allclose(model.valence, degrees @ start / degrees.sum(), atol=ATOL)


@pytest.mark.parametrize("heterogeneous", [False, True], ids=["homogeneous", "heterogeneous"])
@pytest.mark.parametrize("graph_name", list(GRAPHS))
def test_friedkin_johnsen_fixed_point_is_the_continuous_one(graph_name, heterogeneous):
    graph = GRAPHS[graph_name]()
    n = graph.number_of_nodes()
    for seed, dt in ((0, 0.5), (1, 3.0)):
        rng = np.random.default_rng(seed + 10)
        mirroring, expressiveness = _traits(n, heterogeneous, seed)
        regulation = rng.uniform(0.05, 0.25, n) if heterogeneous else np.full(n, 0.1)
        reactivity = rng.uniform(0.0, 0.5, n) if heterogeneous else np.full(n, 0.2)
        w = perception_matrix(graph, expressiveness)
        model = ContagionModel(graph, mirroring=mirroring, expressiveness=expressiveness,
                               regulation=regulation, reactivity=reactivity, dt=dt, rng=seed,
                               events=[Stimulus(1, None, valence=0.4, arousal=0.7)],
                               collect_every=10_000)
        baseline, baseline_a = model.traits["baseline"], model.traits["baseline_arousal"]
        system = np.diag(mirroring + reactivity + regulation) - np.diag(mirroring) @ w
        fixed_v = np.linalg.solve(system, reactivity * 0.4 + regulation * baseline)
        fixed_a = np.linalg.solve(system, reactivity * 0.7 + regulation * baseline_a)
        model.run(2000)
        np.testing.assert_allclose(model.valence, fixed_v, rtol=0, atol=ATOL)
        np.testing.assert_allclose(model.arousal, fixed_a, rtol=0, atol=ATOL)


@pytest.mark.parametrize("dt,unit", [(1.0, "second"), (0.5, "minute"), (3.0, "minute")])
def test_an_agent_alone_relaxes_exactly_in_real_time(dt, unit):
    """No coupling: b + (y0 - b) exp(-r t) at every step, whatever the step length."""
    baseline, start = np.array([0.0, 0.3, -0.2]), np.array([0.8, -0.4, 0.5])
    model = ContagionModel(nx.empty_graph(3), regulation=0.2, baseline=baseline,
                           initial_valence=start, dt=dt, time_unit=unit, rng=0)
    minutes_per_step = dt / 60 if unit == "second" else dt
    for step in range(1, 41):
        model.step()
        expected = baseline + (start - baseline) * np.exp(-0.2 * step * minutes_per_step)
        np.testing.assert_allclose(model.valence, expected, rtol=0, atol=1e-12)


def test_half_life_is_ln2_over_regulation_in_minutes():
    half_life = math.log(2) / 0.2
    model = ContagionModel(nx.empty_graph(1), regulation=0.2, baseline=0.0, initial_valence=0.8,
                           dt=half_life, rng=0)
    model.step()
    np.testing.assert_allclose(model.valence, 0.4, atol=1e-12)


def test_small_steps_converge_to_the_continuous_solution():
    """The coupled system at dt -> 0 approaches exp(-L t) y0; the error is first order."""
    graph = _directed_weighted()
    n = graph.number_of_nodes()
    mirroring, expressiveness = _traits(n, True, 5)
    regulation = np.full(n, 0.1)
    w = perception_matrix(graph, expressiveness)
    generator = np.diag(mirroring) @ w - np.diag(mirroring + regulation)  # dy/dt = G y (b = 0)
    errors = []
    for dt in (0.4, 0.2, 0.1):
        model = ContagionModel(graph, mirroring=mirroring, expressiveness=expressiveness,
                               regulation=regulation, baseline=0.0, dt=dt, rng=3,
                               initial_valence=np.random.default_rng(3).uniform(-1, 1, n))
        start = model.valence.copy()
        model.run(int(round(4.0 / dt)))
        exact = scipy.linalg.expm(generator * 4.0) @ start
        errors.append(np.abs(model.valence - exact).max())
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 0.02
    for coarse, fine in zip(errors, errors[1:]):
        assert 1.6 < coarse / fine < 2.4  # halving dt halves the error: first order
