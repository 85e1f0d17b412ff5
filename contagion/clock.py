"""Real time: the units a step can be declared in, and conversions between them.

Rates in the parameter registry are per minute (``mirroring``, ``reactivity``,
``regulation``); a model's step ``dt`` is given in a unit of its own (a scenario
says "a step is 1 second"), and the model converts once.

>>> to_minutes(30, "second")
0.5
>>> duration_text(90, "second")
'1.5 minutes'
"""

from __future__ import annotations

import math

__all__ = ["TIME_UNITS", "check_time_step", "duration_text", "half_life_minutes", "to_minutes"]

#: Seconds in one of each unit a step may be declared in.
TIME_UNITS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0,
              "week": 604800.0, "year": 31557600.0}


def check_time_step(dt, time_unit: str) -> tuple[float, str]:
    """Validate a step length and its unit; return them as ``(float, str)``."""
    if not isinstance(time_unit, str) or time_unit not in TIME_UNITS:
        raise ValueError(f"time_unit={time_unit!r} is not known: allowed {', '.join(TIME_UNITS)}")
    if isinstance(dt, bool) or not isinstance(dt, (int, float)) or not math.isfinite(dt) or dt <= 0:
        raise ValueError(f"dt={dt!r} is invalid: allowed finite numbers > 0 ({time_unit}s per step)")
    return float(dt), time_unit


def to_minutes(amount: float, unit: str) -> float:
    """``amount`` of ``unit`` in minutes."""
    return amount * TIME_UNITS[unit] / 60.0


def half_life_minutes(rate_per_minute: float) -> float:
    """Time for a gap to halve at ``rate_per_minute`` (``inf`` for a rate of 0)."""
    return math.log(2.0) / rate_per_minute if rate_per_minute > 0 else math.inf


def duration_text(amount: float, unit: str) -> str:
    """``amount`` of ``unit`` in words, in the largest unit that keeps it >= 1."""
    seconds = amount * TIME_UNITS[unit]
    if math.isinf(seconds):
        return "never"
    name, size = "second", 1.0
    for candidate, candidate_size in TIME_UNITS.items():
        if seconds >= candidate_size:
            name, size = candidate, candidate_size
    value = seconds / size
    return f"{value:.3g} {name}" + ("" if f"{value:.3g}" == "1" else "s")
