"""Property-based tests: whatever the (valid) graph and parameters, the state stays sane.

For random small graphs (directed or not, weights including zeros) and random
parameters anywhere in their allowed ranges (scalars and per-agent arrays, noise,
groups, out-group sign, negativity gain up to 10, anticipation up to 5, shocks as
big as allowed, pins and broadcasts), both engines keep valence in [-1, 1] and
arousal in [0, 1] with no NaN, and every reported metric is finite.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contagion import PARAMETERS, Broadcast, ContagionModel, Pin, Shock

STEPS = 8
SETTINGS = settings(max_examples=50, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

finite = dict(allow_nan=False, allow_infinity=False)


@st.composite
def graphs(draw):
    n = draw(st.integers(2, 30))
    directed = draw(st.booleans())
    graph = nx.DiGraph() if directed else nx.Graph()
    graph.add_nodes_from(range(n))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    weights = st.one_of(st.just(0.0), st.just(1.0), st.floats(0.0, 50.0, **finite))
    for u, v in draw(st.lists(pairs, max_size=4 * n)):
        graph.add_edge(u, v, weight=draw(weights))
    return graph


def trait(name, n):
    """A scalar or one value per agent, anywhere in the parameter's declared range."""
    p = PARAMETERS[name]
    values = st.floats(p.low, p.high, **finite)
    return st.one_of(values, st.lists(values, min_size=n, max_size=n).map(np.array))


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
    broadcast = st.builds(Broadcast, start=st.integers(0, 4),
                          stop=st.one_of(st.none(), st.integers(5, 9)),
                          valence=level_v, arousal=level_a,
                          strength=st.one_of(st.just(0.0), st.floats(0, 1e6, **finite)), who=who,
                          source_group=st.sampled_from(groups) if groups else st.none())
    return draw(st.lists(st.one_of(shock, pin, broadcast), max_size=4))


@st.composite
def models_kwargs(draw):
    graph = draw(graphs())
    n = graph.number_of_nodes()
    kwargs = {name: draw(trait(name, n)) for name in PARAMETERS
              if PARAMETERS[name].per_agent and draw(st.booleans())}
    kwargs["noise"] = draw(st.one_of(st.just(0.0), st.floats(0, 1, **finite)))
    kwargs["outgroup_sign"] = draw(st.floats(-1, 1, **finite))
    kwargs["expertise_gain"] = draw(st.floats(0, 10, **finite))
    groups = []
    if draw(st.booleans()):
        labels = draw(st.lists(st.sampled_from(["home", "away", "neutral"]),
                               min_size=n, max_size=n))
        kwargs["group"] = labels
        groups = sorted(set(labels))
    kwargs["events"] = draw(events(n, groups))
    return graph, kwargs, draw(st.integers(0, 2**32 - 1))


def _assert_sane(model):
    assert not np.isnan(model.valence).any()
    assert not np.isnan(model.arousal).any()
    assert (model.valence >= -1).all() and (model.valence <= 1).all()
    assert (model.arousal >= 0).all() and (model.arousal <= 1).all()


@SETTINGS
@given(models_kwargs())
def test_vectorized_state_stays_in_range(case):
    graph, kwargs, seed = case
    model = ContagionModel(graph, rng=seed, space=False, **kwargs)
    _assert_sane(model)
    for _ in range(STEPS):
        model.step()
        _assert_sane(model)
    frame = model.dataframe()
    assert len(frame) == STEPS + 1
    assert np.isfinite(frame.drop(columns="step").to_numpy(dtype=float)).all()


@SETTINGS
@given(models_kwargs())
def test_agents_engine_state_stays_in_range(case):
    graph, kwargs, seed = case
    model = ContagionModel(graph, rng=seed, engine="agents", **kwargs)
    _assert_sane(model)
    for _ in range(STEPS):
        model.step()
        _assert_sane(model)
    frame = model.dataframe()
    assert np.isfinite(frame.drop(columns="step").to_numpy(dtype=float)).all()
