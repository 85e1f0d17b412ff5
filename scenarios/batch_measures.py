"""The scenario measures and outcomes of :mod:`scenarios.measures`, for many runs at once.

``BATCH_MEASURES[name](ensemble, **kwargs) -> array (runs,)`` is ``MEASURES[name]`` for
every run of a :class:`contagion.ensemble.Ensemble`, by segment reductions (one call
for all runs). ``BATCH_OUTCOMES[name](series, steps, step_length, **kwargs) -> array
(runs,)`` is ``OUTCOMES[name]`` for every run, from ``series[column]``, an array
(runs, collected steps) whose row r is run r's column, ``steps`` the collected steps
and ``step_length`` the length of a step in the table's time unit. Each function
follows its twin's rules (which entries count, what is NaN, pandas' skipping of NaN).
"""

from __future__ import annotations

import numpy as np

from scenarios.measures import contacts_mask

__all__ = ["BATCH_MEASURES", "BATCH_OUTCOMES", "COLUMN_KEYS"]

#: Keys of an outcome table that name a column of the per-step table.
COLUMN_KEYS = ("column", "of", "leader", "follower")


def _members(ensemble, group: str | None) -> np.ndarray:
    if group is None:
        return np.ones(ensemble.n_agents, dtype=bool)
    return ensemble.members(group)


def group_mean(ensemble, group: str, variable: str) -> np.ndarray:
    """:func:`scenarios.measures.group_mean` per run."""
    return ensemble.segments.mean(getattr(ensemble, variable), _members(ensemble, group))


def gap(ensemble, group: str, other: str, variable: str = "valence") -> np.ndarray:
    """:func:`scenarios.measures.gap` per run."""
    return group_mean(ensemble, group, variable) - group_mean(ensemble, other, variable)


def synchrony(ensemble, choice: str, option: str, group: str | None = None) -> np.ndarray:
    """:func:`scenarios.measures.synchrony` per run."""
    spec = next(c for c in ensemble.choice_specs if c.name == choice)
    code = [o.name for o in spec.options].index(option)
    members = _members(ensemble, group)
    n = ensemble.segments.count(members)
    k = ensemble.segments.count(members & (ensemble.choices[choice] == code))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n < 2, np.nan, k * (k - 1) / (n * (n - 1)))


def _contacts(ensemble, group: str) -> np.ndarray:
    return contacts_mask(ensemble, group, _members(ensemble, group))


def contacts_valence(ensemble, group: str, of_group: str | None = None,
                     contacts: bool = True) -> np.ndarray:
    """:func:`scenarios.measures.contacts_valence` per run."""
    outside = ~_members(ensemble, group)
    near = _contacts(ensemble, group)
    mask = (near if contacts else outside & ~near) & _members(ensemble, of_group)
    return ensemble.segments.mean(ensemble.valence, mask)


def contacts_gap(ensemble, group: str, of_group: str | None = None) -> np.ndarray:
    """:func:`scenarios.measures.contacts_gap` per run."""
    displaced = ensemble.valence - ensemble.traits["baseline"]
    outside = ~_members(ensemble, group) & _members(ensemble, of_group)
    near = _contacts(ensemble, group) & outside
    far = outside & ~near
    segments = ensemble.segments
    return segments.mean(displaced, near) - segments.mean(displaced, far)  # NaN if either empty


def trait_subset_mean(ensemble, variable: str, trait: str, low: float, high: float,
                      group: str | None = None) -> np.ndarray:
    """:func:`scenarios.measures.trait_subset_mean` per run."""
    values = ensemble.traits[trait]
    mask = _members(ensemble, group) & (values >= low) & (values <= high)
    return ensemble.segments.mean(getattr(ensemble, variable), mask)


BATCH_MEASURES = {
    "group_mean": group_mean,
    "gap": gap,
    "contacts_valence": contacts_valence,
    "contacts_gap": contacts_gap,
    "trait_subset_mean": trait_subset_mean,
    "synchrony": synchrony,
}


# -- outcomes ------------------------------------------------------------------------

def _from(series, steps, column: str, start: int = 0, stop: int | None = None) -> np.ndarray:
    keep = (steps >= start) & (True if stop is None else steps < stop)
    return series[column][:, keep]


def _skipping_nan(reduce, values: np.ndarray) -> np.ndarray:
    """``reduce`` over each row, skipping NaN; NaN for a row with nothing left (pandas)."""
    out = np.full(len(values), np.nan)
    rows = ~np.isnan(values).all(axis=1) if values.shape[1] else np.zeros(len(values), bool)
    if rows.any():
        out[rows] = reduce(values[rows], axis=1)
    return out


def trough(series, steps, step_length, column: str, start: int = 0) -> np.ndarray:
    """:func:`scenarios.measures.trough` per run."""
    return _skipping_nan(np.nanmin, _from(series, steps, column, start))


def peak(series, steps, step_length, column: str, start: int = 0) -> np.ndarray:
    """:func:`scenarios.measures.peak` per run."""
    return _skipping_nan(np.nanmax, _from(series, steps, column, start))


def final(series, steps, step_length, column: str) -> np.ndarray:
    """:func:`scenarios.measures.final` per run."""
    return series[column][:, -1].copy()


def mean_between(series, steps, step_length, column: str, start: int = 0,
                 stop: int | None = None) -> np.ndarray:
    """:func:`scenarios.measures.mean_between` per run (pandas' mean: NaN skipped)."""
    values = _from(series, steps, column, start, stop)
    count = (~np.isnan(values)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, np.nansum(values, axis=1) / count, np.nan)


def ratio(series, steps, step_length, column: str, of: str, start: int = 0,
          stop: int | None = None) -> np.ndarray:
    """:func:`scenarios.measures.ratio` per run."""
    below = mean_between(series, steps, step_length, of, start, stop)
    above = mean_between(series, steps, step_length, column, start, stop)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(below == 0, np.nan, above / below)


def half_life(series, steps, step_length, column: str, start: int,
              stop: int | None = None) -> np.ndarray:
    """:func:`scenarios.measures.half_life` per run (the same rules, row by row at once)."""
    values = series[column]
    runs = len(values)
    out = np.full(runs, np.nan)
    after_cols = np.flatnonzero(steps >= start)
    before_cols = np.flatnonzero(steps < start)
    if not len(before_cols) or not len(after_cols):
        return out
    after = values[:, after_cols]
    ok = ~np.isnan(after).all(axis=1)
    before = values[:, before_cols[-1]]
    filled = np.where(np.isnan(after), np.inf, after)
    low_col = after_cols[filled.argmin(axis=1)]
    low_step = steps[low_col]
    depth = before - filled.min(axis=1)
    target = before - depth / 2
    from_step = np.maximum(low_step, stop or 0)
    later = (steps[None, :] >= from_step[:, None]) & (steps[None, :] >= start)
    above = later & (values >= target[:, None])
    found = above.any(axis=1)
    k = above.argmax(axis=1)
    first = later.argmax(axis=1)
    previous = np.maximum(k - 1, 0)
    s0, s1 = steps[previous], steps[k]
    v0, v1 = values[np.arange(runs), previous], values[np.arange(runs), k]
    with np.errstate(invalid="ignore", divide="ignore"):
        crossing = s0 + (target - v0) / (v1 - v0) * (s1 - s0) - low_step
    time = np.where(k == first, steps[first] - low_step, crossing) * step_length
    out[ok] = np.where(depth <= 0, 0.0, np.where(found, time, np.inf))[ok]
    return out


def lag_profiles(series, steps, leader: str, follower: str, max_lag: int = 10,
                 start: int = 0) -> np.ndarray:
    """:func:`scenarios.measures.lag_profile` per run: array (runs, 2 max_lag + 1)."""
    keep = steps >= start
    x, y = series[leader][:, keep], series[follower][:, keep]
    n = x.shape[1]
    out = np.zeros((len(x), 2 * max_lag + 1))
    for column, lag in enumerate(range(-max_lag, max_lag + 1)):
        a, b = (x[:, : n - lag], y[:, lag:]) if lag >= 0 else (x[:, -lag:], y[:, : n + lag])
        if a.shape[1] <= 2:
            continue
        ok = (a.std(axis=1) > 1e-12) & (b.std(axis=1) > 1e-12)
        da, db = a - a.mean(axis=1, keepdims=True), b - b.mean(axis=1, keepdims=True)
        scale = a.shape[1] - 1
        with np.errstate(invalid="ignore", divide="ignore"):
            r = ((da * db).sum(axis=1) / scale / np.sqrt((da * da).sum(axis=1) / scale)
                 / np.sqrt((db * db).sum(axis=1) / scale))
        out[:, column] = np.where(ok, np.clip(r, -1.0, 1.0), 0.0)
    return out


def peak_lag(series, steps, step_length, leader: str, follower: str, max_lag: int = 10,
             start: int = 0) -> np.ndarray:
    """:func:`scenarios.measures.peak_lag` per run."""
    profile = lag_profiles(series, steps, leader, follower, max_lag, start)
    best = profile.argmax(axis=1)
    rows = np.arange(len(profile))
    inner = (best > 0) & (best < 2 * max_lag)
    left = profile[rows, np.maximum(best - 1, 0)]
    mid = profile[rows, best]
    right = profile[rows, np.minimum(best + 1, 2 * max_lag)]
    curve = left - 2 * mid + right
    bend = inner & (curve < 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = np.where(bend, 0.5 * (left - right) / curve, 0.0)
    lag = (best - max_lag).astype(float) + shift
    return np.where((profile != 0).any(axis=1), lag * step_length, np.nan)


def peak_correlation(series, steps, step_length, leader: str, follower: str,
                     max_lag: int = 10, start: int = 0) -> np.ndarray:
    """:func:`scenarios.measures.peak_correlation` per run."""
    return lag_profiles(series, steps, leader, follower, max_lag, start).max(axis=1)


BATCH_OUTCOMES = {
    "trough": trough,
    "peak": peak,
    "final": final,
    "half_life": half_life,
    "peak_lag": peak_lag,
    "peak_correlation": peak_correlation,
    "mean_between": mean_between,
    "ratio": ratio,
}
