"""Scenario parameters: the engine's registry plus each scenario's own declarations."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from contagion.clock import check_time_step
from contagion.params import PARAMETERS, Param, check_scalar, default_for
from scenarios.declaration import check_identifier

__all__ = ["KINDS", "STANDARD", "ScenarioParam", "engine_param", "parse_scenario_value",
           "step_param"]

#: Kinds of scenario parameter: numbers, integers, and a match timeline.
KINDS = ("float", "int", "goals")


@dataclass(frozen=True)
class ScenarioParam:
    """A parameter a scenario declares for itself (``leader_mood``, ``goals``, ...).

    ``kind`` is ``"float"``, ``"int"`` or ``"goals"`` (a list of
    ``[step, "home" | "away"]``, or the string ``"random"`` to draw a match from
    the seed). ``low``/``high`` bound numbers and, for goals, the steps.
    """

    name: str
    value: Any
    low: float
    high: float
    description: str
    kind: str = "float"

    def __post_init__(self):
        check_identifier("parameters", self.name, "a parameter name")
        if not isinstance(self.kind, str) or self.kind not in KINDS:
            raise ValueError(f"parameter {self.name}: kind={self.kind!r} is not known: "
                             f"allowed {', '.join(KINDS)}")
        if not isinstance(self.description, str) or not self.description.strip():
            raise ValueError(f"parameter {self.name} needs a description (a string)")
        for key in ("low", "high"):
            bound = getattr(self, key)
            if isinstance(bound, bool) or not isinstance(bound, int | float) or \
                    not math.isfinite(bound):
                raise ValueError(f"parameters.{self.name}.{key}={bound!r} is not a finite number")
        if self.low > self.high:
            raise ValueError(f"parameters.{self.name}: low={self.low!r} is above high={self.high!r}")
        object.__setattr__(self, "value", self.check(self.value))  # normalised, like replace()

    @property
    def range_text(self) -> str:
        """Allowed values as text."""
        bounds = f"[{self.low:g}, {self.high:g}]"
        if self.kind == "goals":
            return f'"random" or a list of [time, "home"|"away"] with time in {bounds}'
        return ("integers in " if self.kind == "int" else "") + bounds

    def check(self, value: Any) -> Any:
        """Validate ``value``; return it normalised (tuples for goals)."""
        if self.kind == "goals":
            return _check_goals(self, value)
        number = check_scalar(_as_param(self), value)
        if self.kind == "int":
            if not float(number).is_integer():
                raise ValueError(f"{self.name}={value!r} is not an integer: allowed {self.range_text}")
            return int(number)
        return number


def _as_param(p: ScenarioParam) -> Param:
    return Param(p.name, p.low, p.high, None, p.description, per_agent=False)


def _check_goals(p: ScenarioParam, value: Any):
    if value == "random":
        return value
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise ValueError(f"{p.name}={value!r} is invalid: allowed {p.range_text}")
    goals = []
    for goal in value:
        if (not hasattr(goal, "__len__") or len(goal) != 2 or isinstance(goal[0], bool)
                or not isinstance(goal[0], (int, float)) or goal[1] not in ("home", "away")
                or not p.low <= goal[0] <= p.high):
            raise ValueError(f"{p.name}: goal {goal!r} is invalid: allowed {p.range_text}")
        time = goal[0]
        goals.append((int(time) if float(time).is_integer() else float(time), str(goal[1])))
    return tuple(goals)


#: Parameters every scenario has besides the engine's.
STANDARD = {
    "heterogeneity": ScenarioParam(
        "heterogeneity", 1.0, 0.0, 3.0,
        "How different people are: multiplies every spread the population declares "
        "(0: everyone at the scenario's values)."),
}


@dataclass(frozen=True)
class _StepParam(ScenarioParam):
    """The step ``dt``: any finite length > 0 in the scenario's time unit (whether the
    rates allow it is checked with the rates, :func:`scenarios.budget.check_values`)."""

    unit: str = "minute"

    def check(self, value: Any) -> Any:
        return check_time_step(value, self.unit)[0]


def step_param(dt: float, time_unit: str) -> ScenarioParam:
    """``dt`` as a parameter: ``--set dt=15``, ``Scenario.replace(dt=15)``, a sweep key."""
    return _StepParam("dt", dt, 0.0, 1e12,
                      f"Length of one step, in {time_unit}s. Every time the scenario declares "
                      "stays where it is when dt changes; only the resolution changes.",
                      unit=time_unit)


def engine_param(name: str, value: Any = None, rule: str = "mirroring") -> ScenarioParam:
    """The engine parameter ``name`` as a ScenarioParam (value None = the rule's default)."""
    p = PARAMETERS[name]
    return _EngineParam(p.name, default_for(name, rule) if value is None else value,
                        p.low, p.high, p.description)


class _EngineParam(ScenarioParam):
    """An engine parameter seen through a scenario; ``None`` means "derived"."""

    def check(self, value: Any) -> Any:
        if value is None and PARAMETERS[self.name].default is None:
            return None
        return check_scalar(PARAMETERS[self.name], value)


def parse_scenario_value(text: str):
    """A ``--set`` value: a number, a JSON list (``[[10, "home"]]``) or a word (``random``)."""
    text = text.strip()
    for parse in (int, float, json.loads):
        try:
            return parse(text)
        except ValueError:
            continue
    return text
