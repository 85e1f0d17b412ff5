"""Property-based tests: whatever the (valid) graph and parameters, the dynamics stay sane.

Two depths:

- **Stability** (no events, no noise): over random graphs (directed or not, weights
  including zeros), every parameter anywhere in its documented range, groups with
  any out-group sign, and step lengths from a second to five minutes, every state
  stays within the range spanned by the start states and baselines (and their
  negatives where the out-group is perceived with inverted valence), so no agent
  reaches +-1 unless an input is there; the same holds with stimuli, whose levels
  join the range. And the one-step map has no mode that flips sign: every
  eigenvalue has a positive real part (real on undirected networks), so no state
  alternates in sign from step to step by itself. (An agent's state may still cross
  zero more than once where inputs of both signs reach it at different speeds: the
  continuous model does that too; the old rule's swaps and checkerboards came from
  eigenvalues near -1, tested away below.)
- **Range** (anything goes: shocks as big as allowed, pins, stimuli, noise): both
  engines keep valence in [-1, 1] and arousal in [0, 1] with no NaN, and every
  reported metric is finite.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contagion import PARAMETERS, ContagionModel, Pin, Shock, Stimulus, rules

STEPS = 8
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
#: Step lengths in minutes: a second, ten seconds, a minute, five minutes.
STEP_LENGTHS = (1 / 60, 1 / 6, 1.0, 5.0)
#: A state this close to 0 has no sign worth counting.
SIGNED = 1e-9

finite = dict(allow_nan=False, allow_infinity=False)


@st.composite
def graphs(draw, max_nodes=30):
    n = draw(st.integers(2, max_nodes))
    directed = draw(st.booleans())
    graph = nx.DiGraph() if directed else nx.Graph()
    graph.add_nodes_from(range(n))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    weights = st.one_of(st.just(0.0), st.just(1.0), st.floats(0.0, 50.0, **finite))
    for u, v in draw(st.lists(pairs, max_size=4 * n)):
        graph.add_edge(u, v, weight=draw(weights))
    return graph


def trait(name, n, low=None, high=None):
    """A scalar or one value per agent, anywhere in the parameter's declared range."""
    p = PARAMETERS[name]
    values = st.floats(p.low if low is None else low, p.high if high is None else high, **finite)
    return st.one_of(values, st.lists(values, min_size=n, max_size=n).map(np.array))


@st.composite
def model_kwargs(draw, inner=False):
    """Graph, keyword arguments and seed; ``inner`` keeps starts and baselines off +-1."""
    graph = draw(graphs())
    n = graph.number_of_nodes()
    kwargs = {name: draw(trait(name, n)) for name in PARAMETERS
              if PARAMETERS[name].per_agent and name not in ("initial_valence", "baseline")
              and draw(st.booleans())}
    edge = 0.99 if inner else 1.0
    for name, low in (("initial_valence", -edge), ("baseline", -edge),
                      ("initial_arousal", 1 - edge), ("baseline_arousal", 1 - edge)):
        kwargs[name] = draw(trait(name, n, low, edge))
    kwargs["outgroup_sign"] = draw(st.floats(-1, 1, **finite))
    kwargs["expertise_gain"] = draw(st.floats(0, PARAMETERS["expertise_gain"].high, **finite))
    kwargs["dt"] = _allowed_step(kwargs, draw(st.sampled_from(STEP_LENGTHS)))
    if draw(st.booleans()):
        kwargs["group"] = draw(st.lists(st.sampled_from(["home", "away", "neutral"]),
                                        min_size=n, max_size=n))
    return graph, kwargs, draw(st.integers(0, 2**32 - 1))


def _allowed_step(kwargs, dt: float) -> float:
    """The longest of STEP_LENGTHS up to ``dt`` that the model accepts for these rates.

    A step whose fastest social rate needs more than ``rules.MAX_SUBSTEPS`` sub-steps is
    refused (tested in test_model.py); here the step shrinks instead.
    """
    def top(name):
        value = kwargs.get(name, PARAMETERS[name].default)
        return float(np.max(value))

    fastest = (top("mirroring") * (1 + top("expertise_gain") * top("expertise"))
               * top("negativity_gain"))
    fits = [s for s in STEP_LENGTHS if s <= dt and fastest * s / rules.TOLERANCE
            <= rules.MAX_SUBSTEPS]
    return max(fits) if fits else STEP_LENGTHS[0]


def _span(values, mirrored: bool) -> tuple[float, float]:
    values = np.concatenate([np.ravel(v) for v in values])
    if mirrored:
        values = np.concatenate([values, -values])
    return float(values.min()), float(values.max())


def _trajectory(model, steps):
    states = [(model.valence.copy(), model.arousal.copy())]
    for _ in range(steps):
        model.step()
        states.append((model.valence.copy(), model.arousal.copy()))
    return np.array([s[0] for s in states]), np.array([s[1] for s in states])


def _assert_stable(valence, arousal, span_v, span_a):
    tolerance = 1e-12
    assert (valence >= span_v[0] - tolerance).all() and (valence <= span_v[1] + tolerance).all()
    assert (arousal >= span_a[0] - tolerance).all() and (arousal <= span_a[1] + tolerance).all()


def _alternates(valence) -> bool:
    """Whether some agent's valence flips sign at two steps in a row."""
    sign = np.where(np.abs(valence) > SIGNED, np.sign(valence), 0.0)
    flips = (sign[:-1] * sign[1:]) < 0
    return bool((flips[:-1] & flips[1:]).any())


def _mirrored(model) -> bool:
    return bool(model.outgroup_sign < 0 and len(model.group_names) > 1)


@SETTINGS
@given(model_kwargs(inner=True))
def test_without_events_no_overshoot_no_oscillation_no_pinning(case):
    graph, kwargs, seed = case
    model = ContagionModel(graph, rng=seed, space=False, **kwargs)
    span_v = _span([model.valence, model.traits["baseline"]], _mirrored(model))
    span_a = _span([model.arousal, model.traits["baseline_arousal"]], False)
    valence, arousal = _trajectory(model, STEPS)
    _assert_stable(valence, arousal, span_v, span_a)
    assert (np.abs(valence) < 1).all() and (arousal > 0).all() and (arousal < 1).all()


def _step_map(graph, kwargs, seed) -> np.ndarray:
    """The matrix of one step (valence), by finite differences: the map is linear here."""
    n = graph.number_of_nodes()
    start = np.asarray(kwargs["initial_valence"], dtype=float) * np.ones(n)

    def one_step(valence):
        model = ContagionModel(graph, rng=seed, space=False, **{**kwargs,
                                                                "initial_valence": valence})
        model.step()
        return model.valence.copy()

    base, h = one_step(start), 1e-6
    columns = []
    for j in range(n):
        bumped = start.copy()
        bumped[j] += h if bumped[j] < 0.5 else -h
        columns.append((one_step(bumped) - base) / (bumped[j] - start[j]))
    return np.column_stack(columns)


@settings(SETTINGS, max_examples=40)
@given(model_kwargs(inner=True))
def test_the_step_map_has_no_mode_that_flips_sign(case):
    """Every eigenvalue of the one-step map: real part > 0, modulus <= 1 (real if undirected)."""
    graph, kwargs, seed = case
    kwargs = {k: v for k, v in kwargs.items() if k not in ("negativity_gain", "group")}
    kwargs["outgroup_sign"] = 1.0  # one group: the map is linear in the valences
    kwargs["baseline"] = np.asarray(kwargs["baseline"]) * np.ones(graph.number_of_nodes())
    values = np.linalg.eigvals(_step_map(graph, kwargs, seed))
    assert (values.real > -1e-7).all(), values
    assert (np.abs(values) < 1 + 1e-7).all(), values
    if not graph.is_directed():
        assert (np.abs(values.imag) < 1e-6).all(), values


def test_the_old_rule_had_the_mode_the_new_one_lacks():
    """Guard for the test above: an explicit step with gain 1 on a pair flips the difference."""
    graph = nx.Graph([(0, 1)])
    kwargs = dict(mirroring=PARAMETERS["mirroring"].high, regulation=0.0, dt=1.0,
                  initial_valence=0.1, baseline=np.zeros(2))
    values = np.linalg.eigvals(_step_map(graph, kwargs, 0))
    assert values.min() > 0  # the new rule: both modes kept positive
    old = np.array([[0.0, 1.0], [1.0, 0.0]])  # y <- y + 1 (s - y): the pair swaps
    assert np.linalg.eigvals(old).min() == pytest.approx(-1.0)


@SETTINGS
@given(model_kwargs(inner=True), st.data())
def test_stimuli_join_the_range_and_nothing_else_moves_past_it(case, data):
    graph, kwargs, seed = case
    levels = st.floats(-0.99, 0.99, **finite)
    stimuli = data.draw(st.lists(st.builds(
        Stimulus, start=st.integers(0, 4), stop=st.one_of(st.none(), st.integers(5, 9)),
        valence=levels, arousal=st.floats(0.01, 0.99, **finite),
        strength=st.floats(0, 20, **finite)), min_size=1, max_size=3))
    model = ContagionModel(graph, rng=seed, space=False, events=stimuli, **kwargs)
    span_v = _span([model.valence, model.traits["baseline"], [s.valence for s in stimuli]],
                   _mirrored(model))
    span_a = _span([model.arousal, model.traits["baseline_arousal"],
                    [s.arousal for s in stimuli]], False)
    valence, arousal = _trajectory(model, STEPS)
    tolerance = 1e-12
    assert (valence >= span_v[0] - tolerance).all() and (valence <= span_v[1] + tolerance).all()
    assert (arousal >= span_a[0] - tolerance).all() and (arousal <= span_a[1] + tolerance).all()


@st.composite
def events(draw, n, groups):
    who = st.one_of(st.none(), st.lists(st.integers(0, n - 1), min_size=1, max_size=n),
                    st.sampled_from(groups) if groups else st.none())
    steps = st.integers(0, STEPS)
    shock = st.builds(Shock, step=steps, valence=st.floats(-2, 2, **finite),
                      arousal=st.floats(-1, 1, **finite), who=who,
                      scale_by_expertise=st.booleans())
    level_v, level_a = st.floats(-1, 1, **finite), st.floats(0, 1, **finite)
    pin = st.builds(Pin, start=st.integers(0, 4), stop=st.one_of(st.none(), st.integers(5, 9)),
                    valence=st.one_of(st.none(), level_v, st.lists(level_v, min_size=1,
                                                                   max_size=4)),
                    arousal=st.one_of(st.none(), level_a), who=who)
    stimulus = st.builds(Stimulus, start=st.integers(0, 4),
                         stop=st.one_of(st.none(), st.integers(5, 9)),
                         valence=level_v, arousal=level_a,
                         strength=st.one_of(st.just(0.0), st.floats(0, 1e6, **finite)), who=who,
                         source_group=st.sampled_from(groups) if groups else st.none())
    return draw(st.lists(st.one_of(shock, pin, stimulus), max_size=4))


@st.composite
def anything(draw):
    graph, kwargs, seed = draw(model_kwargs())
    kwargs["noise"] = draw(st.one_of(st.just(0.0), st.floats(0, 2, **finite)))
    groups = sorted(set(kwargs.get("group", [])))
    kwargs["events"] = draw(events(graph.number_of_nodes(), groups))
    return graph, kwargs, seed


def _assert_in_range(model):
    assert not np.isnan(model.valence).any()
    assert not np.isnan(model.arousal).any()
    assert (model.valence >= -1).all() and (model.valence <= 1).all()
    assert (model.arousal >= 0).all() and (model.arousal <= 1).all()


@SETTINGS
@given(anything())
def test_vectorized_state_stays_in_range(case):
    graph, kwargs, seed = case
    model = ContagionModel(graph, rng=seed, space=False, **kwargs)
    _assert_in_range(model)
    for _ in range(STEPS):
        model.step()
        _assert_in_range(model)
    frame = model.dataframe()
    assert len(frame) == STEPS + 1
    assert np.isfinite(frame.drop(columns="step").to_numpy(dtype=float)).all()


@settings(SETTINGS, max_examples=25)
@given(anything())
def test_agents_engine_state_stays_in_range(case):
    graph, kwargs, seed = case
    kwargs["dt"] = min(kwargs["dt"], 1 / 6)  # the agents engine pays per sub-step: keep it short
    model = ContagionModel(graph, rng=seed, engine="agents", **kwargs)
    _assert_in_range(model)
    with pytest.MonkeyPatch.context() as patch:  # the range holds for any sub-step: fewer here
        patch.setattr(rules.mirroring, "MAX_SUBSTEPS", 20)
        for _ in range(STEPS):
            model.step()
            _assert_in_range(model)
    frame = model.dataframe()
    assert np.isfinite(frame.drop(columns="step").to_numpy(dtype=float)).all()


def test_a_pair_at_the_fastest_mirroring_settles_without_swapping():
    """Old rule: a pair with gain 1 swapped its moods forever. Now it meets in the middle."""
    top = PARAMETERS["mirroring"].high
    for dt in (1.0, 5.0):
        model = ContagionModel(nx.Graph([(0, 1)]), mirroring=top, regulation=0.0, dt=dt,
                               initial_valence=[0.5, -0.3], rng=0)
        valence, _ = _trajectory(model, 20)
        assert not _alternates(valence)
        assert (np.diff(valence[:, 0]) <= 1e-15).all() and (np.diff(valence[:, 1]) >= -1e-15).all()
        gaps = valence[:, 0] - valence[:, 1]
        assert (np.diff(gaps) <= 1e-15).all() and gaps[-1] < 1e-9
        np.testing.assert_allclose(valence[-1], 0.1, atol=1e-9)  # the mean is kept


def test_a_grid_with_strong_mirroring_settles_instead_of_pinning_in_a_checkerboard():
    """Old rule: mirroring 0.9, regulation 0.3 on a 20x20 grid pinned 80-92 % at +-1."""
    graph = nx.convert_node_labels_to_integers(nx.grid_2d_graph(20, 20))
    for seed in range(5):
        model = ContagionModel(graph, mirroring=0.9, regulation=0.3, baseline=0.0, rng=seed)
        valence, _ = _trajectory(model, 60)
        assert not _alternates(valence)
        assert np.abs(valence).max() <= np.abs(valence[0]).max() + 1e-12
        assert (np.abs(valence[1:]) < 0.99).all()
        assert np.abs(valence[-1]).max() < 1e-3  # back at the baseline
        spread = np.abs(valence).max(axis=1)
        assert (np.diff(spread) <= 1e-12).all()  # the largest deviation only shrinks


def test_amplification_creates_no_mood_in_a_quiet_group():
    """Old rule: a connected audience with amplification drifted into a lasting +-0.72 mood.

    Amplification now intensifies only a shared stimulus; without one, a noisy group
    with the strongest amplification behaves exactly as without amplification.
    """
    graph = nx.connected_watts_strogatz_graph(40, 6, 0.1, seed=1)
    for seed in range(5):
        runs = [ContagionModel(graph, mirroring=1.0, regulation=0.05, amplification=q,
                               noise=0.05, baseline=0.0, initial_valence=0.0, rng=seed).run(400)
                for q in (0.0, PARAMETERS["amplification"].high)]
        np.testing.assert_array_equal(runs[0]["valence"], runs[1]["valence"])
        assert runs[1]["valence"].abs().max() < 0.1
