"""A scenario against its nulls: what social contagion adds, with its uncertainty.

The fair null of every scenario cuts social contagion (nobody perceives anybody) and
keeps every stimulus: a film still reaches each viewer, a goal still reaches the fans
who see it. A second null removes the stimuli. Each is run on the same seeds as the
full model, so the same people, network and events; the part due to social contagion
is the mean over seeds of ``full - no_social``, with a 95 % Student t-interval of
that mean (paired by seed).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from contagion.lazy import lazy

pd = lazy("pandas")
stats = lazy("scipy.stats")

__all__ = ["COLUMNS", "check_seeds", "compare_null", "interval", "null_table"]

#: The columns of the comparison table, in order.
COLUMNS = ("full", "no_social", "no_stimulus", "social", "social_low", "social_high", "seeds")


def interval(differences) -> tuple[float, float, float, int]:
    """``(mean, low, high, n)``: a 95 % t-interval of the mean of the finite values."""
    values = np.asarray(differences, dtype=float)
    values = values[np.isfinite(values)]
    n = len(values)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    mean = float(values.mean())
    if n == 1:
        return mean, math.nan, math.nan, 1
    half = float(stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n))
    return mean, mean - half, mean + half, n


def _mean(values) -> float:
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    return float(values.mean()) if len(values) else math.nan


def null_table(summarise: Callable[[int, str | None], dict], seeds: range,
               progress: Callable[[], None] | None = None) -> pd.DataFrame:
    """The comparison table from ``summarise(seed, null) -> {metric: value}`` over ``seeds``.

    ``null`` is None (the full model), ``"social"`` or ``"stimulus"``; ``progress`` is
    called after each run.
    """
    runs = {null: [] for null in (None, "social", "stimulus")}
    for seed in seeds:
        for null, results in runs.items():
            results.append(summarise(seed, null))
            if progress is not None:
                progress()
    rows = {}
    for metric in runs[None][0]:
        full = [r[metric] for r in runs[None]]
        no_social = [r[metric] for r in runs["social"]]
        part, low, high, n = interval(np.subtract(full, no_social))
        rows[metric] = {"full": _mean(full), "no_social": _mean(no_social),
                        "no_stimulus": _mean([r[metric] for r in runs["stimulus"]]),
                        "social": part, "social_low": low, "social_high": high, "seeds": n}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(COLUMNS)).rename_axis(
        "metric")


def check_seeds(first_seed, seeds) -> range:
    """``range(first_seed, first_seed + seeds)``, both validated."""
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise ValueError(f"seeds={seeds!r} is invalid: allowed integers >= 1")
    if isinstance(first_seed, bool) or not isinstance(first_seed, int) or first_seed < 0:
        raise ValueError(f"rng={first_seed!r} is invalid: allowed integers >= 0 (the first seed)")
    return range(first_seed, first_seed + seeds)


def compare_null(scenario, steps: int | None, first_seed: int, seeds: int,
                 progress: Callable[[], None] | None = None, **overrides) -> pd.DataFrame:
    """The comparison table of ``scenario`` over seeds ``first_seed .. first_seed + seeds - 1``."""
    def summarise(seed, null):
        return scenario.summary_values(scenario.run(steps, seed, null=null, **overrides))

    return null_table(summarise, check_seeds(first_seed, seeds), progress)
