"""Scenario metrics, by name, for scenario files to refer to.

Two kinds:

- ``MEASURES[name](model, **kwargs) -> float``: collected every step, one column each;
- ``OUTCOMES[name](frame, **kwargs) -> float``: one number per run, computed from
  the per-step table (a half-life, a lag).

The per-group means (``home_valence``, ``member_valence``, ...) come from the
engine's standard reporters; the measures here add what a scenario needs beyond.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["MEASURES", "OUTCOMES", "lag_profile"]


def _members(model, group: str | None) -> np.ndarray:
    """Mask of the agents in ``group`` (everyone if None; nobody if the group is empty)."""
    if group is None:
        return np.ones(model.n_agents, dtype=bool)
    if group not in model.group_names:  # e.g. profile_share = 0: the group has no members
        return np.zeros(model.n_agents, dtype=bool)
    return model.group_codes == model.group_names.index(group)


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else float("nan")


def group_mean(model, group: str, variable: str) -> float:
    """Mean ``variable`` ("valence" or "arousal") of ``group``; NaN while it has no members.

    The engine reports ``<group>_valence`` only for groups that have members; a
    scenario's key metrics use this so that their columns exist at every setting.
    """
    return _mean(getattr(model, variable)[_members(model, group)])


def coordination(model, group: str = "member") -> float:
    """Team coordination after Sy, Cote & Saavedra (2005): pleasant and shared mood.

    ``mean((1 + v) / 2) * (1 - sd(v))`` over the group: positive affect makes
    members more cooperative and in step; a divided mood does not coordinate.
    A stylised readout in [0, 1], not a fitted performance model.
    """
    v = model.valence[_members(model, group)]
    if not len(v):
        return float("nan")
    return float(np.mean((1.0 + v) / 2.0) * (1.0 - min(1.0, float(np.std(v)))))


def effort(model, group: str = "member") -> float:
    """Team effort after Sy, Cote & Saavedra (2005): unpleasant, aroused mood.

    ``mean(a (1 - v) / 2)`` over the group: negative mood signals that something
    is wrong and calls for effort (mood-as-information), scaled by arousal.
    A stylised readout in [0, 1], not a fitted performance model.
    """
    members = _members(model, group)
    v, a = model.valence[members], model.arousal[members]
    return _mean(a * (1.0 - v) / 2.0)


def _contacts(model, group: str) -> np.ndarray:
    """Agents outside ``group`` who perceive at least one member (cached per model)."""
    cache = model.__dict__.setdefault("_contact_cache", {})
    if group not in cache:
        members = _members(model, group)
        sees_member = (model.in_edges @ members.astype(float)) > 0
        cache[group] = sees_member & ~members
    return cache[group]


def contacts_valence(model, group: str, of_group: str | None = None,
                     contacts: bool = True) -> float:
    """Mean valence of the agents (of ``of_group``) who perceive a member of ``group``.

    With ``contacts=False``: of those (outside ``group``) who perceive no member.
    """
    outside = ~_members(model, group)
    near = _contacts(model, group)
    mask = (near if contacts else outside & ~near) & _members(model, of_group)
    return float(model.valence[mask].mean()) if mask.any() else float("nan")


def trait_subset_mean(model, variable: str, trait: str, low: float, high: float,
                      group: str | None = None) -> float:
    """Mean of ``variable`` over agents (of ``group``) whose ``trait`` lies in [low, high]."""
    values = model.traits[trait]
    mask = _members(model, group) & (values >= low) & (values <= high)
    return float(getattr(model, variable)[mask].mean()) if mask.any() else float("nan")


MEASURES = {
    "group_mean": group_mean,
    "coordination": coordination,
    "effort": effort,
    "contacts_valence": contacts_valence,
    "trait_subset_mean": trait_subset_mean,
}


# -- outcomes ------------------------------------------------------------------------

def trough(frame: pd.DataFrame, column: str, start: int = 0) -> float:
    """Lowest value of ``column`` from step ``start`` on."""
    return float(frame.loc[frame["step"] >= start, column].min())


def peak(frame: pd.DataFrame, column: str, start: int = 0) -> float:
    """Highest value of ``column`` from step ``start`` on."""
    return float(frame.loc[frame["step"] >= start, column].max())


def final(frame: pd.DataFrame, column: str) -> float:
    """Value of ``column`` at the last step."""
    return float(frame[column].iloc[-1])


def half_life(frame: pd.DataFrame, column: str, start: int, stop: int | None = None) -> float:
    """Steps from the deepest point until half the drop is recovered (interpolated).

    The drop is measured from the value just before ``start`` down to the lowest
    value from ``start`` on; recovery is looked for from the later of the lowest
    point and ``stop`` (the end of the stimulus). 0 if there was no drop, ``inf``
    if half the drop is never recovered within the run; NaN if the run has no step
    before ``start`` or no value from ``start`` on (an empty group).
    """
    series = frame.set_index("step")[column]
    after = series[series.index >= start]
    if after.isna().all() or not (series.index < start).any():
        return float("nan")
    before = float(series[series.index < start].iloc[-1])
    low_step = int(after.idxmin())
    depth = before - float(after.min())
    if depth <= 0:
        return 0.0
    target = before - depth / 2
    later = after[after.index >= max(low_step, stop or 0)]
    above = np.flatnonzero(later.to_numpy() >= target)
    if len(above) == 0:
        return float("inf")
    k = int(above[0])
    if k == 0:
        return float(later.index[0] - low_step)
    (s0, v0), (s1, v1) = (later.index[k - 1], later.iloc[k - 1]), (later.index[k], later.iloc[k])
    return float(s0 + (target - v0) / (v1 - v0) * (s1 - s0) - low_step)


def lag_profile(frame: pd.DataFrame, leader: str, follower: str, max_lag: int = 10,
                start: int = 0) -> pd.Series:
    """Correlation of ``follower`` at step t with ``leader`` at step t - lag.

    Index: lag from ``-max_lag`` to ``max_lag``. A peak at a positive lag means the
    follower follows; at 0 or a negative lag that it keeps up or runs ahead
    (Stephens et al. 2010 correlated listeners' with the speaker's time series
    the same way). Zero where either series does not vary.
    """
    part = frame[frame["step"] >= start]
    x, y = part[leader].to_numpy(), part[follower].to_numpy()
    values = {}
    for lag in range(-max_lag, max_lag + 1):
        a, b = (x[: len(x) - lag], y[lag:]) if lag >= 0 else (x[-lag:], y[: len(y) + lag])
        ok = len(a) > 2 and np.std(a) > 1e-12 and np.std(b) > 1e-12
        values[lag] = float(np.corrcoef(a, b)[0, 1]) if ok else 0.0
    return pd.Series(values, name="correlation").rename_axis("lag")


def peak_lag(frame: pd.DataFrame, leader: str, follower: str, max_lag: int = 10,
             start: int = 0) -> float:
    """The lag at which :func:`lag_profile` peaks; NaN when there is no coupling at all."""
    profile = lag_profile(frame, leader, follower, max_lag, start)
    return float(profile.idxmax()) if (profile != 0).any() else float("nan")


def peak_correlation(frame: pd.DataFrame, leader: str, follower: str, max_lag: int = 10,
                     start: int = 0) -> float:
    """The height of :func:`lag_profile`'s peak: how strongly the follower is coupled."""
    return float(lag_profile(frame, leader, follower, max_lag, start).max())


def mean_between(frame: pd.DataFrame, column: str, start: int = 0, stop: int | None = None) -> float:
    """Mean of ``column`` over steps ``start`` .. ``stop - 1`` (to the end if None)."""
    steps = frame["step"]
    mask = (steps >= start) & (True if stop is None else steps < stop)
    return float(frame.loc[mask, column].mean())


OUTCOMES = {
    "trough": trough,
    "peak": peak,
    "final": final,
    "half_life": half_life,
    "peak_lag": peak_lag,
    "peak_correlation": peak_correlation,
    "mean_between": mean_between,
}
