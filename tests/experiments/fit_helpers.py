"""A small team scenario and synthetic data from it: fits that take seconds, for tests."""

from __future__ import annotations

import functools

import scenarios
from contagion.experiments.fitting.synthetic import synthetic_data

TEAM_TOML = """
name = "small_team"
title = "A leader and six members"
description = "A cheerful leader held at 0.6; six members who each see two colleagues."
references = ["A test scenario: no source."]
duration = 10
key_metrics = ["member_valence", "member_arousal"]

[network]
recipe = "team"
members = 6
member_degree = 2

[parameters]
mirroring = 0.4
regulation = 0.1
expressiveness = 0.5
noise = 0.03
baseline = 0.0
baseline_arousal = 0.3

[parameters.leader_expressiveness]
value = 0.6
low = 0.0
high = 1.0
description = "How openly the leader shows their mood."

[population]
baseline = { dist = "normal", sd = 0.25 }
baseline_arousal = { dist = "normal", sd = 0.1 }

[[profiles]]
name = "leader"
who = "leader"
traits = { expressiveness = "$leader_expressiveness" }

[[events]]
type = "pin"
who = "leader"
valence = 0.6
arousal = 0.6
"""

TRUTH = {"mirroring": 0.4, "regulation": 0.1}
PRIORS = {"mirroring": "0:1", "regulation": "0:0.4"}
#: Small and quick: about 4 s of CPU per fit (about 180 simulations).
QUICK = dict(particles=20, populations=2, pilot=60, min_acceptance=0.05, progress=False)


@functools.lru_cache(maxsize=1)
def team():
    """The small team scenario."""
    return scenarios.loads(TEAM_TOML, "small_team")


@functools.lru_cache(maxsize=64)
def data(seed: int, **values):
    """Synthetic data of the small team at ``TRUTH`` (and ``values``), model seed ``seed``."""
    return synthetic_data(team(), {**TRUTH, **values}, seed)
