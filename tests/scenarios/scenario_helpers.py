"""Shared by the scenario tests: seeds, small sizes, and measures over several seeds.

Direction-of-effect tests compute one number per seed over SEEDS (ten seeds, with
the population drawn differently on each) and assert that the 95 % t-interval of
its mean lies on the documented side of zero, and where stated that the mean clears
a margin. Big scenarios run smaller than their defaults (``SMALL``): the same
people, ties and events per person, fewer of them.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

import scenarios
from scenarios.compare import interval

#: Seeds every direction-of-effect test runs over.
SEEDS = range(10)

#: Small sizes for the scenarios whose default population is large (fast tests).
SMALL = {
    "football_crowd": {"rows": 10, "cols": 16},
    "borderline_profile": {"n_agents": 100},
    "sad_film": {"viewers": 30},
    "speaker_listener": {"listeners": 12},
    "vicarious_shame": {"observers": 12, "rivals": 6},
    "mexican_wave": {"rows": 8, "seats": 120},
    "happiness_framingham": {"people": 300},
    "art_gallery": {"parties": 12},
}


#: Fewer steps for the scenarios whose default run is long even when small: a wave on the
#: small ring of ``SMALL`` goes round in 6 s (300 steps) instead of the stadium's 36 s.
SHORT = {"mexican_wave": 400}


def short(name: str) -> int | None:
    """Steps for a quick run of scenario ``name`` (None: its default)."""
    return SHORT.get(name)


def small(name: str) -> dict:
    """Small-size overrides for scenario ``name`` (none for unknown scenarios)."""
    return dict(SMALL.get(name, {}))


def runs(name: str, seeds=SEEDS, steps: int | None = None, null=None,
         **overrides) -> list[pd.DataFrame]:
    """One per-step table per seed."""
    scenario = scenarios.get(name)
    return [scenario.run(steps, seed, null=null, **overrides) for seed in seeds]


@functools.lru_cache(maxsize=256)
def _run(name: str, seed: int, null, overrides: tuple) -> pd.DataFrame:
    """One run's table, shared by the tests that read the same run."""
    return scenarios.get(name).run(None, seed, null=null, **dict(overrides))


def per_seed(name: str, measure, seeds=SEEDS, null=None, **overrides) -> np.ndarray:
    """``measure(frame, scenario)`` for each seed's run (with ``null``), as an array."""
    scenario = scenarios.get(name).replace(**overrides)
    key = tuple(sorted(overrides.items()))
    return np.array([measure(_run(name, seed, null, key).copy(), scenario) for seed in seeds],
                    dtype=float)


def contrast(name: str, measure, first: dict, second: dict, null=None, **overrides):
    """``measure`` at setting ``first`` minus at ``second``, per seed."""
    return (per_seed(name, measure, null=null, **overrides, **first)
            - per_seed(name, measure, null=null, **overrides, **second))


def below_zero(values, margin: float = 0.0) -> bool:
    """The 95 % interval of the mean lies below ``-margin``."""
    mean, low, high, n = interval(values)
    return n >= len(SEEDS) and high < -margin


def above_zero(values, margin: float = 0.0) -> bool:
    """The 95 % interval of the mean lies above ``margin``."""
    mean, low, high, n = interval(values)
    return n >= len(SEEDS) and low > margin


def at(frame: pd.DataFrame, step: int, column: str) -> float:
    """Value of ``column`` at ``step``."""
    return float(frame.loc[frame["step"] == step, column].iloc[0])


def outcome(name: str):
    """A measure reading the scenario outcome ``name`` from a run."""
    return lambda frame, scenario: scenario.outcome_values(frame)[name]


def window(column: str, start: int, stop: int):
    """A measure: the mean of ``column`` over steps ``start`` .. ``stop - 1``."""
    return lambda frame, scenario: float(
        frame.loc[(frame["step"] >= start) & (frame["step"] < stop), column].mean())
