"""Text typed into the dashboard, turned into parameter values (and back).

Validation itself is the parameter registry's: :meth:`ScenarioParam.check`
produces every range message, so the dashboard says exactly what the CLI and
the TOML loader say. This module only reads text the way a person types it.
"""

from __future__ import annotations

import bisect
import math
import re
from typing import Any

from contagion.params import PARAMETERS
from scenarios import Scenario
from scenarios.params import ScenarioParam

__all__ = ["ALWAYS_SHOWN", "control_names", "format_value", "ladder", "parse_seed", "parse_value",
           "signed", "slider_step", "stops", "unit", "url_text"]

#: Engine parameters offered for every scenario, besides those it sets itself.
ALWAYS_SHOWN = ("mirroring", "reactivity", "regulation", "outgroup_sign", "expressiveness", "noise")

_GOAL = re.compile(r"^\s*(\d+)\s+(home|away)\s*$")
#: Units of rates: their sliders are ladders (even steps would skip the small rates).
_RATE = re.compile(r"^per (second|minute|hour|day|week|month|year)\b")


def control_names(scenario: Scenario) -> list[str]:
    """Parameters with a control: the scenario's own, then engine ones it sets or that matter."""
    engine = [name for name in PARAMETERS
              if name in scenario.parameters or name in ALWAYS_SHOWN]
    return [*scenario.declared, *engine]


def format_value(param: ScenarioParam, value: Any) -> str:
    """The text shown in a parameter's field."""
    if value is None:
        return ""
    if param.kind == "goals":
        return value if value == "random" else ", ".join(f"{step} {side}" for step, side in value)
    if param.kind == "int":
        return str(int(value))
    value = float(value)
    for digits in range(4, 18):  # 4 significant digits, more where the value has them
        text = f"{value:.{digits}g}"
        if float(text) == value:
            return text
    return repr(value)


def parse_value(param: ScenarioParam, text: str) -> Any:
    """Read ``text`` typed for ``param`` and validate it; ValueError with one line if bad."""
    text = str(text).strip()
    if param.kind == "goals":
        return param.check(_goals(param, text))
    try:
        number: Any = int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            number = text  # the registry names the parameter and the allowed range
    return param.check(number)


def _goals(param: ScenarioParam, text: str):
    if text == "random":
        return text
    goals = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = _GOAL.match(part)
        if not match:
            raise ValueError(f"{param.name}={text!r} is invalid: write goals as step and side, "
                             f"e.g. 15 home, 45 away; or random")
        goals.append((int(match[1]), match[2]))
    return goals


def unit(name: str) -> str:
    """The registry's unit of parameter ``name`` ("per minute", ...); "" for the scenario's own."""
    return PARAMETERS[name].unit if name in PARAMETERS else ""


def parse_seed(text: str) -> int:
    """A seed typed by hand: a whole number >= 0."""
    text = str(text).strip()
    if not text.isdigit() or int(text) >= 2**63:
        raise ValueError(f"seed={text!r} is not a whole number: allowed 0, 1, 2, ... "
                         f"(digits only, e.g. 42)")
    return int(text)


def slider_step(param: ScenarioParam) -> float | None:
    """Step of a linear slider for ``param``; None where a ladder serves better (:func:`ladder`).

    Whole numbers over up to 500 values get steps of 1; numbers over a span of
    up to 100 get round steps of about a hundredth of it, or the next finer round
    step where that is what puts the scenario's value on a step (``side_bias``
    0.17 on -1..1: steps of 0.01). Rates (per second, minute, year, ...: 0.002 or
    0.02 matter as much as 5) and numbers whose value no such step holds
    (``threshold`` 0.2 on 0..100) get a ladder.
    """
    if param.kind == "goals" or param.value is None:
        return None
    if _RATE.match(unit(param.name)):
        return None
    span = param.high - param.low
    if param.kind == "int":
        return 1 if span <= 500 else None
    if span > 100 or span <= 0:
        return None
    step = _nice(span / 100)
    for candidate in (step, _finer(step)):
        if _on_step(param.value, param.low, candidate):
            return candidate
    return None


def ladder(param: ScenarioParam) -> list | None:
    """Slider positions for a wide range (10 .. 100,000): 1, 1.5, 2, 3, 4, 5, 6, 8 per decade.

    Includes both ends and the current value, so every parameter with a range
    has a slider; the field beside it takes any value in between. From 0, the
    ladder starts three decades below the top, or at the value's decade if that
    is lower (a rate of 0.002 on 0..1: from 0.001). None for parameters without a
    numeric range (goals), without a value, or with even steps (:func:`slider_step`).
    """
    if param.kind == "goals" or param.value is None or slider_step(param) is not None:
        return None
    low, high = float(param.low), float(param.high)
    values = {low, high, float(param.value)}
    # from 0: start three decades below the top (a rate of 30 per minute: from 0.01)
    start = (math.floor(math.log10(abs(low))) if low else
             math.floor(math.log10(max(abs(high), 1e-9))) - 3)
    if not low and param.value:
        start = min(start, math.floor(math.log10(abs(float(param.value)))))
    for power in range(start, math.ceil(math.log10(max(abs(high), 1e-9))) + 1):
        for mantissa in (1, 1.5, 2, 3, 4, 5, 6, 8):
            for value in (float(f"{mantissa}e{power}"), -float(f"{mantissa}e{power}")):
                if low < value < high:
                    values.add(value)
    if param.kind == "int":
        return sorted({int(round(v)) for v in values})
    return sorted(values)


def stops(param: ScenarioParam, value: Any = None) -> list | None:
    """Every value a slider for ``param`` can stop at, in order; ``value`` is one of them.

    The even steps of :func:`slider_step` or the :func:`ladder`, with the scenario's
    value and ``value`` (the one the slider opened with) exactly as they are: a slider
    is moved over the positions of this list, so the values themselves are never
    rounded to a step. None for parameters without a slider (goals).
    """
    step = slider_step(param)
    if step is not None:
        count = int(round((param.high - param.low) / step))
        if param.kind == "int":
            found = [int(param.low) + i * int(step) for i in range(count + 1)]
        else:
            found = [round(param.low + i * step, 12) for i in range(count + 1)]
    else:
        found = ladder(param)
        if found is None:
            return None
    for exact in (param.value, value):
        if exact is None or exact in found or not param.low <= exact <= param.high:
            continue
        at = bisect.bisect_left(found, exact)
        near = [i for i in (at - 1, at) if 0 <= i < len(found)
                and abs(found[i] - exact) <= 1e-9 * (param.high - param.low)]
        if near:
            found[near[0]] = exact  # a step that float arithmetic put a hair off
        else:
            found.insert(at, exact)
    return found


def signed(value: float, digits: int = 2) -> str:
    """A readout: ``+0.41``, ``-0.41``, and ``0.00`` where it rounds to zero (never ``-0.00``)."""
    if value != value:
        return "n/a"
    rounded = round(float(value), digits)
    return f"{0.0:.{digits}f}" if rounded == 0 else f"{rounded:+.{digits}f}"


def url_text(param: ScenarioParam, value: Any) -> str:
    """``value`` as text that :func:`parse_value` reads back exactly (for the page address)."""
    if param.kind == "goals" or param.kind == "int" or value is None:
        return format_value(param, value)
    return repr(float(value))


def _nice(x: float) -> float:
    """The largest of 1, 2, 5 times a power of ten that is <= x."""
    power = 10.0 ** math.floor(math.log10(x))
    return max(m * power for m in (1, 2, 5) if m * power <= x * (1 + 1e-9))


def _finer(step: float) -> float:
    """The next round step below ``step`` (1, 2, 5 times a power of ten): 1 -> 0.5, 0.02 -> 0.01."""
    exponent = math.floor(math.log10(step) + 1e-9)
    mantissa, exponent = {1: (5, exponent - 1), 2: (1, exponent), 5: (2, exponent)}[
        round(step / 10.0 ** exponent)]
    return float(f"{mantissa}e{exponent}")


def _on_step(value: float, low: float, step: float) -> bool:
    """Whether ``value`` is ``low`` plus a whole number of ``step`` (up to float rounding)."""
    k = (float(value) - float(low)) / step
    return abs(k - round(k)) < 1e-6
