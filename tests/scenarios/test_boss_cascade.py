"""boss_cascade: a manager's mood reaches members they never meet, weaker one step down."""

from __future__ import annotations

import numpy as np
from scenario_helpers import above_zero, contrast, outcome, per_seed

import scenarios


def test_members_never_perceive_the_manager():
    model = scenarios.get("boss_cascade").build(0)
    manager = model.group_codes == model.group_names.index("manager")
    members = model.group_codes == model.group_names.index("member")
    seen = model.in_edges[members][:, manager]
    assert seen.nnz == 0 and manager.sum() == 1


def test_the_manager_mood_reaches_the_members_weaker_than_the_leaders():
    leaders = per_seed("boss_cascade", outcome("leader_shift"))
    members = per_seed("boss_cascade", outcome("member_shift"))
    assert above_zero(members, 0.05)
    assert above_zero(leaders - members, 0.03)
    ratio = per_seed("boss_cascade", outcome("attenuation"))
    assert ((ratio > 0.3) & (ratio < 0.9)).all()


def test_the_cascade_needs_social_contagion_and_follows_the_manager_sign():
    gap = contrast("boss_cascade", outcome("member_shift"), {"manager_mood": 0.7},
                   {"manager_mood": -0.7})
    assert above_zero(gap, 0.1)
    null = contrast("boss_cascade", outcome("member_shift"), {"manager_mood": 0.7},
                    {"manager_mood": -0.7}, null="social")
    np.testing.assert_array_equal(null, 0.0)
