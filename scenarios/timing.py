"""Real time in a scenario: every time it declares becomes a step only when a run is built.

A scenario declares times in its ``time_unit`` (seconds, minutes, years): when a
stimulus starts and stops, when a goal falls, how long the run lasts, the window an
outcome averages over, how often people choose. The engine counts steps. This module
is the one place that turns the first into the second, for a step of length ``dt``,
so that changing only ``dt`` (``--set dt=...``, ``Scenario.replace(dt=...)``) keeps
every dose and window where it was.

Conventions (``k`` a step; state ``k`` is the state at time ``k * dt``; the update
that produces state ``k`` covers the time from ``(k - 1) * dt`` to ``k * dt``):

- a time ``t`` is the step ``round(t / dt)`` (halves round up): :func:`step_at`;
- a stimulus acting from ``start`` until ``stop`` acts in the updates that produce
  states ``step_at(start) + 1`` .. ``step_at(stop)``: its dose is ``stop - start``
  whenever both are multiples of ``dt``, and within ``dt`` of it otherwise;
- a pin holding from ``start`` until ``stop`` holds states ``step_at(start)`` ..
  ``step_at(stop) - 1``;
- an outcome window from ``start`` until ``stop`` takes the rows whose time is in
  ``[start, stop)``, i.e. steps ``step_at(start)`` .. ``step_at(stop) - 1``;
- a shock at ``at`` hits state ``max(1, step_at(at))``;
- choices made every ``every`` time units are made at the steps that are multiples of
  ``every / dt``, which must be a whole number.

A step too long to resolve something the scenario declares (a stimulus shorter than
half a step vanishes, a window of no row, choices every 1 minute with 45-second
steps) is refused with one line naming the key, its time and the step.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from contagion.params import check_limit

__all__ = ["EVENT_TIMES", "OUTCOME_TIMES", "choice_every", "event_in_steps", "goal_steps",
           "outcome_in_steps", "run_steps", "step_at"]

#: The keys of each event type that are times (in the scenario's time unit). A
#: match's goal times (the first item of each ``[time, side]``) are times too.
EVENT_TIMES = {
    "stimulus": ("start", "stop"),
    "shock": ("at",),
    "pin": ("start", "stop"),
    "goals": ("match_length", "duration"),
    "story": ("start", "length", "resolution"),
    "tour": ("start", "room_time"),
}
#: The keys of an outcome that are times (windows and lags).
OUTCOME_TIMES = ("start", "stop", "max_lag")

_EXACT = 1e-9  # relative slack before a time counts as a whole number of steps


def step_at(time: float, dt: float, where: str = "time", limits=None) -> int:
    """The step of ``time``: ``round(time / dt)``, halves up, checked against the step
    limit of ``limits`` (default :data:`contagion.params.LIMITS`)."""
    try:
        ratio = float(time) / float(dt)
    except (OverflowError, TypeError, ValueError):
        ratio = math.nan
    if not math.isfinite(ratio):
        raise ValueError(f"{where}={time!r} is invalid with dt={dt:g}: allowed finite times")
    step = math.floor(ratio + 0.5 + _EXACT)
    check_limit("steps", max(step, 0), limits, f"{where}={_shown(time)} at dt={dt:g}: steps")
    return step


def _shown(time) -> str:
    """``90`` for 90.0, ``1e+300`` stays as repr: times as a reader wrote them."""
    value = float(time)
    return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(time)


def run_steps(duration: float, dt: float) -> int:
    """Steps of a run lasting ``duration``; at least one."""
    steps = step_at(duration, dt, "duration")
    if steps < 1:
        raise ValueError(f"duration={duration:g} is shorter than half a step (dt={dt:g}): "
                         "allowed durations of at least one step")
    return steps


def _window(spec, where: str, dt: float, start_default: float, after: int, limits=None):
    """``(first, stop)`` steps of a window, refusing one that holds no step."""
    start = spec.get("start", start_default)
    first = step_at(start, dt, f"{where}.start", limits) + after
    stop = spec.get("stop")
    if stop is None:
        return first, None
    end = step_at(stop, dt, f"{where}.stop", limits) + after
    if end <= first:
        raise ValueError(f"{where}: from {start:g} to {stop:g} holds no step of dt={dt:g}: "
                         f"allowed dt <= {2 * (stop - start):g}")
    return first, end


def event_in_steps(spec: Mapping[str, Any], dt: float, where: str, now: int = 0,
                   limits=None) -> dict:
    """An event table with its times turned into steps (``now``: the step it starts from).

    The result is what :data:`scenarios.recipes.EVENTS` read: ``start``/``stop`` steps
    for stimuli and pins, ``step`` for a shock, goals as ``[first, stop, side]``, and
    ``dt`` for the events that draw or sample in time (a random match, a story).
    """
    kind = spec["type"]
    out = {k: v for k, v in spec.items() if k not in EVENT_TIMES.get(kind, ())}
    if kind in ("stimulus", "pin"):
        first, stop = _window(spec, where, dt, 0.0, 1 if kind == "stimulus" else 0, limits)
        out["start"], out["stop"] = first + now, None if stop is None else stop + now
    elif kind == "shock":
        out["step"] = max(1, step_at(spec.get("at", dt), dt, f"{where}.at", limits)) + now
    elif kind == "goals":
        duration = float(spec["duration"])
        out["duration"], out["dt"], out["now"] = duration, dt, now
        out["match_length"] = float(spec.get("match_length", 90 * dt))
        step_at(out["match_length"], dt, f"{where}.match_length", limits)
        if spec["goals"] != "random":
            out["goals"] = [goal_steps(time, side, duration, dt, f"{where}.goals[{i}]", now,
                                       limits)
                            for i, (time, side) in enumerate(spec["goals"])]
    elif kind == "story":
        out["start"] = step_at(spec.get("start", 0.0), dt, f"{where}.start", limits) + now
        out["length"], out["dt"] = float(spec.get("length", 200 * dt)), dt
        out["resolution"] = float(spec.get("resolution", 1.0))
        step_at(out["length"], dt, f"{where}.length", limits)
        step_at(out["length"], out["resolution"], f"{where}.length (points of the story)",
                limits)
    elif kind == "tour":
        out["start"] = step_at(spec.get("start", 0.0), dt, f"{where}.start", limits) + 1 + now
        stay = step_at(spec["room_time"], dt, f"{where}.room_time", limits)
        if stay < 1:
            raise ValueError(f"{where}.room_time={spec['room_time']:g} is shorter than half a "
                             f"step (dt={dt:g}): allowed dt <= {2 * spec['room_time']:g}")
        out["room_steps"] = stay
    return out


def goal_steps(time, side, duration: float, dt: float, where: str, now: int = 0,
               limits=None) -> list:
    """``[first, stop, side]``: the updates in which a goal at ``time`` lasting ``duration`` acts."""
    first, stop = _window({"start": time, "stop": time + duration}, where, dt, 0.0, 1, limits)
    return [first + now, stop + now, side]


def outcome_in_steps(spec: Mapping[str, Any], dt: float, where: str, limits=None) -> dict:
    """An outcome table with its window and lag turned into steps."""
    out = dict(spec)
    if "max_lag" in spec:  # the lag limit first: it is the tighter one
        lag = math.floor(float(spec["max_lag"]) / dt + 0.5 + _EXACT)
        if lag < 1:
            raise ValueError(f"{where}.max_lag={spec['max_lag']:g} is shorter than half a step "
                             f"(dt={dt:g}): allowed dt <= {2 * spec['max_lag']:g}")
        check_limit("lag", lag, limits, f"{where}.max_lag={_shown(spec['max_lag'])} at "
                    f"dt={dt:g}: steps")
    for key in OUTCOME_TIMES:
        if key in spec and spec[key] is not None:
            out[key] = step_at(spec[key], dt, f"{where}.{key}", limits)
    if out.get("stop") is not None and out["stop"] <= out.get("start", 0):
        raise ValueError(f"{where}: from {spec.get('start', 0):g} to {spec['stop']:g} holds no "
                         f"row at dt={dt:g}")
    return out


def choice_every(every, dt: float, where: str) -> int:
    """Steps between two choices made every ``every`` time units (a whole number)."""
    if every is None:
        return 1
    ratio = float(every) / dt
    steps = round(ratio)
    if steps < 1 or abs(ratio - steps) > 1e-6 * max(1.0, ratio):
        raise ValueError(f"{where}.every={every:g} is not a whole number of steps of dt={dt:g}: "
                         f"allowed dt = {every:g} / n for a whole n")
    return steps
