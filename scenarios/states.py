"""Measures of discrete states: moods counted, fans standing, and the course of a wave.

Per step (``f(model, **keys) -> float``, registered in :data:`scenarios.measures.MEASURES`):
:func:`mood_share`, :func:`standing`, :func:`wave_position`, :func:`wave_count`,
:func:`wave_width`. Per run (``f(frame, **keys) -> float``, in
:data:`scenarios.measures.OUTCOMES`): :func:`wave_laps`, :func:`wave_survives`,
:func:`wave_speed`, :func:`wave_direction`, :func:`wave_mean_width`, all read from
:func:`wave_course`.

A **wave** is read from the share of the rows standing in each seat column (seats
along the ring, node attribute ``seat``): an arc is a stretch of the ring where that
share, smoothed over a few seats, reaches ``level``; arcs closer than ``gap`` seats
count as one (a ragged wave is still one wave). Its position is the circular
centroid of the columns; its width the number of fans standing per row around the
peak.
"""

from __future__ import annotations

import math

import numpy as np

from contagion.graphs import node_attribute
from contagion.rules import sisa
from contagion.rules.excitable import ACTIVE
from contagion.lazy import lazy

pd = lazy("pandas")

__all__ = ["FATES", "mood_share", "standing", "wave_count", "wave_course", "wave_direction",
           "wave_laps", "wave_mean_width", "wave_position", "wave_speed", "wave_survives",
           "wave_width"]

#: How a wave's run ends: it went round ("lap"), died out, split into several waves
#: ("chaos"), the crowd went off everywhere at once ("flash"), or it was still going
#: at the end, short of a lap ("slow").
FATES = ("lap", "died", "chaos", "flash", "slow")


def _members(model, group):
    if group is None:
        return np.ones(model.n_agents, dtype=bool)
    if group not in model.group_names:
        return np.zeros(model.n_agents, dtype=bool)
    return model.group_codes == model.group_names.index(group)


def mood_share(model, mood: str, group: str | None = None) -> float:
    """Share of the people (of ``group``) in ``mood``: neutral, content or discontent (sisa)."""
    members = _members(model, group)
    code = sisa.STATES.index(mood)
    return float((model.state[members] == code).mean()) if members.any() else float("nan")


def standing(model, group: str | None = None) -> float:
    """Share of the people (of ``group``) who are active, standing up (excitable rule)."""
    members = _members(model, group)
    return float((model.state[members] == ACTIVE).mean()) if members.any() else float("nan")


def _columns(model) -> np.ndarray:
    """Share of the rows standing in each seat column (cached for the current step)."""
    cache = model.__dict__.setdefault("_wave_cache", {})
    if "seat" not in cache:
        seat = node_attribute(model.graph, model.nodes, "seat")
        if seat is None:
            raise ValueError("wave measures need the node attribute 'seat' (seats along a ring)")
        cache["seat"] = seat.astype(np.int64)
        cache["rows"] = np.bincount(cache["seat"])
    if cache.get("step") != model.steps:
        active = model.state == ACTIVE
        cache["columns"] = np.bincount(cache["seat"][active], minlength=len(cache["rows"])) \
            / cache["rows"]
        cache["step"] = model.steps
    return cache["columns"]


def wave_position(model) -> float:
    """Circular centroid of the standing fans' columns, in seats (NaN when nobody stands)."""
    columns = _columns(model)
    if columns.sum() == 0:
        return float("nan")
    seats = len(columns)
    angle = np.angle(np.sum(columns * np.exp(2j * np.pi * np.arange(seats) / seats)))
    return float(angle * seats / (2 * np.pi) % seats)


def wave_count(model, level: float = 0.25, smooth: int = 3, gap: int = 12) -> float:
    """Number of separate arcs of the ring where the smoothed standing share reaches ``level``."""
    columns = _columns(model)
    width = 2 * smooth + 1
    smoothed = sum(np.roll(columns, d) for d in range(-smooth, smooth + 1)) / width
    on = np.flatnonzero(smoothed >= level)
    if on.size == 0:
        return 0.0
    gaps = np.diff(np.append(on, on[0] + len(columns)))
    return float(max(1, np.count_nonzero(gaps > gap)))


def wave_width(model, half: int = 25) -> float:
    """Fans standing per row within ``half`` seats of the peak column: the wave's width in seats."""
    columns = _columns(model)
    if columns.max() == 0:
        return float("nan")
    smoothed = (np.roll(columns, -1) + columns + np.roll(columns, 1)) / 3
    peak = int(np.argmax(smoothed))
    return float(columns[np.arange(peak - half, peak + half + 1) % len(columns)].sum())


def wave_course(frame: pd.DataFrame, seats: int, position: str = "wave_position",
                count: str = "wave_count", share: str = "standing", width: str = "wave_width",
                settle_time: float = 3.0,
                fit_from: float = 4.0, flash: float = 0.25, chaos_time: float = 0.5) -> dict:
    """How the run's wave went: ``fate``, ``laps`` (signed), ``speed``, ``width``.

    The wave travels while there is exactly one arc (its centroid unwrapped from step
    to step). Times are in the table's time unit. Read step by step: more than ``flash`` of the
    crowd standing at once is a flash; after ``settle_time``, no arc is a dead wave and
    two or more arcs for ``chaos_time`` is chaos; one arc that has travelled a full lap
    (the unwrapped centroid) survived a lap. The first of these ends the wave's course
    (a lap does not: the wave runs on). ``speed`` is the slope of the unwrapped position
    against time over the one-wave steps from ``fit_from`` until the course ended (in
    seats per time unit, + clockwise), ``width`` the mean width there (NaN with fewer
    than 10 such steps).
    """
    time = frame["time"].to_numpy(float)
    where = frame[position].to_numpy(float)
    arcs = frame[count].to_numpy(float)
    crowd = frame[share].to_numpy(float)
    step = float(np.median(np.diff(time))) if len(time) > 1 else 1.0
    travelled, previous, several, fate, lapped = 0.0, None, 0.0, None, False
    unwrapped = np.zeros(len(time))
    end = len(time)
    for k in range(len(time)):
        alone = arcs[k] == 1 and math.isfinite(where[k])
        if alone and previous is not None:
            travelled += (where[k] - previous + seats / 2) % seats - seats / 2
        previous = where[k] if alone else None
        unwrapped[k] = travelled
        several = several + step if arcs[k] > 1 else 0.0
        if crowd[k] > flash:
            fate = "flash"
        elif time[k] > settle_time and several >= chaos_time - 1e-9:
            fate = "chaos"
        elif time[k] > settle_time and arcs[k] == 0:
            fate = "died"
        if fate is not None:
            end = k + 1
            break
        lapped = lapped or (abs(travelled) >= seats and arcs[k] == 1)
    fate = "lap" if lapped else fate or "slow"
    fit = (time[:end] >= fit_from) & (arcs[:end] == 1)
    if fit.sum() < 10:
        speed = width = float("nan")
    else:
        speed = float(np.polyfit(time[:end][fit], unwrapped[:end][fit], 1)[0])
        width = (float(np.nanmean(frame[width].to_numpy(float)[:end][fit])) if width in frame
                 else float("nan"))
    return {"fate": fate, "laps": unwrapped[end - 1] / seats if end else 0.0,
            "speed": speed, "width": width}


def wave_laps(frame: pd.DataFrame, seats: int, settle_time: float = 3.0) -> float:
    """Laps the wave travelled before its course ended (+ clockwise); see :func:`wave_course`."""
    return float(wave_course(frame, seats, settle_time=settle_time)["laps"])


def wave_survives(frame: pd.DataFrame, seats: int, settle_time: float = 3.0) -> float:
    """1 if one wave went a full lap before dying, splitting or flashing, else 0."""
    return float(wave_course(frame, seats, settle_time=settle_time)["fate"] == "lap")


def wave_speed(frame: pd.DataFrame, seats: int, metres_per_seat: float = 1.0,
               fit_from: float = 4.0) -> float:
    """The wave's speed (unsigned) per time unit, in seats or, with ``metres_per_seat``, metres."""
    return abs(wave_course(frame, seats, fit_from=fit_from)["speed"]) * metres_per_seat


def wave_direction(frame: pd.DataFrame, seats: int, fit_from: float = 4.0) -> float:
    """+1 if the wave ran clockwise (growing seat numbers), -1 anticlockwise, 0 if none ran."""
    speed = wave_course(frame, seats, fit_from=fit_from)["speed"]
    return float(np.sign(speed)) if math.isfinite(speed) else 0.0


def wave_mean_width(frame: pd.DataFrame, seats: int, metres_per_seat: float = 1.0,
                    fit_from: float = 4.0) -> float:
    """The wave's mean width while it ran alone, in seats (or metres with ``metres_per_seat``)."""
    return wave_course(frame, seats, fit_from=fit_from)["width"] * metres_per_seat
