"""Events: stimuli, shocks and pins, and the out-group sign they reveal."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from contagion import ContagionModel, Pin, Shock, Stimulus, networks
from contagion.rules import saturate

SEEDS = (0, 1, 2, 3, 4)


def _two_teams(seed):
    return networks.stochastic_block(40, degree=6, rng=seed, groups=("home", "away"),
                                     mixing=0.3)


def _away_valence(seed, outgroup_sign, shock, steps=10):
    events = [Stimulus(2, 3, valence=0.9, arousal=0.8, strength=4.0, who="home")] if shock else []
    model = ContagionModel(_two_teams(seed), mirroring=0.5, regulation=0.05, noise=0.01,
                           outgroup_sign=outgroup_sign, events=events, rng=seed)
    frame = model.run(steps)
    return frame["away_valence"].to_numpy(), frame["home_valence"].to_numpy()


@pytest.mark.parametrize("seed", SEEDS)
def test_positive_shock_to_one_group_pushes_rivals_down_when_outgroup_sign_is_negative(seed):
    away_shock, home_shock = _away_valence(seed, -1.0, shock=True)
    away_none, home_none = _away_valence(seed, -1.0, shock=False)
    np.testing.assert_array_equal(away_shock[:2], away_none[:2])  # same run before the goal
    assert home_shock[2] > home_none[2] + 0.3  # the scorers' fans celebrate
    rise, drop = home_shock[2] - home_none[2], away_none[2] - away_shock[2]
    assert 0 < drop < rise  # the rivals sink in the same step, less than the scorers rise
    assert (away_shock[3:] < away_none[3:] - 0.01).all()  # and stay down


@pytest.mark.parametrize("seed", SEEDS)
def test_positive_shock_to_one_group_pulls_others_up_when_outgroup_sign_is_positive(seed):
    away_shock, _ = _away_valence(seed, 1.0, shock=True)
    away_none, _ = _away_valence(seed, 1.0, shock=False)
    assert (away_shock[4:] > away_none[4:] + 0.01).all()


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_outgroup_sign_zero_ignores_the_other_group(seed):
    away_shock, home_shock = _away_valence(seed, 0.0, shock=True)
    away_none, home_none = _away_valence(seed, 0.0, shock=False)
    assert home_shock[3] > home_none[3] + 0.3
    # the goal makes everyone's step take more sub-steps, so away differs by the
    # integrator's error only (tolerance 0.5: about 1e-4), far below the home effect
    np.testing.assert_allclose(away_shock, away_none, rtol=0, atol=1e-3)


def _line(n=5):
    return nx.path_graph(n)


def test_shock_is_added_after_the_update_producing_its_step():
    model = ContagionModel(_line(), mirroring=0.0, regulation=0.0, initial_valence=0.0,
                           initial_arousal=0.2,
                           events=[Shock(3, valence=0.5, arousal=0.25, who=[1, 3])])
    model.run(2)
    np.testing.assert_array_equal(model.valence, 0.0)
    model.step()
    pushed_v, pushed_a = saturate(0.0, 0.5, (-1, 1)), saturate(0.2, 0.25, (0, 1))
    np.testing.assert_allclose(model.valence, [0, pushed_v, 0, pushed_v, 0], atol=1e-15)
    np.testing.assert_allclose(model.arousal, [0.2, pushed_a, 0.2, pushed_a, 0.2], atol=1e-15)
    model.run(3)
    np.testing.assert_allclose(model.valence, [0, pushed_v, 0, pushed_v, 0], atol=1e-15)


def test_a_push_bends_at_the_bound_instead_of_crossing_it():
    """Small pushes add up almost fully; big ones approach the bound and never pass it."""
    assert saturate(0.0, 0.01, (-1, 1)) == pytest.approx(0.01, rel=1e-2)
    assert saturate(0.5, 0.3, (-1, 1)) < 0.8
    for push in (0.5, 1.0, 2.0):
        assert 0.5 < saturate(0.5, push, (-1, 1)) < 1.0
        assert -1.0 < saturate(-0.5, -push, (-1, 1)) < -0.5
    assert saturate(0.5, 50.0, (-1, 1)) <= 1.0 and saturate(-0.5, -50.0, (-1, 1)) >= -1.0
    pushes = np.linspace(0, 3, 50)
    assert (np.diff(saturate(0.2, pushes, (-1, 1))) > 0).all()  # monotone in the push
    assert saturate(1.0, 0.4, (-1, 1)) == 1.0 and saturate(1.0, -0.4, (-1, 1)) < 1.0


def test_shock_scaled_by_expertise_and_saturating():
    expertise = np.array([0.0, 0.5, 1.0, 1.0, 0.0])
    model = ContagionModel(_line(), mirroring=0.0, regulation=0.0, initial_valence=0.0,
                           initial_arousal=0.0, expertise=expertise, expertise_gain=2.0,
                           events=[Shock(1, valence=0.3, arousal=0.1, scale_by_expertise=True),
                                   Shock(1, valence=-2.0, who=[4])])
    model.step()
    scale = 1 + 2.0 * expertise
    expected_v = saturate(np.zeros(5), 0.3 * scale, (-1, 1))
    expected_v[4] = saturate(0.0, 0.3 - 2.0, (-1, 1))
    np.testing.assert_allclose(model.valence, expected_v, atol=1e-15)
    np.testing.assert_allclose(model.arousal, saturate(np.zeros(5), 0.1 * scale, (0, 1)),
                               atol=1e-15)
    assert -1 < model.valence[4] < -0.8


def test_shock_by_predicate_reaches_only_matching_agents():
    model = ContagionModel(_line(), mirroring=0.0, regulation=0.0,
                           initial_valence=[-0.5, 0.5, -0.5, 0.5, -0.5],
                           events=[Shock(1, valence=0.2, who=lambda agent: agent.valence < 0)])
    model.step()
    lifted = saturate(-0.5, 0.2, (-1, 1))
    np.testing.assert_allclose(model.valence, [lifted, 0.5, lifted, 0.5, lifted], atol=1e-15)


@pytest.mark.parametrize("engine", ["vectorized", "agents"])
def test_pin_holds_over_its_range_then_releases(engine):
    model = ContagionModel(networks.complete(6), mirroring=0.5, regulation=0.0, engine=engine,
                           initial_valence=-0.5, rng=1,
                           events=[Pin(start=0, stop=5, valence=0.8, arousal=0.9, who=[0])])
    assert model.valence[0] == 0.8  # held from the start state on
    for _ in range(4):
        model.step()
        assert model.valence[0] == 0.8 and model.arousal[0] == 0.9
    assert model.valence[1] > -0.5  # the pinned leader pulls the others
    model.step()  # step 5: released
    assert model.valence[0] != 0.8


def test_pin_scripted_sequence_holds_last_value():
    script = [-0.9, -0.3, 0.3, 0.9]
    model = ContagionModel(networks.complete(4), mirroring=0.3, rng=2,
                           events=[Pin(start=2, valence=script, who=[3])])
    seen = []
    for _ in range(8):
        model.step()
        seen.append(model.valence[3])
    assert seen[1:] == [-0.9, -0.3, 0.3, 0.9, 0.9, 0.9, 0.9]  # steps 2..8
    assert seen[0] != -0.9


def test_pin_leaves_unset_dimension_free():
    model = ContagionModel(networks.complete(4), mirroring=0.5, rng=3, initial_arousal=0.1,
                           events=[Pin(valence=0.5, who=[0]), Shock(1, arousal=0.4, who=[0])])
    model.step()
    assert model.valence[0] == 0.5
    assert model.arousal[0] > 0.1 + 0.3  # the shock lifted the free dimension


@pytest.mark.parametrize("engine", ["vectorized", "agents"])
def test_a_stimulus_is_taken_up_at_reactivity_times_strength(engine):
    """An isolated viewer relaxes exactly towards the stimulus: u + (y0 - u) exp(-rho S t)."""
    model = ContagionModel(nx.empty_graph(3), reactivity=0.5, regulation=0.0,
                           initial_valence=0.0, initial_arousal=0.0, engine=engine,
                           events=[Stimulus(start=1, stop=3, valence=-0.8, arousal=0.6,
                                            strength=2.0, who=[0, 1])])
    decay = np.exp(-0.5 * 2.0 * 1.0)
    model.step()
    np.testing.assert_allclose(model.valence, [-0.8 * (1 - decay)] * 2 + [0.0], atol=1e-15)
    np.testing.assert_allclose(model.arousal, [0.6 * (1 - decay)] * 2 + [0.0], atol=1e-15)
    model.step()
    np.testing.assert_allclose(model.valence[:2], -0.8 * (1 - decay**2), atol=1e-15)
    model.step()  # stopped at 3: nothing pulls any more
    np.testing.assert_allclose(model.valence[:2], -0.8 * (1 - decay**2), atol=1e-15)


def test_attention_scales_what_reaches_each_agent():
    model = ContagionModel(nx.empty_graph(3), reactivity=0.5, regulation=0.0,
                           attention=[1.0, 0.5, 0.0], initial_valence=0.0,
                           events=[Stimulus(start=1, valence=-0.8, strength=2.0)])
    model.step()
    rates = 0.5 * 2.0 * np.array([1.0, 0.5, 0.0])
    np.testing.assert_allclose(model.valence, -0.8 * (1 - np.exp(-rates)), atol=1e-15)
    assert model.valence[2] == 0.0  # an obstructed view: nothing reaches it


def test_stimuli_are_kept_by_the_social_null_and_removed_by_the_stimulus_null():
    graph = networks.small_world(20, degree=4, rng=1)
    scene = [Stimulus(start=1, stop=6, valence=-0.7, strength=2.0, who=list(range(10)))]
    full = ContagionModel(graph, mirroring=1.0, rng=1, events=scene)
    social_off = ContagionModel(graph, mirroring=1.0, rng=1, events=scene, social=False)
    stimuli_off = ContagionModel(graph, mirroring=1.0, rng=1, events=scene, stimuli=False)
    for model in (full, social_off, stimuli_off):
        model.run(5)
    seers, others = slice(0, 10), slice(10, 20)
    assert social_off.valence[seers].mean() < -0.3  # still moved by what they see
    np.testing.assert_allclose(social_off.valence[others], social_off.traits["baseline"][others],
                               atol=1e-12)  # those who did not see it: unmoved without ties
    assert full.valence[others].mean() < social_off.valence[others].mean() - 0.05
    assert abs(stimuli_off.valence[seers].mean() - full.valence[seers].mean()) > 0.2


def test_a_stimulus_about_a_group_is_seen_inverted_by_the_out_group():
    model = ContagionModel(nx.empty_graph(4), reactivity=0.5, regulation=0.0, initial_valence=0.0,
                           group=["home", "home", "away", "away"], outgroup_sign=-0.5,
                           events=[Stimulus(start=1, valence=0.6, source_group="home")])
    model.step()
    home = 0.6 * (1 - np.exp(-0.5))
    away = -0.6 * (1 - np.exp(-0.5 * 0.5))  # weight |c| = 0.5, sign inverted
    np.testing.assert_allclose(model.valence, [home, home, away, away], atol=1e-15)


def test_events_on_a_running_model_with_live_outgroup_sign():
    """outgroup_sign is read at each step: changing it mid-run changes what follows."""
    graph = _two_teams(0)
    runs = []
    for sign in (1.0, -1.0):
        model = ContagionModel(graph, outgroup_sign=1.0, rng=0,
                               events=[Stimulus(1, 3, valence=0.8, strength=4, who="home")])
        model.run(2)
        model.outgroup_sign = sign
        runs.append(model.run(6)["away_valence"].to_numpy())
    np.testing.assert_array_equal(runs[0][:3], runs[1][:3])
    assert runs[1][-1] < runs[0][-1] - 0.01
