"""Shared by the scenario tests: seeds, small sizes, and runs over several seeds.

Direction-of-effect tests compare two conditions over SEEDS (never one seed) and
assert both that every seed shows the direction and that the mean effect clears
a stated margin.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import scenarios

#: Seeds every direction-of-effect test runs over.
SEEDS = range(5)

#: Small sizes for the scenarios whose default population is large (fast tests).
SMALL = {
    "football_crowd": {"rows": 6, "cols": 8},
    "borderline_profile": {"n_agents": 40},
    "sad_film": {"viewers": 12},
    "speaker_listener": {"listeners": 6},
    "vicarious_shame": {"observers": 6, "rivals": 3},
    "leader_team": {"members": 4},
}


def small(name: str) -> dict:
    """Small-size overrides for scenario ``name`` (none for unknown scenarios)."""
    return dict(SMALL.get(name, {}))


def runs(name: str, seeds=SEEDS, steps: int | None = None, **overrides) -> list[pd.DataFrame]:
    """One per-step table per seed."""
    scenario = scenarios.get(name)
    return [scenario.run(steps, seed, **overrides) for seed in seeds]


def per_seed(name: str, measure, seeds=SEEDS, steps: int | None = None, **overrides) -> np.ndarray:
    """``measure(frame, scenario)`` for each seed's run, as an array."""
    scenario = scenarios.get(name).replace(**overrides)
    return np.array([measure(scenario.run(steps, seed), scenario) for seed in seeds], dtype=float)


def at(frame: pd.DataFrame, step: int, column: str) -> float:
    """Value of ``column`` at ``step``."""
    return float(frame.loc[frame["step"] == step, column].iloc[0])


def outcome(name: str):
    """A measure reading the scenario outcome ``name`` from a run."""
    return lambda frame, scenario: scenario.outcome_values(frame)[name]
