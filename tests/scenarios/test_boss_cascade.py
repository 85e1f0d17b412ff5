"""boss_cascade: a manager's mood reaching teams the manager never meets (Barsade 2002).

Observed over seeds 0-4 at the defaults (3 teams of 6, mirroring 0.3, 80 steps),
manager_mood +0.7 vs -0.7 at the last step: leader_valence +0.252 vs -0.252,
member_valence +0.159 vs -0.159 (members reach 0.63 of the leaders' mood),
coordination 0.579 vs 0.421, effort 0.187 vs 0.258; exactly 0 with mirroring 0.
The defaults are deterministic, so the direction test also runs with noise 0.02.
"""

from __future__ import annotations

import numpy as np
import pytest
from scenario_helpers import SEEDS, per_seed

import scenarios


def final(column):
    return lambda frame, scenario: frame[column].iloc[-1]


def test_members_never_perceive_the_manager():
    model = scenarios.get("boss_cascade").build(rng=0)
    groups = np.array(model.group_names)[model.group_codes]
    manager = np.flatnonzero(groups == "manager")
    members = np.flatnonzero(groups == "member")
    assert len(manager) == 1 and len(members) == 18
    senders_of_members = model.in_edges[members].indices
    assert manager[0] not in set(senders_of_members.tolist())
    leaders = np.flatnonzero(groups == "leader")
    assert all(manager[0] in model.in_edges[[i]].indices for i in leaders)


@pytest.mark.parametrize("noise", [0.0, 0.02])
def test_manager_mood_reaches_members_through_leaders(noise):
    up = {c: per_seed("boss_cascade", final(c), manager_mood=0.7, noise=noise)
          for c in ("leader_valence", "member_valence", "coordination", "effort")}
    down = {c: per_seed("boss_cascade", final(c), [s + 100 for s in SEEDS], manager_mood=-0.7,
                        noise=noise) for c in up}
    gap = {c: up[c] - down[c] for c in up}
    assert (gap["member_valence"] > 0.2).all()  # observed 0.32
    assert (gap["coordination"] > 0.1).all()  # observed 0.16
    assert (gap["effort"] < -0.03).all()  # observed -0.07: a grumpy manager drives effort
    # weaker one step further down: members take up about 0.63 of the leaders' mood
    assert (up["member_valence"] < up["leader_valence"] - 0.05).all()
    assert (up["member_valence"] > 0.4 * up["leader_valence"]).all()


def test_without_mirroring_the_manager_reaches_nobody():
    for column in ("leader_valence", "member_valence"):
        values = per_seed("boss_cascade", final(column), mirroring=0.0, manager_mood=0.9)
        np.testing.assert_allclose(values, 0.0, atol=1e-12)
