"""Closed forms the mirroring rule must reproduce (docs/model.md, "Closed forms").

Without noise, pins, negativity gain or amplification the rule is the linear system
dy/dt = M (W y - y) + P (u - y) + R (b - y), W the row-normalised perception matrix
(A[i, j] = w_ji e_j), M, P, R the diagonal social, stimulus and regulation rates. One
step is k sub-steps of length h (``rules.substeps``), each a Strang splitting::

    own(h/2):  y <- y* + (y - y*) exp(-(P + R) h / 2),   y* = (P u + R b) / (P + R)
    Heun(h):   y1 = y + h M (W y - y);   y <- (y + y1 + h M (W y1 - y1)) / 2
    own(h/2)

From it:

- DeGroot (R = P = 0): y converges to the consensus pi . y0 with pi_i proportional
  to nu_i / m_i, nu the left Perron vector of W: the continuous model's, whatever dt
  (a left eigenvector of the generator is one of every polynomial in it);
- Friedkin-Johnsen: y converges to y* solving ((M + P + R) - M W) y* = P u + R b,
  the continuous model's fixed point, whatever dt (every part of a sub-step fixes it);
- an agent alone relaxes exactly: b + (y0 - b) exp(-r t) at every step, whatever dt;
- as dt (or the tolerance) shrinks, the coupled trajectory converges to the
  continuous solution exp(G t) y0 at second order, on directed, weighted and signed
  graphs; a frustrated signed cycle oscillates as the continuous model does.

Everything here is computed from the networkx graph with numpy and scipy, not from
the engine's sparse matrices.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
import scipy.linalg

from contagion import ContagionModel, Stimulus, networks, rules

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


def one_sub_step(w, y, social, stimulus, regulation, target, baseline, h):
    """One exponential Heun sub-step, with dense numpy (see the module docstring)."""
    total = social + stimulus + regulation
    weight = -np.expm1(-total * h) / total

    def drive(x):
        return social * (w @ x) + stimulus * target + regulation * baseline

    first = drive(y)
    stage = y + (first - total * y) * weight
    return y + ((first + drive(stage)) / 2 - total * y) * weight


@pytest.mark.parametrize("graph_name", list(GRAPHS))
@pytest.mark.parametrize("dt", [0.25, 1.0, 4.0])
def test_one_step_is_the_exponential_heun_step(graph_name, dt):
    """A step with stimuli, regulation and heterogeneous traits is the dense computation."""
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
    stimulus = reactivity * attention * 2.0
    total = mirroring + stimulus + regulation
    parts = rules.substeps(mirroring.max(), total.max(),
                           rules.stable_step(mirroring, total).min(), dt, model.tolerance)
    assert parts >= 1 + (dt > 1)  # the stiff cases take several sub-steps
    v, a = model.valence.copy(), model.arousal.copy()
    baseline_a = model.traits["baseline_arousal"]
    for _ in range(parts):
        v = one_sub_step(w, v, mirroring, stimulus, regulation, -0.6, baseline, dt / parts)
        a = one_sub_step(w, a, mirroring, stimulus, regulation, 0.9, baseline_a, dt / parts)
    model.step()
    np.testing.assert_allclose(model.valence, v, rtol=0, atol=1e-12)
    np.testing.assert_allclose(model.arousal, a, rtol=0, atol=1e-12)


def step_consensus(w, nu, mirroring, h):
    """The consensus weights the sub-steps keep: ell = nu (I + W D / 2)^-1 D^-1, normalised.

    With D = diag(1 - exp(-m h)) one sub-step is y' = y + D (W (y + y1) / 2 - y),
    y1 = y + D (W - I) y; ell (y' - y) = 0 for every y. As h -> 0, ell -> nu / m.
    """
    d = -np.expm1(-mirroring * h)
    ell = np.linalg.solve((np.eye(len(w)) + w * d[np.newaxis, :] / 2).T, nu) / d
    return ell / ell.sum()


@pytest.mark.parametrize("heterogeneous", [False, True], ids=["homogeneous", "heterogeneous"])
@pytest.mark.parametrize("graph_name", list(GRAPHS))
def test_degroot_consensus(graph_name, heterogeneous):
    """Consensus = ell . y0 exactly; ell is nu / m (the continuous one) up to O(h^2)."""
    graph = GRAPHS[graph_name]()
    n = graph.number_of_nodes()
    for seed, dt in ((0, 1.0), (1, 2.5)):
        mirroring, expressiveness = _traits(n, heterogeneous, seed)
        w = perception_matrix(graph, expressiveness)
        values, vectors = np.linalg.eig(w.T)
        nu = np.real(vectors[:, np.argmin(np.abs(values - 1))])
        nu = nu / nu.sum()
        assert (nu > 0).all()
        continuous = nu / mirroring / (nu / mirroring).sum()
        model = ContagionModel(graph, mirroring=mirroring, expressiveness=expressiveness,
                               regulation=0.0, dt=dt, rng=seed, collect_every=10_000)
        start_v, start_a = model.valence.copy(), model.arousal.copy()
        assert start_v.std() > 0.1  # a real disagreement to resolve
        model.run(1)
        pi = step_consensus(w, nu, mirroring, model.substep)
        model.run(1500)
        np.testing.assert_allclose(model.valence, pi @ start_v, rtol=0, atol=ATOL)
        np.testing.assert_allclose(model.arousal, pi @ start_a, rtol=0, atol=ATOL)
        gaps = [np.abs(step_consensus(w, nu, mirroring, h) - continuous).max()
                for h in (0.2, 0.1)]
        if heterogeneous:
            assert 3.5 < gaps[0] / gaps[1] < 4.5  # second order in the sub-step
        else:
            assert max(gaps) < 1e-12  # equal rates: the continuous consensus itself
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


def _trajectory_errors(graph, w, mirroring, expressiveness, regulation, settings, minutes=4.0,
                       **model_kwargs):
    """Largest error against exp(G t) y0 at each (dt, tolerance) of ``settings``."""
    n = graph.number_of_nodes()
    generator = np.diag(mirroring) @ w - np.diag(mirroring + regulation)  # dy/dt = G y (b = 0)
    start = np.random.default_rng(3).uniform(-1, 1, n)
    exact = scipy.linalg.expm(generator * minutes) @ start
    errors = []
    for dt, tolerance in settings:
        model = ContagionModel(graph, mirroring=mirroring, expressiveness=expressiveness,
                               regulation=regulation, baseline=0.0, dt=dt, rng=3,
                               initial_valence=start, tolerance=tolerance, **model_kwargs)
        model.run(int(round(minutes / dt)))
        errors.append(np.abs(model.valence - exact).max())
    return errors


def test_small_steps_converge_to_the_continuous_solution_at_second_order():
    """Directed, weighted: halving dt (one sub-step per step) quarters the error."""
    graph = _directed_weighted()
    n = graph.number_of_nodes()
    mirroring, expressiveness = _traits(n, True, 5)
    w = perception_matrix(graph, expressiveness)
    errors = _trajectory_errors(graph, w, mirroring, expressiveness, np.full(n, 0.1),
                                [(0.4, 1.0), (0.2, 1.0), (0.1, 1.0)])
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 1e-3
    for coarse, fine in zip(errors, errors[1:]):
        assert 3.0 < coarse / fine < 5.0  # second order


def test_a_finer_tolerance_converges_at_the_same_step():
    """At one dt, halving the tolerance (twice the sub-steps) quarters the error."""
    graph = _directed_weighted()
    n = graph.number_of_nodes()
    mirroring, expressiveness = _traits(n, True, 5)
    w = perception_matrix(graph, expressiveness)
    errors = _trajectory_errors(graph, w, mirroring * 4, expressiveness, np.full(n, 0.1),
                                [(1.0, 0.8), (1.0, 0.4), (1.0, 0.2)])
    for coarse, fine in zip(errors, errors[1:]):
        assert 3.0 < coarse / fine < 5.0
    assert errors[-1] < 5e-3


def _frustrated_cycle():
    """Groups a -> b -> c -> a (each perceives the previous one), inverted valence across."""
    graph = nx.DiGraph()
    for k, group in enumerate("abc"):
        for i in range(3):
            graph.add_node(3 * k + i, group=group)
    for k in range(3):
        nxt = (k + 1) % 3
        for i in range(3):
            graph.add_edge(3 * k + i, 3 * nxt + i)  # a member of the next group perceives me
    return graph


def test_a_frustrated_signed_cycle_oscillates_as_the_continuous_model():
    """outgroup_sign -1 on a directed cycle of groups: the continuous model oscillates.

    Its generator -m I + m S W (S: -1 across groups) has complex eigenvalues; the model
    follows the oscillation (same sign flips, error shrinking with the step).
    """
    graph = _frustrated_cycle()
    n = graph.number_of_nodes()
    m = 2.0
    w = -perception_matrix(graph, np.ones(n))  # every tie crosses groups: sign -1
    generator = m * w - m * np.eye(n)
    assert np.abs(np.linalg.eigvals(generator).imag).max() > 1.0  # a real oscillation
    start = np.linspace(-0.9, 0.9, n)
    times = np.arange(1, 81) * 0.05
    exact = np.array([scipy.linalg.expm(generator * t) @ start for t in times])
    flips = int((np.diff(np.sign(exact[:, 0])) != 0).sum())
    assert flips >= 2
    errors = []
    for dt in (0.05, 0.025):
        model = ContagionModel(graph, mirroring=m, regulation=0.0, outgroup_sign=-1.0,
                               initial_valence=start, dt=dt, rng=0)
        per_sample = round(0.05 / dt)
        got = []
        for _ in times:
            for _ in range(per_sample):
                model.step()
            got.append(model.valence.copy())
        got = np.array(got)
        assert int((np.diff(np.sign(got[:, 0])) != 0).sum()) == flips
        errors.append(np.abs(got - exact).max())
    assert errors[0] < 0.01
    assert 3.0 < errors[0] / errors[1] < 5.0  # second order in the step
