"""Rules as a family: the excitable and sisa rules in both engines, and their invariants.

The agents engine (every ``Fan`` / ``MoodAgent`` deciding its own next state) and the
vectorised engine must give the same discrete states for the same seed, exactly, over
random graphs and random parameters. Each rule keeps its states valid; a refractory
fan never fires; a person is active for exactly as long as ``active_time`` says.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from contagion import ContagionModel, Shock, Stimulus, networks
from contagion.discrete import Fan, MoodAgent
from contagion.params import PARAMETERS
from contagion.rules import RULES, excitable, sisa
from scenarios.venues import oval

N = 36


def _directed_weighted(seed):
    graph = nx.gnp_random_graph(N, 0.15, directed=True, seed=seed)
    rng = np.random.default_rng(seed)
    for u, v in graph.edges:
        graph.edges[u, v]["weight"] = float(rng.choice([0.2, 0.5, 1.0, 2.0]))
    return graph


def _with_groups(seed):
    return networks.stochastic_block(N, degree=5, rng=seed, groups=("home", "away"), mixing=0.3)


def _seats(seed):
    return oval(np.random.default_rng(seed), rows=4, seats=24, reach_seats=2.5, reach_rows=2.0,
                trigger=4)


def _isolated(seed):
    graph = networks.small_world(N - 1, degree=4, rng=seed)
    graph.add_node(N - 1)
    return graph


GRAPHS = {"small-world": lambda seed: networks.small_world(N, degree=6, rng=seed),
          "directed-weighted": _directed_weighted, "groups": _with_groups, "seats": _seats,
          "isolated": _isolated}


def _excitable_kwargs(rng, n):
    return dict(
        rule="excitable", dt=float(rng.choice([0.01, 0.02, 0.05])), time_unit="second",
        threshold=rng.uniform(0.0, 1.5, n), softness=float(rng.choice([0.0, rng.uniform(0, 0.5)])),
        mirroring=rng.uniform(0, 2, n), reactivity=rng.uniform(0, 2, n),
        expertise=rng.uniform(0, 1, n), expertise_gain=float(rng.uniform(0, 2)),
        expressiveness=rng.uniform(0, 1, n), outgroup_sign=float(rng.uniform(-1, 1)),
        reaction_rate=float(rng.uniform(1, 20)), spontaneous_rate=float(rng.uniform(0, 0.5)),
        active_time=float(rng.uniform(0.02, 1.0)), refractory_time=float(rng.uniform(0, 2.0)),
        side_bias=float(rng.uniform(-1, 1)), side_following=float(rng.uniform(0, 10)),
    )


def _sisa_kwargs(rng, n):
    rates = {name: float(rng.uniform(0, 3)) for name in (
        "content_rate", "discontent_rate", "content_recovery", "discontent_recovery",
        "content_to_discontent", "discontent_to_content")}
    rates.update(content_contagion=float(rng.uniform(0, 2)),
                 discontent_contagion=float(rng.uniform(0, 2)))
    return dict(rule="sisa", dt=float(rng.choice([0.05, 0.1, 0.5])), time_unit="year",
                mirroring=rng.uniform(0, 2, n), expertise=rng.uniform(0, 1, n),
                expertise_gain=float(rng.uniform(0, 2)), expressiveness=rng.uniform(0, 1, n),
                outgroup_sign=float(rng.uniform(-1, 1)),
                initial_valence=rng.choice([-1.0, 0.0, 1.0], n), **rates)


def _cases():
    for rule, draw in (("excitable", _excitable_kwargs), ("sisa", _sisa_kwargs)):
        for k, graph in enumerate(GRAPHS):
            for social in (True, False) if k == 0 else (True,):
                yield pytest.param(rule, draw, graph, 10 * k + social,
                                   social, id=f"{rule}-{graph}-{'social' if social else 'null'}")


@pytest.mark.parametrize(("rule", "draw", "graph_name", "seed", "social"), list(_cases()))
def test_both_engines_give_the_same_states_every_step(rule, draw, graph_name, seed, social):
    graph = GRAPHS[graph_name](seed)
    rng = np.random.default_rng(seed)
    kwargs = draw(rng, graph.number_of_nodes())
    if rule == "excitable":
        who = list(graph.nodes)[:3]
        kwargs["events"] = [Stimulus(1, 4, arousal=1.0, who=who), Stimulus(6, 9, arousal=0.6)]
    if graph_name == "groups":
        kwargs["outgroup_sign"] = -0.5
    fast = ContagionModel(graph, rng=seed, social=social, **kwargs)
    slow = ContagionModel(graph, rng=seed, social=social, engine="agents", **kwargs)
    changes = 0
    for _ in range(40):
        before = fast.state.copy()
        fast.step()
        slow.step()
        np.testing.assert_array_equal(fast.state, slow.state)
        if rule == "excitable":
            np.testing.assert_array_equal(fast.age, slow.age)
            np.testing.assert_array_equal(fast.came, slow.came)
        changes += int((fast.state != before).sum())
    assert changes > 0  # the run did something
    pd.testing.assert_frame_equal(fast.dataframe(), slow.dataframe())


def test_the_default_agents_are_the_rules_own():
    graph = networks.small_world(20, degree=4, rng=1)
    assert all(isinstance(a, Fan) for a in ContagionModel(graph, rule="excitable", rng=1).agent_list)
    assert all(isinstance(a, MoodAgent) for a in ContagionModel(graph, rule="sisa", rng=1).agent_list)
    assert ContagionModel(graph, rule="sisa", rng=1).agent_list[0].mood in sisa.STATES


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(rule="ising"), r"rule='ising' is not known: allowed mirroring, excitable, sisa"),
    (dict(rule="sisa", events=[Stimulus(1, 3)]), r"rule='sisa' takes no events, not Stimulus"),
    (dict(rule="excitable", events=[Shock(2, arousal=0.5)]),
     r"rule='excitable' takes Stimulus, not Shock"),
    (dict(rule="excitable", threshold=-0.1), r"threshold=-0\.1 is out of range: allowed \[0, 100\]"),
    (dict(rule="sisa", content_rate=-1.0), r"content_rate=-1\.0 is out of range: allowed \[0, 100\]"),
    (dict(rule="sisa", agent_class=Fan), r"agent_class=.*Fan.* is not a subclass of MoodAgent"),
])
def test_bad_rule_settings_are_refused_by_name(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ContagionModel(networks.small_world(20, degree=4, rng=1), rng=1, **kwargs)


def test_mirroring_is_a_gain_of_one_by_default_in_the_discrete_rules():
    graph = networks.small_world(20, degree=4, rng=1)
    for rule in RULES:
        model = ContagionModel(graph, rule=rule, rng=1)
        expected = PARAMETERS["mirroring"].default if rule == "mirroring" else 1.0
        np.testing.assert_array_equal(model.traits["mirroring"], expected)


def test_model_active_exists_for_the_excitable_rule_only():
    graph = networks.small_world(20, degree=4, rng=1)
    model = ContagionModel(graph, rule="excitable", rng=1, spontaneous_rate=1.0, dt=0.1,
                           time_unit="second")
    model.run(5)
    np.testing.assert_array_equal(model.active, model.state == excitable.ACTIVE)
    assert model.active.dtype == bool and model.active.any()
    with pytest.raises(AttributeError, match="rule='excitable'"):
        ContagionModel(graph, rule="sisa", rng=1).active


# -- invariants of the excitable rule ----------------------------------------------------

def _stadium_model(seed, **kwargs):
    graph = oval(np.random.default_rng(seed), rows=8, seats=120, trigger=9)
    defaults = dict(rule="excitable", dt=0.02, time_unit="second", reactivity=1.0,
                    events=[Stimulus(1, 26, arousal=1.0, who="initiators")], space=False)
    return ContagionModel(graph, rng=seed, **{**defaults, **kwargs})


@pytest.mark.parametrize("seed", range(3))
def test_states_stay_valid_and_a_refractory_fan_never_fires(seed):
    model = _stadium_model(seed, spontaneous_rate=0.2, threshold=0.1, active_time=0.3,
                           refractory_time=0.7)
    dt = model.dt_seconds
    run_length = np.zeros(model.n_agents, dtype=int)
    fired = 0
    for _ in range(300):
        before = model.state.copy()
        model.step()
        after = model.state
        assert set(np.unique(after)) <= {0, 1, 2}
        assert not ((before == excitable.REFRACTORY) & (after == excitable.ACTIVE)).any()
        assert not ((before == excitable.ACTIVE) & (after == excitable.RESTING)).any()
        assert not ((before == excitable.RESTING) & (after == excitable.REFRACTORY)).any()
        fired += int(((before == excitable.RESTING) & (after == excitable.ACTIVE)).sum())
        np.testing.assert_array_equal(model.arousal[after == excitable.ACTIVE], 1.0)
        ended = (before == excitable.ACTIVE) & (after != excitable.ACTIVE)
        assert (run_length[ended] == round(0.3 / dt)).all()  # active exactly active_time
        run_length = np.where(after == excitable.ACTIVE, run_length + 1, 0)
        assert (model.age >= 0).all()
    assert fired > model.n_agents  # fans fired many times over


def test_a_fan_alone_fires_at_the_spontaneous_rate():
    graph = nx.empty_graph(4000)
    model = ContagionModel(graph, rule="excitable", dt=0.05, time_unit="second",
                           spontaneous_rate=0.5, active_time=0.05, refractory_time=0.0, rng=3)
    fired = resting = 0
    for _ in range(40):
        before = model.state == excitable.RESTING
        model.step()
        resting += int(before.sum())
        fired += int((before & (model.state == excitable.ACTIVE)).sum())
    expected = resting * -np.expm1(-0.5 * 0.05)
    assert abs(fired - expected) < 4 * np.sqrt(expected)


def test_above_threshold_a_fan_reacts_at_the_reaction_rate_below_it_never():
    probability = excitable.activation_probability(np.array([0.1, 0.25, 0.3, 2.0]), 0.2, 0.1,
                                                   6.5, 0.0, 0.02)
    np.testing.assert_allclose(probability, [0.0, -np.expm1(-6.5 * 0.5 * 0.02),
                                             -np.expm1(-6.5 * 0.02), -np.expm1(-6.5 * 0.02)])
    step = excitable.activation_probability(np.array([0.19, 0.2]), 0.2, 0.0, 6.5, 0.0, 0.02)
    assert step[0] == 0 and step[1] > 0


def test_sides_and_looking_direction():
    assert excitable.bearing(-1, 0) == 1.0 and excitable.bearing(2, 0) == -1.0
    assert excitable.bearing(0, 3) == 0.0 and excitable.bearing(0, 0) == 0.0
    np.testing.assert_allclose(excitable.bearing(-1, 1), 1 / np.sqrt(2))
    np.testing.assert_array_equal(excitable.seat_offset([0, 639, 5], [639, 0, 325], 640),
                                  [-1, 1, 320])
    np.testing.assert_allclose(excitable.looking([0.0, 3.0, -4.0], [0, 4, 4], 0.17, 5.0),
                               [0.17, 1.0, -1.0])


def test_without_social_contagion_the_cue_reaches_the_initiators_only():
    model = _stadium_model(1, social=False, spontaneous_rate=0.0,
                           events=[Stimulus(1, 100, arousal=1.0, who="initiators")])
    model.run(100)
    starters = model.group_codes == model.group_names.index("initiators")
    stood = model.state != excitable.RESTING
    assert stood[starters].all() and not stood[~starters].any()
