"""Events: shocks, pins and broadcasts, and the out-group sign they reveal."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from contagion import Broadcast, ContagionModel, Pin, Shock, networks

SEEDS = (0, 1, 2, 3, 4)


def _two_teams(seed):
    return networks.stochastic_block(40, degree=6, rng=seed, groups=("home", "away"),
                                     mixing=0.3)


def _away_valence(seed, outgroup_sign, shock, steps=10):
    events = [Shock(2, valence=0.8, arousal=0.3, who="home")] if shock else []
    model = ContagionModel(_two_teams(seed), mirroring=0.5, regulation=0.05, noise=0.01,
                           outgroup_sign=outgroup_sign, events=events, rng=seed)
    frame = model.run(steps)
    return frame["away_valence"].to_numpy(), frame["home_valence"].to_numpy()


@pytest.mark.parametrize("seed", SEEDS)
def test_positive_shock_to_one_group_pushes_rivals_down_when_outgroup_sign_is_negative(seed):
    away_shock, home_shock = _away_valence(seed, -1.0, shock=True)
    away_none, home_none = _away_valence(seed, -1.0, shock=False)
    np.testing.assert_array_equal(away_shock[:2], away_none[:2])  # same run before the goal
    assert home_shock[2] > home_none[2] + 0.5  # the scorers' fans celebrate
    assert away_shock[2] == pytest.approx(away_none[2], abs=1e-15)  # nothing yet for rivals
    assert (away_shock[4:] < away_none[4:] - 0.01).all()  # then the rivals' mood drops


@pytest.mark.parametrize("seed", SEEDS)
def test_positive_shock_to_one_group_pulls_others_up_when_outgroup_sign_is_positive(seed):
    away_shock, _ = _away_valence(seed, 1.0, shock=True)
    away_none, _ = _away_valence(seed, 1.0, shock=False)
    assert (away_shock[4:] > away_none[4:] + 0.01).all()


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_outgroup_sign_zero_ignores_the_other_group(seed):
    away_shock, _ = _away_valence(seed, 0.0, shock=True)
    away_none, _ = _away_valence(seed, 0.0, shock=False)
    np.testing.assert_allclose(away_shock, away_none, rtol=0, atol=1e-15)


def _line(n=5):
    return nx.path_graph(n)


def test_shock_is_added_in_the_update_producing_its_step():
    model = ContagionModel(_line(), mirroring=0.0, regulation=0.0, initial_valence=0.0,
                           initial_arousal=0.2,
                           events=[Shock(3, valence=0.5, arousal=0.25, who=[1, 3])])
    model.run(2)
    np.testing.assert_array_equal(model.valence, 0.0)
    model.step()
    np.testing.assert_allclose(model.valence, [0, 0.5, 0, 0.5, 0], atol=1e-15)
    np.testing.assert_allclose(model.arousal, [0.2, 0.45, 0.2, 0.45, 0.2], atol=1e-15)
    model.run(3)
    np.testing.assert_allclose(model.valence, [0, 0.5, 0, 0.5, 0], atol=1e-15)  # one-off


def test_shock_scaled_by_expertise_and_clipped():
    expertise = np.array([0.0, 0.5, 1.0, 1.0, 0.0])
    model = ContagionModel(_line(), mirroring=0.0, regulation=0.0, initial_valence=0.0,
                           initial_arousal=0.0, expertise=expertise, expertise_gain=2.0,
                           events=[Shock(1, valence=0.3, arousal=0.1, scale_by_expertise=True),
                                   Shock(1, valence=-2.0, who=[4])])
    model.step()
    scale = 1 + 2.0 * expertise
    expected_v = np.minimum(0.3 * scale, 1.0)
    expected_v[4] = -1.0  # 0.3 - 2.0, clipped
    np.testing.assert_allclose(model.valence, expected_v, atol=1e-15)
    np.testing.assert_allclose(model.arousal, 0.1 * scale, atol=1e-15)


def test_shock_by_predicate_reaches_only_matching_agents():
    model = ContagionModel(_line(), mirroring=0.0, regulation=0.0,
                           initial_valence=[-0.5, 0.5, -0.5, 0.5, -0.5],
                           events=[Shock(1, valence=0.2, who=lambda agent: agent.valence < 0)])
    model.step()
    np.testing.assert_allclose(model.valence, [-0.3, 0.5, -0.3, 0.5, -0.3], atol=1e-15)


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
    assert model.arousal[0] == pytest.approx(0.5, abs=1e-12)


@pytest.mark.parametrize("engine", ["vectorized", "agents"])
def test_broadcast_is_one_more_sender(engine):
    """An isolated listener perceives only the source: s = source, y <- y + k (s - y)."""
    graph = nx.empty_graph(3)
    model = ContagionModel(graph, mirroring=0.5, regulation=0.0, initial_valence=0.0,
                           initial_arousal=0.0, engine=engine,
                           events=[Broadcast(start=1, stop=3, valence=-0.8, arousal=0.6,
                                             strength=2.0, who=[0, 1])])
    model.step()
    np.testing.assert_allclose(model.valence, [-0.4, -0.4, 0.0], atol=1e-15)
    np.testing.assert_allclose(model.arousal, [0.3, 0.3, 0.0], atol=1e-15)
    model.step()
    np.testing.assert_allclose(model.valence, [-0.6, -0.6, 0.0], atol=1e-15)
    model.step()  # stopped at 3
    np.testing.assert_allclose(model.valence, [-0.6, -0.6, 0.0], atol=1e-15)


def test_broadcast_strength_weighs_against_neighbours():
    """Listener 0 hears neighbour 1 (weight 1, valence 0) and the source (strength 3)."""
    graph = nx.DiGraph()
    graph.add_nodes_from([0, 1])
    graph.add_edge(1, 0, weight=1.0)
    model = ContagionModel(graph, mirroring=1.0, regulation=0.0, initial_valence=0.0,
                           initial_arousal=0.0,
                           events=[Broadcast(start=1, stop=2, valence=0.8, strength=3.0,
                                             who=[0])])
    model.step()
    assert model.valence[0] == pytest.approx(0.6, abs=1e-15)  # (3 * 0.8 + 1 * 0) / 4


def test_broadcast_source_group_inverted_for_the_out_group():
    graph = nx.empty_graph(4)
    model = ContagionModel(graph, mirroring=0.5, regulation=0.0, initial_valence=0.0,
                           group=["home", "home", "away", "away"], outgroup_sign=-1.0,
                           events=[Broadcast(start=1, valence=0.6, source_group="home")])
    model.step()
    np.testing.assert_allclose(model.valence, [0.3, 0.3, -0.3, -0.3], atol=1e-15)


def test_events_on_a_running_model_with_live_outgroup_sign():
    """outgroup_sign is read at each step: changing it mid-run changes what follows."""
    graph = _two_teams(0)
    runs = []
    for sign in (1.0, -1.0):
        model = ContagionModel(graph, outgroup_sign=1.0, rng=0,
                               events=[Shock(1, valence=0.8, who="home")])
        model.run(2)
        model.outgroup_sign = sign
        runs.append(model.run(6)["away_valence"].to_numpy())
    np.testing.assert_array_equal(runs[0][:3], runs[1][:3])
    assert runs[1][-1] < runs[0][-1] - 0.01
