"""Observed data for fitting: tidy tables with the simulator's column names, checked.

Two kinds of table, told apart by an ``agent`` column:

- **group** time series: ``step`` (or ``time``, in the scenario's time unit) and metric
  columns that the scenario's runs report (``member_valence``, ``home_arousal``,
  ``valence_sd``, ...): one row per observed step;
- **panel** (individual level): ``agent`` (a node id of the network), ``step`` (or
  ``time``), and ``valence`` and/or ``arousal``: one row per agent and observed step,
  every agent at the same steps.

Steps need not be consecutive (observing every fifth minute is fine). Anything else
is refused with one line that names the file, the column, the allowed range and, for
a bad value, the row (rows count from 1 after the header). Sizes are bounded before
anything large is allocated: rows per table (limit ``fit_rows``, counted while
reading), steps (limit ``steps``; a step of 1e300 or a number wider than a float is
refused, not cast), and a panel must hold every agent at every observed step, so its
array is never larger than its rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from contagion.params import LIMITS

__all__ = ["Observed", "PANEL_VALUES", "read_data", "value_range"]

PANEL_VALUES = ("valence", "arousal")
TIME_COLUMNS = ("step", "time")


@dataclass(frozen=True, eq=False)
class Observed:
    """One data table as arrays: what was observed, and at which steps.

    ``values`` has shape (steps, metrics) for a group table and (variables, steps,
    agents) for a panel. Simulations are summarised through the same layout
    (:meth:`like`), so observed and simulated data pass through the same code.
    """

    kind: str
    source: str
    steps: np.ndarray
    names: tuple[str, ...]
    values: np.ndarray
    agents: tuple = ()

    def like(self, values: np.ndarray) -> Observed:
        """The same layout with other values (a simulation of this table)."""
        return replace(self, source="simulated", values=np.asarray(values, dtype=float))

    def table(self) -> pd.DataFrame:
        """Back to a tidy table (``step`` first)."""
        if self.kind == "group":
            return pd.DataFrame({"step": self.steps, **dict(zip(self.names, self.values.T))})
        frames = []
        for k, agent in enumerate(self.agents):
            frames.append(pd.DataFrame({"agent": agent, "step": self.steps,
                                        **{n: self.values[j, :, k] for j, n in enumerate(self.names)}}))
        return pd.concat(frames, ignore_index=True)


def value_range(column: str) -> tuple[float, float]:
    """The range a column's values must lie in, by its name."""
    if column.endswith("_sd"):
        return 0.0, 1.0
    if "valence" in column and "fraction" not in column:
        return -1.0, 1.0
    if "arousal" in column or "fraction" in column or "share" in column:
        return 0.0, 1.0
    return -math.inf, math.inf


def _read(source) -> tuple[pd.DataFrame, str]:
    if isinstance(source, Observed):
        return source.table(), source.source
    if isinstance(source, pd.DataFrame):
        return source.reset_index(drop=True), "data"
    path = Path(source)
    name = str(path)
    if not path.is_file():
        raise ValueError(f"data file {name!r} cannot be read: no such file")
    suffix = path.suffix.lower()
    most = LIMITS["fit_rows"].maximum
    try:
        if suffix == ".csv":
            return _bounded_rows(pd.read_csv(path, nrows=most + 1), name), name
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            _bounded_rows(range(pq.ParquetFile(path).metadata.num_rows), name)
            return pd.read_parquet(path), name
    except ValueError as exc:
        if "limit 'fit_rows'" in str(exc):
            raise
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ValueError(f"data file {name!r} is malformed: {first}") from None
    except Exception as exc:  # noqa: BLE001 - every reader error is reported alike
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ValueError(f"data file {name!r} is malformed: {first}") from None
    raise ValueError(f"data file {name!r} has an unknown suffix: allowed .csv, .parquet")


def _float(value) -> float:
    """``value`` as a float; NaN where it is not a number or wider than a float."""
    try:
        return float(value)
    except (OverflowError, TypeError, ValueError):
        return math.nan


def _bounded_rows(rows, where: str):
    """``rows`` if there are at most ``fit_rows`` of them (else a one-line error)."""
    limit = LIMITS["fit_rows"]
    if len(rows) > limit.maximum:
        raise ValueError(f"{where}: the table has more than {limit.maximum:,} rows (limit "
                         f"'fit_rows', docs/limits.md): aggregate it or observe fewer steps")
    return rows


def _cells(frame: pd.DataFrame, column: str, where: str, allowed: str) -> np.ndarray:
    """A numeric column; a one-line error naming the first bad row and what is allowed."""
    with np.errstate(over="ignore", invalid="ignore"):
        try:
            numbers = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        except (OverflowError, TypeError, ValueError):  # integers wider than a float
            numbers = np.array([_float(v) for v in frame[column]], dtype=float)
    bad = np.flatnonzero(~np.isfinite(numbers))
    if len(bad):
        i = int(bad[0])
        raw = frame[column].iloc[i]
        shown = str(raw) if len(str(raw)) <= 40 else str(raw)[:37] + "..."
        what = "is missing (NaN)" if pd.isna(raw) else f"= {shown!r} is not a finite number"
        raise ValueError(f"{where} row {i + 1}, column {column!r}: the value {what}: "
                         f"allowed {allowed}")
    return numbers


def _steps(frame: pd.DataFrame, scenario, where: str) -> np.ndarray:
    present = [c for c in TIME_COLUMNS if c in frame]
    if not present:
        raise ValueError(f"{where}: no 'step' or 'time' column: say when each row was observed")
    most = LIMITS["steps"].maximum
    step_range = f"integers 0 to {most:,} (limit 'steps')"
    time_range = (f"multiples of {scenario.dt:g} from 0 to {most * scenario.dt:g} "
                  f"({scenario.time_unit}s; limit 'steps')")
    if "step" in frame:
        steps = _cells(frame, "step", where, step_range)
        bad = np.flatnonzero((steps < 0) | (steps > most) | (steps != np.round(steps)))
        if len(bad):
            raise ValueError(f"{where} row {bad[0] + 1}, column 'step': {steps[bad[0]]:g} is not "
                             f"a step: allowed {step_range}")
    times = _cells(frame, "time", where, time_range) if "time" in frame else None
    if "step" not in frame:
        with np.errstate(over="ignore", invalid="ignore"):
            steps = np.round(times / scenario.dt)
            off = np.abs(times / scenario.dt - steps)
        bad = np.flatnonzero(~(off <= 1e-6) | (steps < 0) | (steps > most))
        if len(bad):
            raise ValueError(f"{where} row {bad[0] + 1}, column 'time': {times[bad[0]]:g} is not "
                             f"a step of scenario {scenario.name}: allowed {time_range}")
    elif times is not None:
        bad = np.flatnonzero(np.abs(times - steps * scenario.dt) > 1e-6 * max(1.0, scenario.dt))
        if len(bad):
            raise ValueError(f"{where} row {bad[0] + 1}, column 'time': {times[bad[0]]:g} does "
                             f"not match step {steps[bad[0]]:g} (time = step x {scenario.dt:g})")
    return steps.astype(np.int64)


def _checked_values(frame: pd.DataFrame, columns, where: str) -> np.ndarray:
    out = []
    for column in columns:
        low, high = value_range(column)
        cells = _cells(frame, column, where, f"[{low:g}, {high:g}]")
        bad = np.flatnonzero((cells < low) | (cells > high))
        if len(bad):
            raise ValueError(f"{where} row {bad[0] + 1}, column {column!r}: {cells[bad[0]]:g} is "
                             f"out of range: allowed [{low:g}, {high:g}]")
        out.append(cells)
    return np.column_stack(out) if out else np.zeros((len(frame), 0))


def _group(frame: pd.DataFrame, scenario, metrics, where: str) -> Observed:
    columns = [c for c in frame.columns if c not in TIME_COLUMNS]
    for column in columns:
        if column not in metrics:
            raise ValueError(f"{where}: column {column!r} is not a metric of scenario "
                             f"{scenario.name} (nor agent, step, time); its metrics: "
                             + ", ".join(metrics))
    if not columns:
        raise ValueError(f"{where}: no metric columns besides step/time")
    steps = _steps(frame, scenario, where)
    values = _checked_values(frame, columns, where)
    order = np.argsort(steps, kind="stable")
    seen = pd.Series(steps).duplicated()
    if seen.any():
        i = int(np.flatnonzero(seen)[0])
        raise ValueError(f"{where} row {i + 1}, column 'step': step {steps[i]} appears twice")
    return Observed("group", where, steps[order], tuple(columns), values[order])


def _panel(frame: pd.DataFrame, scenario, where: str) -> Observed:
    allowed = {"agent", *TIME_COLUMNS, *PANEL_VALUES}
    for column in frame.columns:
        if column not in allowed:
            raise ValueError(f"{where}: column {column!r} is not allowed in an individual panel: "
                             "allowed agent, step or time, valence, arousal")
    names = tuple(n for n in PANEL_VALUES if n in frame)
    if not names:
        raise ValueError(f"{where}: a panel needs a 'valence' or 'arousal' column")
    missing = frame["agent"].isna().to_numpy()
    if missing.any():
        raise ValueError(f"{where} row {int(np.flatnonzero(missing)[0]) + 1}, column 'agent': "
                         "the agent is missing")
    steps = _steps(frame, scenario, where)
    values = _checked_values(frame, names, where)
    agents = np.array([_plain(a) for a in frame["agent"]], dtype=object)
    keys = pd.DataFrame({"agent": agents, "step": steps})
    twice = keys.duplicated().to_numpy()
    if twice.any():
        i = int(np.flatnonzero(twice)[0])
        raise ValueError(f"{where} row {i + 1}: agent {agents[i]!r} at step {steps[i]} appears twice")
    all_steps, all_agents = np.unique(steps), list(dict.fromkeys(agents))
    if len(all_steps) < 2:
        raise ValueError(f"{where}: a panel needs at least two observed steps")
    if len(all_steps) * len(all_agents) > len(frame):  # a hole: found without the array
        have = set(zip(agents.tolist(), steps.tolist()))
        for agent in all_agents:
            for step in all_steps.tolist():
                if (agent, step) not in have:
                    raise ValueError(f"{where}, column 'step': agent {agent!r} has no row for "
                                     f"step {step} (every agent needs a row at every observed "
                                     "step)")
    cube = np.full((len(names), len(all_steps), len(all_agents)), np.nan)
    step_at = {int(s): i for i, s in enumerate(all_steps)}
    agent_at = {a: i for i, a in enumerate(all_agents)}
    rows = [step_at[int(s)] for s in steps], [agent_at[a] for a in agents]
    cube[:, rows[0], rows[1]] = values.T
    holes = np.argwhere(np.isnan(cube[0]))
    if len(holes):
        s, a = holes[0]
        raise ValueError(f"{where}, column 'step': agent {all_agents[a]!r} has no row for step "
                         f"{all_steps[s]} (every agent needs a row at every observed step)")
    return Observed("panel", where, all_steps.astype(np.int64), names, cube, tuple(all_agents))


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def read_data(source, scenario, metrics) -> Observed:
    """Read and check one data table (a path to CSV/Parquet, or a DataFrame).

    ``metrics`` are the per-step columns the scenario's runs report: the columns a
    group table may have.
    """
    frame, where = _read(source)
    _bounded_rows(frame, where)
    if frame.empty:
        raise ValueError(f"{where}: the table has no rows")
    frame.columns = [str(c).strip() for c in frame.columns]
    if "agent" in frame:
        return _panel(frame, scenario, where)
    return _group(frame, scenario, metrics, where)
