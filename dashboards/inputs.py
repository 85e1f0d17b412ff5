"""Text typed into the dashboard, turned into parameter values (and back).

Validation itself is the parameter registry's: :meth:`ScenarioParam.check`
produces every range message, so the dashboard says exactly what the CLI and
the TOML loader say. This module only reads text the way a person types it.
"""

from __future__ import annotations

import math
import re
from typing import Any

from contagion.params import PARAMETERS
from scenarios import Scenario
from scenarios.params import ScenarioParam

__all__ = ["ALWAYS_SHOWN", "control_names", "format_value", "parse_seed", "parse_value",
           "slider_step"]

#: Engine parameters offered for every scenario, besides those it sets itself.
ALWAYS_SHOWN = ("mirroring", "regulation", "outgroup_sign", "expressiveness", "noise")

_GOAL = re.compile(r"^\s*(\d+)\s+(home|away)\s*$")


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
    return f"{float(value):.4g}"


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


def parse_seed(text: str) -> int:
    """A seed typed by hand: a whole number >= 0."""
    text = str(text).strip()
    if not text.isdigit() or int(text) >= 2**63:
        raise ValueError(f"seed={text!r} is not a whole number: allowed 0, 1, 2, ... "
                         f"(digits only, e.g. 42)")
    return int(text)


def slider_step(param: ScenarioParam) -> float | None:
    """Step of the slider for ``param``; None where a slider makes no sense (type it)."""
    if param.kind == "goals" or param.value is None:
        return None
    span = param.high - param.low
    if param.kind == "int":
        return 1 if span <= 200 else None
    if span > 100 or span <= 0:
        return None
    return _nice(span / 100)


def _nice(x: float) -> float:
    """The largest of 1, 2, 5 times a power of ten that is <= x."""
    power = 10.0 ** math.floor(math.log10(x))
    return max(m * power for m in (1, 2, 5) if m * power <= x * (1 + 1e-9))
