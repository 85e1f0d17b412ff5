"""Short, readable summaries of a run for the command line."""

from __future__ import annotations

import pandas as pd

from contagion.metrics import settle_step

__all__ = ["summary"]

_ROWS = [
    ("valence", "mood (valence, mean)"),
    ("valence_sd", "spread of mood (sd)"),
    ("arousal", "arousal (mean)"),
    ("fraction_positive", "share in a good mood"),
]


def _label(column: str) -> str:
    """``home_valence`` -> ``home: mood (valence, mean)``; other columns: spaces for _."""
    for suffix, label in (("_valence", "mood (valence, mean)"), ("_arousal", "arousal (mean)")):
        if column.endswith(suffix) and column != suffix[1:]:
            return f"{column.removesuffix(suffix).replace('_', ' ')}: {label}"
    return column.replace("_", " ")


def summary(frame: pd.DataFrame, groups: list[str] = (), extra: list[str] = ()) -> str:
    """Start vs end of the main metrics, per group where there are groups, and time to settle."""
    start, end = frame.iloc[0], frame.iloc[-1]
    rows = [(label, column) for column, label in _ROWS]
    rows += [(f"{g}: mood (valence, mean)", f"{g}_valence") for g in groups
             if f"{g}_valence" not in extra]
    rows += [(_label(column), column) for column in extra if column in frame]
    width = max(len(label) for label, _ in rows)
    lines = [f"{'':<{width}}  {'start':>8}  {'end':>8}   (step {int(start['step'])} -> "
             f"{int(end['step'])})"]
    for label, column in rows:
        lines.append(f"{label:<{width}}  {start[column]:>8.3f}  {end[column]:>8.3f}")
    settled = settle_step(frame["step"], frame["change"])
    if settled is None:
        lines.append("still changing at the last step (mean change per step >= 0.001)")
    else:
        lines.append(f"settled by step {settled} (mean change per step < 0.001 from then on)")
    return "\n".join(lines)
