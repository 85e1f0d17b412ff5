"""The agents engine (every EmotionAgent's own ``step``) and the vectorised engine agree.

Same seed, same parameters -> the same trajectories within 1e-12 after every step,
on several graphs and parameter sets (noise, groups, trait arrays, stimuli, shocks,
pins with anticipation, choices, stiff steps taken in parts, the fair null with and
without choices). The fair null is, in every engine, the same people with every tie cut.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from contagion import ContagionModel, EmotionAgent, Pin, Shock, Stimulus, networks
from contagion.behaviour import Choice, Option
from contagion.ensemble import Ensemble, RunSpec

TOLERANCE = 1e-12
STEPS = 12
N = 24


def _directed_weighted():
    graph = nx.gnp_random_graph(N, 0.18, directed=True, seed=11)
    rng = np.random.default_rng(11)
    for u, v in graph.edges:
        graph.edges[u, v]["weight"] = float(rng.choice([0.0, 0.3, 1.0, 2.5]))
    graph.add_edge(3, 3, weight=0.7)  # a self-loop: agent 3 also perceives itself
    return graph


def _with_isolated_node():
    graph = networks.small_world(N - 1, degree=4, rng=5)
    graph.add_node(N - 1)  # nobody perceives it and it perceives nobody
    return graph


GRAPHS = {
    "small-world": lambda: networks.small_world(N, degree=4, rng=3),
    "directed-weighted": _directed_weighted,
    "groups": lambda: networks.stochastic_block(N, degree=5, rng=4, groups=("home", "away"),
                                                mixing=0.3),
    "isolated-node": _with_isolated_node,
    "sparse": lambda: networks.sparse_random(N, degree=3, rng=6),
}


def _halves(n=N):
    return ["home"] * (n // 2) + ["away"] * (n - n // 2)


def _arrays(seed=0, n=N):
    rng = np.random.default_rng(seed)
    return dict(
        mirroring=rng.uniform(0, 2.0, n),
        reactivity=rng.uniform(0, 1.0, n),
        attention=rng.uniform(0, 1, n),
        expressiveness=rng.uniform(0, 1, n),
        regulation=rng.uniform(0, 0.2, n),
        baseline=rng.uniform(-1, 1, n),
        baseline_arousal=rng.uniform(0, 1, n),
        negativity_gain=rng.uniform(1, 4, n),
        expertise=rng.uniform(0, 1, n),
        anticipation=rng.uniform(0, 20, n),
        amplification=rng.uniform(0, 2, n),
    )


WORK = Choice("work", [Option("in_step", intercept=-0.5, valence=2.0, peers=2.0),
                       Option("effort", intercept=-2.0, tension=4.0, peers=1.0)])
SCENE = [Stimulus(start=2, stop=8, valence=-0.7, arousal=0.8, strength=3.0)]

PARAMETER_SETS = {
    "defaults": {},
    "noise": dict(noise=0.05, mirroring=0.6),
    "groups-inverted": dict(group=_halves(), outgroup_sign=-1.0, noise=0.02),
    "groups-half": dict(group=_halves(), outgroup_sign=0.5, negativity_gain=3.0),
    "groups-unseen": dict(group=_halves(), outgroup_sign=0.0, events=SCENE),
    "trait-arrays": dict(_arrays(1), expertise_gain=1.5, noise=0.03, events=SCENE),
    "negativity": dict(negativity_gain=5.0, mirroring=0.4, regulation=0.1, events=SCENE),
    "expertise": dict(expertise=np.linspace(0, 1, N), expertise_gain=2.0, mirroring=0.3),
    "stiff-parts": dict(mirroring=12.0, regulation=0.5, dt=1.0, noise=0.02),
    "seconds": dict(mirroring=20.0, reactivity=5.0, dt=2.0, time_unit="second", events=SCENE),
    "no-social": dict(social=False, mirroring=0.8, events=SCENE, amplification=1.0),
    "no-social-choices": dict(social=False, mirroring=0.5, choices=[WORK], events=SCENE,
                              noise=0.01),
    "choices": dict(mirroring=0.5, choices=[WORK], events=SCENE, noise=0.01),
    "events": dict(
        group=_halves(), outgroup_sign=-1.0, expertise=np.linspace(0, 1, N), noise=0.02,
        anticipation=10.0, amplification=0.8, choices=[WORK],
        events=[
            Shock(2, valence=0.8, arousal=0.5, who="home", scale_by_expertise=True),
            Shock(5, valence=-1.5, arousal=-0.3, who=[0, 1, 2]),
            Pin(start=0, stop=6, valence=0.9, who=[4]),
            Pin(start=3, valence=[-0.5, -0.2, 0.1, 0.4], arousal=[0.9, 0.1], who=[7, 8]),
            Stimulus(start=1, stop=9, valence=0.7, arousal=0.9, strength=2.0, who="away",
                     source_group="home"),
            Stimulus(start=4, valence=-0.6, strength=0.5,
                     who=lambda agent: agent.valence > 0),
        ],
    ),
}


def _pair(graph_factory, params, seed):
    models = [ContagionModel(graph_factory(), engine=engine, rng=seed, **params)
              for engine in ("agents", "vectorized")]
    return models


def _assert_same_state(a, b, context):
    np.testing.assert_allclose(a.valence, b.valence, rtol=0, atol=TOLERANCE, err_msg=context)
    np.testing.assert_allclose(a.arousal, b.arousal, rtol=0, atol=TOLERANCE, err_msg=context)


@pytest.mark.parametrize("params_name", list(PARAMETER_SETS))
@pytest.mark.parametrize("graph_name", list(GRAPHS))
def test_engines_agree_after_every_step(graph_name, params_name):
    params = PARAMETER_SETS[params_name]
    for seed in (0, 1):
        agents, vectorized = _pair(GRAPHS[graph_name], params, seed)
        _assert_same_state(agents, vectorized, "start")
        for step in range(1, STEPS + 1):
            agents.step()
            vectorized.step()
            _assert_same_state(agents, vectorized, f"{graph_name}/{params_name} step {step}")
        assert not np.isnan(vectorized.valence).any()
        pd.testing.assert_frame_equal(agents.dataframe(), vectorized.dataframe(),
                                      check_exact=False, rtol=0, atol=TOLERANCE)
        assert len(agents.dataframe()) == STEPS + 1


def test_engines_agree_through_run_and_dataframe():
    graph = networks.stochastic_block(30, degree=6, rng=2, groups=("red", "blue"))
    params = dict(outgroup_sign=-1.0, noise=0.04, negativity_gain=2.0, anticipation=5.0,
                  events=[Shock(3, valence=1.0, who="red"), Pin(2, 9, valence=[0.1, 0.5, 0.9],
                                                               who=[0, 1])])
    frames = [ContagionModel(graph, engine=engine, rng=9, **params).run(20)
              for engine in ("agents", "vectorized")]
    pd.testing.assert_frame_equal(frames[0], frames[1], check_exact=False, rtol=0,
                                  atol=TOLERANCE)
    assert {"red_valence", "blue_valence"} <= set(frames[0].columns)


def _without_ties(graph):
    alone = graph.__class__()
    alone.add_nodes_from(graph.nodes(data=True))
    return alone


def _table(graph, params, seed, engine):
    if engine == "ensemble":
        runs = Ensemble([RunSpec.from_model(ContagionModel(graph, rng=seed, **params))])
        rows = []
        runs.run(STEPS, collect=lambda e: rows.append({k: v[0] for k, v in e.collect().items()}))
        return pd.DataFrame(rows)
    return ContagionModel(graph, engine=engine, rng=seed, **params).run(STEPS).iloc[1:]


@pytest.mark.parametrize("engine", ["vectorized", "agents", "ensemble"])
@pytest.mark.parametrize("graph_name", ["small-world", "directed-weighted"])
def test_the_fair_null_is_no_ties_in_every_engine_choices_included(graph_name, engine):
    """With ``social=False`` nobody sees what others chose either: as with no ties."""
    params = PARAMETER_SETS["no-social-choices"]
    graph = GRAPHS[graph_name]()
    for seed in (0, 1):
        null = _table(graph, params, seed, engine)
        alone = _table(_without_ties(graph), params, seed, engine)
        pd.testing.assert_frame_equal(null.reset_index(drop=True), alone.reset_index(drop=True),
                                      check_exact=False, rtol=0, atol=TOLERANCE)
    # guard: with ties seen but no mirroring, moods are as with no ties and choices are not
    seen = dict(params, social=True, mirroring=0.0)
    copying, alone = (_table(g, seen, 0, engine) for g in (graph, _without_ties(graph)))
    np.testing.assert_allclose(copying["valence"], alone["valence"], rtol=0,
                               atol=TOLERANCE)
    assert np.abs(copying["work_in_step"].to_numpy() - alone["work_in_step"].to_numpy()).max() > 0


def test_events_actually_change_the_compared_trajectories():
    """Guard for the comparison above: the events parameter set is not a no-op."""
    graph = GRAPHS["small-world"]()
    params = dict(PARAMETER_SETS["events"])
    with_events = ContagionModel(graph, rng=0, **params)
    params["events"] = []
    without = ContagionModel(graph, rng=0, **params)
    with_events.run(STEPS)
    without.run(STEPS)
    assert np.abs(with_events.valence - without.valence).max() > 0.05


class FrozenAgent(EmotionAgent):
    """Never changes: its next stage is its state at the start of the sub-step."""

    def step(self):
        self.model.next_valence[self.index] = self.model.start_valence[self.index]
        self.model.next_arousal[self.index] = self.model.start_arousal[self.index]


class HalfwayToJoyAgent(EmotionAgent):
    """A different rule: move half-way to full joy each sub-step, ignoring everyone."""

    def step(self):
        model = self.model
        start = model.start_valence[self.index]
        model.next_valence[self.index] = start + 0.5 * (1.0 - start)
        model.next_arousal[self.index] = model.start_arousal[self.index]


def test_choices_and_anticipation_are_exercised():
    """Guards: the choices are made, and anticipation changes what pinned senders send."""
    graph = GRAPHS["small-world"]()
    model = ContagionModel(graph, rng=0, **PARAMETER_SETS["choices"])
    frame = model.run(STEPS)
    assert frame["work_in_step"].iloc[1:].max() > 0 and frame["work_effort"].iloc[1:].max() > 0
    params = dict(PARAMETER_SETS["events"])
    ahead = ContagionModel(graph, rng=0, **params)
    params["anticipation"] = 0.0
    plain = ContagionModel(graph, rng=0, **params)
    ahead.run(STEPS)
    plain.run(STEPS)
    assert np.abs(ahead.valence - plain.valence).max() > 1e-4


def test_agents_engine_uses_a_subclass_step():
    graph = networks.small_world(20, degree=4, rng=1)
    frozen = ContagionModel(graph, engine="agents", agent_class=FrozenAgent, mirroring=0.9, rng=3)
    start = frozen.valence.copy()
    frozen.run(5)
    assert all(type(agent) is FrozenAgent for agent in frozen.agents)
    np.testing.assert_array_equal(frozen.valence, start)

    joy = ContagionModel(graph, engine="agents", agent_class=HalfwayToJoyAgent, rng=3)
    joy.run(3)
    halvings = 3 * round(joy.dt_minutes / joy.substep)  # half-way once per sub-step
    np.testing.assert_allclose(1.0 - joy.valence, (1.0 - start) / 2**halvings, rtol=0, atol=1e-12)

    reference = ContagionModel(graph, engine="agents", mirroring=0.9, rng=3)
    reference.run(5)
    assert np.abs(reference.valence - start).max() > 0.01  # the default rule does move
