"""Scenario metrics, by name, for scenario files to refer to.

Two kinds:

- ``MEASURES[name](model, **kwargs) -> float``: collected every step, one column each;
- ``OUTCOMES[name](frame, **kwargs) -> float``: one number per run, computed from
  the per-step table (a half-life, a lag).

Every measure says what it reads (:data:`KINDS`): ``mood`` summarises the agents'
current emotion (a state, not a finding by itself); ``behaviour`` is computed from
what agents chose. A measure that were a fixed formula of the same agents' mood
presented as something else (a "coordination" computed from mean mood) would be a
``readout`` and labelled so; the library has none. The per-group means
(``home_valence``, ``member_valence``, ...) come from the engine's standard
reporters; the measures here add what a scenario needs beyond.
"""

from __future__ import annotations

import numpy as np

from contagion.graphs import node_attribute
from contagion.params import check_limit
from scenarios import states
from contagion.lazy import lazy

pd = lazy("pandas")

__all__ = ["KINDS", "MEASURES", "OUTCOMES", "VARIABLES", "contacts_mask", "lag_profile"]

#: The only model attributes a measure may read by name (``variable = "..."``).
VARIABLES = ("valence", "arousal")


def _state(model, variable: str) -> np.ndarray:
    """``model.valence`` or ``model.arousal``; any other name is refused, never looked up."""
    if variable not in VARIABLES:
        raise ValueError(f"variable={variable!r} is not known: allowed {', '.join(VARIABLES)}")
    return model.valence if variable == "valence" else model.arousal


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
    return _mean(_state(model, variable)[_members(model, group)])


def gap(model, group: str, other: str, variable: str = "valence") -> float:
    """Mean ``variable`` of ``group`` minus that of ``other`` (the split between two stands)."""
    return group_mean(model, group, variable) - group_mean(model, other, variable)


def synchrony(model, choice: str, option: str, group: str | None = None) -> float:
    """Share of pairs of ``group`` members who both chose ``option`` this step.

    ``k (k - 1) / (n (n - 1))`` with k of the n members choosing it: 1 when everyone
    acts together, the square of the share when members choose independently, and
    above that square when they line up with each other.
    """
    spec = next((c for c in model.choice_specs if c.name == choice), None)
    options = [o.name for o in spec.options] if spec is not None else []
    if option not in options:
        raise ValueError(f"synchrony: choice={choice!r} has no option {option!r}")
    code = options.index(option)
    members = _members(model, group)
    n = int(members.sum())
    if n < 2:
        return float("nan")
    k = int((model.choices[choice][members] == code).sum())
    return k * (k - 1) / (n * (n - 1))


def contacts_mask(holder, group: str, members: np.ndarray) -> np.ndarray:
    """Agents outside ``group`` (mask ``members``) who perceive at least one member.

    Cached on ``holder``: a model, or an ensemble of runs (:mod:`scenarios.batch_measures`);
    both have ``in_edges``, the matrix of who perceives whom, which never changes.
    """
    cache = holder.__dict__.setdefault("_contact_cache", {})
    if group not in cache:
        cache[group] = ((holder.in_edges @ members.astype(float)) > 0) & ~members
    return cache[group]


def _contacts(model, group: str) -> np.ndarray:
    return contacts_mask(model, group, _members(model, group))


def contacts_valence(model, group: str, of_group: str | None = None,
                     contacts: bool = True) -> float:
    """Mean valence of the agents (of ``of_group``) who perceive a member of ``group``.

    With ``contacts=False``: of those (outside ``group``) who perceive no member.
    """
    outside = ~_members(model, group)
    near = _contacts(model, group)
    mask = (near if contacts else outside & ~near) & _members(model, of_group)
    return float(model.valence[mask].mean()) if mask.any() else float("nan")


def contacts_gap(model, group: str, of_group: str | None = None) -> float:
    """How much lower the contacts of ``group`` sit below their own baselines than the rest.

    The mean of ``valence - baseline`` over the agents (of ``of_group``) who perceive a
    member of ``group``, minus the same over those who perceive none: negative when
    being close to the group pulls people down. Measured against each agent's own
    baseline, so differences in temperament do not count.
    """
    displaced = model.valence - model.traits["baseline"]
    outside = ~_members(model, group) & _members(model, of_group)
    near = _contacts(model, group) & outside
    far = outside & ~near
    if not near.any() or not far.any():
        return float("nan")
    return float(displaced[near].mean() - displaced[far].mean())


def spread_within(model, attribute: str, variable: str = "arousal") -> float:
    """Mean over the sets of agents sharing node attribute ``attribute`` (a party, a
    family) of the standard deviation of ``variable`` within each; sets of one left out.

    Small when the members of each set feel alike.
    """
    cache = model.__dict__.setdefault("_spread_cache", {})
    if attribute not in cache:
        labels = node_attribute(model.graph, model.nodes, attribute, numeric=False)
        if labels is None:
            raise ValueError(f"spread_within needs the node attribute {attribute!r} on every node")
        codes = np.unique(np.asarray(labels, dtype=str), return_inverse=True)[1]
        cache[attribute] = (codes, np.bincount(codes))
    codes, sizes = cache[attribute]
    values = getattr(model, variable)
    mean = np.bincount(codes, weights=values) / sizes
    spread = np.sqrt(np.maximum(np.bincount(codes, weights=values**2) / sizes - mean**2, 0.0))
    several = sizes > 1
    return float(spread[several].mean()) if several.any() else float("nan")


def trait_subset_mean(model, variable: str, trait: str, low: float, high: float,
                      group: str | None = None) -> float:
    """Mean of ``variable`` over agents (of ``group``) whose ``trait`` lies in [low, high]."""
    if trait not in model.traits:
        raise ValueError(f"trait={trait!r} is not a trait: allowed {', '.join(model.traits)}")
    values = model.traits[trait]
    mask = _members(model, group) & (values >= low) & (values <= high)
    return float(_state(model, variable)[mask].mean()) if mask.any() else float("nan")


MEASURES = {
    "group_mean": group_mean,
    "gap": gap,
    "contacts_valence": contacts_valence,
    "contacts_gap": contacts_gap,
    "trait_subset_mean": trait_subset_mean,
    "synchrony": synchrony,
    "spread_within": spread_within,
    "mood_share": states.mood_share,
    "standing": states.standing,
    "wave_position": states.wave_position,
    "wave_count": states.wave_count,
    "wave_width": states.wave_width,
}

#: What each measure reads: the agents' mood, or their chosen behaviour.
KINDS = {"group_mean": "mood", "gap": "mood", "contacts_valence": "mood", "contacts_gap": "mood",
         "trait_subset_mean": "mood",
         "synchrony": "behaviour", "spread_within": "mood", "mood_share": "mood", "standing": "behaviour",
         "wave_position": "behaviour", "wave_count": "behaviour", "wave_width": "behaviour"}


# -- outcomes ------------------------------------------------------------------------

def trough(frame: pd.DataFrame, column: str, start: int = 0) -> float:
    """Lowest value of ``column`` from ``start`` on (a time in a scenario file)."""
    return float(frame.loc[frame["step"] >= start, column].min())


def peak(frame: pd.DataFrame, column: str, start: int = 0) -> float:
    """Highest value of ``column`` from ``start`` on (a time in a scenario file)."""
    return float(frame.loc[frame["step"] >= start, column].max())


def final(frame: pd.DataFrame, column: str) -> float:
    """Value of ``column`` at the last step."""
    return float(frame[column].iloc[-1])


def _step_length(frame: pd.DataFrame) -> float:
    """Length of one step in the table's time unit (1 when the table has no time column)."""
    if "time" not in frame or len(frame) < 2:
        return 1.0
    return float((frame["time"].iloc[-1] - frame["time"].iloc[0])
                 / (frame["step"].iloc[-1] - frame["step"].iloc[0]))


def half_life(frame: pd.DataFrame, column: str, start: int, stop: int | None = None) -> float:
    """Time from the deepest point until half the drop is recovered (interpolated).

    In the scenario's time unit; ``start`` and ``stop`` are steps.

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
        return float(later.index[0] - low_step) * _step_length(frame)
    (s0, v0), (s1, v1) = (later.index[k - 1], later.iloc[k - 1]), (later.index[k], later.iloc[k])
    return float(s0 + (target - v0) / (v1 - v0) * (s1 - s0) - low_step) * _step_length(frame)


def lag_profile(frame: pd.DataFrame, leader: str, follower: str, max_lag: int = 10,
                start: int = 0) -> pd.Series:
    """Correlation of ``follower`` at step t with ``leader`` at step t - lag.

    Index: lag from ``-max_lag`` to ``max_lag``. A peak at a positive lag means the
    follower follows; at 0 or a negative lag that it keeps up or runs ahead
    (Stephens et al. 2010 correlated listeners' with the speaker's time series
    the same way). Zero where either series does not vary.
    """
    check_limit("lag", max_lag, where="max_lag")
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
    """The lag at which :func:`lag_profile` peaks, in the scenario's time unit.

    Refined between steps by the parabola through the peak and its two neighbours;
    NaN when there is no coupling at all.
    """
    profile = lag_profile(frame, leader, follower, max_lag, start)
    if not (profile != 0).any():
        return float("nan")
    best = int(profile.idxmax())
    lag = float(best)
    if -max_lag < best < max_lag:
        left, mid, right = profile[best - 1], profile[best], profile[best + 1]
        curve = left - 2 * mid + right
        if curve < 0:
            lag += 0.5 * (left - right) / curve
    return lag * _step_length(frame)


def peak_correlation(frame: pd.DataFrame, leader: str, follower: str, max_lag: int = 10,
                     start: int = 0) -> float:
    """The height of :func:`lag_profile`'s peak: how strongly the follower is coupled."""
    return float(lag_profile(frame, leader, follower, max_lag, start).max())


def mean_between(frame: pd.DataFrame, column: str, start: int = 0, stop: int | None = None) -> float:
    """Mean of ``column`` from ``start`` until ``stop`` (to the end if None; times in a scenario file)."""
    steps = frame["step"]
    mask = (steps >= start) & (True if stop is None else steps < stop)
    return float(frame.loc[mask, column].mean())


def ratio(frame: pd.DataFrame, column: str, of: str, start: int = 0,
          stop: int | None = None) -> float:
    """Mean of ``column`` over the mean of ``of``, from ``start`` until ``stop``.

    How much of one group's shift reaches another (a cascade's attenuation); NaN when
    the denominator is 0.
    """
    below = mean_between(frame, of, start, stop)
    return mean_between(frame, column, start, stop) / below if below else float("nan")


OUTCOMES = {
    "trough": trough,
    "peak": peak,
    "final": final,
    "half_life": half_life,
    "peak_lag": peak_lag,
    "peak_correlation": peak_correlation,
    "mean_between": mean_between,
    "ratio": ratio,
    "wave_laps": states.wave_laps,
    "wave_survives": states.wave_survives,
    "wave_speed": states.wave_speed,
    "wave_direction": states.wave_direction,
    "wave_width": states.wave_mean_width,
}
