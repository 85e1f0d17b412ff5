"""football_crowd: goals seen by two thirds of the fans, and what the crowd does with them.

Runs on a 10 x 16 stadium (160 fans, ``SMALL``), ten seeds; the documented figures
(docs/scenarios/football_crowd.md) are measured on the full 40 x 50 stadium.
"""

from __future__ import annotations

from scenario_helpers import above_zero, below_zero, per_seed, small, window

import scenarios

SIZE = small("football_crowd")
AFTER_GOAL = (31, 41)  # the five minutes after the home goal at step 30


def _both(measure):
    return (per_seed("football_crowd", measure, **SIZE),
            per_seed("football_crowd", measure, null="social", **SIZE))


def test_fans_who_saw_nothing_react_through_the_people_around_them():
    full, null = _both(window("home_missed_valence", *AFTER_GOAL))
    baseline = scenarios.get("football_crowd").values()["baseline"]
    assert above_zero(full - null, 0.1)
    assert not above_zero(null - baseline, 0.03)  # without contagion nobody tells them


def test_the_crowd_damps_the_reaction_of_the_fans_who_saw_the_goal():
    full, null = _both(window("home_seen_valence", *AFTER_GOAL))
    assert above_zero(null - 0.1, 0.1)  # seeing the goal lifts them, contagion or not
    assert below_zero(full - null, 0.02)


def test_experts_react_more_alone_but_the_stand_evens_them_out():
    """Everyone sees the goal here (missed_share 0), so only expertise tells fans apart."""
    def measure(frame, scenario):
        gap = frame["home_expert_valence"] - frame["home_novice_valence"]
        return float(gap.iloc[AFTER_GOAL[0]:AFTER_GOAL[1]].mean())

    size = {**SIZE, "missed_share": 0.0}
    full = per_seed("football_crowd", measure, **size)
    null = per_seed("football_crowd", measure, null="social", **size)
    assert above_zero(null, 0.005)  # put in: experts take up what they see faster
    assert below_zero(full - null, 0.005)
    assert abs(full.mean()) < 0.01


def test_arousal_has_room_and_the_goal_excites_without_pinning():
    frames = [scenarios.get("football_crowd").run(None, seed, **SIZE) for seed in range(3)]
    for frame in frames:
        peak = frame["home_arousal"].max()
        assert 0.5 < peak < 0.9
        assert frame["home_arousal"].iloc[AFTER_GOAL[0]] > frame["home_arousal"].iloc[29] + 0.1


def test_a_goal_for_one_stand_is_dismay_for_the_other():
    full = per_seed("football_crowd", window("split", *AFTER_GOAL), **SIZE)
    assert above_zero(full, 0.2)
