"""leader_team: a leader's mood and the team (Sy, Cote & Saavedra 2005).

Observed over seeds 0-4 at the defaults (mirroring 0.3, leader_expressiveness 1,
60 steps), leader_mood +0.7 vs -0.7 at the last step: member_valence +0.40 vs
-0.40 (difference 0.80), coordination 0.70 vs 0.30, effort 0.154 vs 0.360. The
difference in member mood grows with mirroring (0.43, 0.80, 1.02 at 0.1, 0.3,
0.6) and with the leader's expressiveness (0.34 at 0.2, 0.80 at 1.0), and is
exactly 0 with mirroring 0. The defaults are deterministic (fixed start mood, no
noise), so the direction tests also run with noise 0.02, where seeds differ.
"""

from __future__ import annotations

import numpy as np
import pytest
from scenario_helpers import SEEDS, per_seed, runs

CHEERFUL, GRUMPY = 0.7, -0.7


def final(column):
    return lambda frame, scenario: frame[column].iloc[-1]


def effect(column, **overrides):
    """Per seed: final ``column`` under a cheerful minus under a grumpy leader.

    The two conditions run on independent seeds (s and s + 100): with noise, equal
    seeds would give both the same noise, which cancels in this linear regime.
    """
    up = per_seed("leader_team", final(column), leader_mood=CHEERFUL, **overrides)
    down = per_seed("leader_team", final(column), [s + 100 for s in SEEDS], leader_mood=GRUMPY,
                    **overrides)
    return up - down


@pytest.mark.parametrize("noise", [0.0, 0.02])
def test_cheerful_leader_raises_member_mood_and_coordination(noise):
    mood = effect("member_valence", noise=noise)
    assert (mood > 0.5).all() and mood.mean() > 0.6  # observed 0.80
    coordination = effect("coordination", noise=noise)
    assert (coordination > 0.2).all()  # observed 0.40


@pytest.mark.parametrize("noise", [0.0, 0.02])
def test_grumpy_leader_drives_effort(noise):
    more_effort = -effect("effort", noise=noise)
    assert (more_effort > 0.1).all()  # observed 0.21: a good mood does not raise every number


def test_effect_grows_with_member_mirroring():
    means = [effect("member_valence", mirroring=m).mean() for m in (0.1, 0.3, 0.6)]
    assert np.all(np.diff(means) > 0.1), means  # observed 0.43, 0.80, 1.02


def test_effect_grows_with_leader_expressiveness():
    faint = effect("member_valence", leader_expressiveness=0.2)
    vivid = effect("member_valence", leader_expressiveness=1.0)
    assert (vivid - faint > 0.2).all()  # observed 0.34 -> 0.80


def test_no_effect_without_mirroring_members_stay_at_start():
    for frame in runs("leader_team", leader_mood=CHEERFUL, mirroring=0.0, noise=0.0):
        assert np.abs(frame["member_valence"] - 0.0).max() < 1e-12  # initial_valence 0
        assert np.abs(frame["member_arousal"] - 0.4).max() < 1e-12  # initial_arousal 0.4
    assert np.abs(effect("member_valence", mirroring=0.0)).max() < 1e-12
    assert np.abs(effect("effort", mirroring=0.0)).max() < 1e-12


def test_leader_is_held_at_the_set_mood():
    for frame in runs("leader_team", leader_mood=GRUMPY, noise=0.02):
        assert np.allclose(frame["leader_valence"], GRUMPY)
        assert np.allclose(frame["leader_arousal"], 0.6)


def test_several_teams_under_a_manager():
    import scenarios

    model = scenarios.get("leader_team").build(0, teams=3, members=5)
    assert model.n_agents == 3 * (5 + 1) + 1
    assert set(model.group_names) == {"leader", "member", "manager"}
    manager = model.group_codes == model.group_names.index("manager")
    leaders = np.flatnonzero(model.group_codes == model.group_names.index("leader"))
    assert model.in_edges[manager][:, leaders].sum() == 3  # linked to every leader only
    assert model.in_edges[manager].sum() == 3
    frame = model.run(60)
    # every team takes up its (pinned) leader's mood; the manager too, from the leaders
    assert frame["member_valence"].iloc[-1] > 0.3
    assert frame["manager_valence"].iloc[-1] > 0.5
