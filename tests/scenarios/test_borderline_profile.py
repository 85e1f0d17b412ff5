"""borderline_profile: what is put in (deeper, slower) and what contagion adds (spill-over,
buffering), over ten seeds of drawn people."""

from __future__ import annotations

from scenario_helpers import above_zero, below_zero, outcome, per_seed, small

SIZE = small("borderline_profile")


def _both(measure, **overrides):
    return (per_seed("borderline_profile", measure, **SIZE, **overrides),
            per_seed("borderline_profile", measure, null="social", **SIZE, **overrides))


def _difference(measure_a, measure_b):
    return lambda f, s: measure_a(f, s) - measure_b(f, s)


def test_the_profile_drops_deeper_with_or_without_contagion():
    gap = _difference(outcome("profile_trough"), outcome("control_trough"))
    full, null = _both(gap)
    assert below_zero(full, 0.05) and below_zero(null, 0.1)


def test_friends_buffer_the_profile_deeper_trough_and_slower_recovery():
    full, null = _both(outcome("profile_trough"))
    assert above_zero(full - null, 0.02)
    full, null = _both(outcome("profile_half_life"))
    assert below_zero(full - null, 5.0)  # minutes


def test_friends_of_the_profile_are_pulled_down_only_by_contagion():
    full, null = _both(outcome("spill_over"))
    assert below_zero(full, 0.0)
    assert not below_zero(null, 0.0) and not above_zero(null, 0.0)


def test_a_pleasant_scene_barely_separates_the_profile():
    gap = _difference(outcome("profile_trough"), outcome("control_trough"))
    loss = per_seed("borderline_profile", gap, **SIZE)
    pleasant = per_seed("borderline_profile", gap, scene_valence=0.7, **SIZE)
    assert abs(pleasant.mean()) < 0.2 * abs(loss.mean())
