"""Every name a scenario refers to, resolved against what the scenario defines.

A metric reads a group, a variable, a trait or a choice; an outcome reads columns of the
per-step table; an event or a profile names a group; ``key_metrics`` name columns. Each
of these is checked at load against what the scenario can produce (the recipe's groups
and the profiles' groups, the standard columns, the per-group columns, the choice
columns and the declared metrics), so that ``contagion show`` refuses what ``run``
would fail on. The keyword arguments of every measure and outcome have a declared kind
(:data:`ARGUMENT_KINDS`), and a measure may read only the whitelisted model attributes
(:data:`scenarios.measures.VARIABLES`) and traits.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping

from contagion.metrics import standard_reporters
from contagion.params import PARAMETERS, check_limit
from scenarios import measures
from scenarios.declaration import check_identifier, is_reference
from scenarios.shapes import possible_groups

__all__ = ["ARGUMENT_KINDS", "TRAITS", "check_arguments", "check_references", "columns",
           "groups"]

#: Traits a measure may read (``model.traits[...]``): the per-agent engine parameters.
TRAITS = tuple(name for name, p in PARAMETERS.items() if p.per_agent)
#: The kind of every keyword argument of a measure or an outcome.
ARGUMENT_KINDS = {
    "column": "column", "leader": "column", "follower": "column", "of": "column",
    "group": "group", "other": "group", "of_group": "group",
    "variable": "variable", "trait": "trait", "choice": "choice", "option": "option",
    "start": "time", "stop": "time", "max_lag": "lag",
    "low": "number", "high": "number", "contacts": "bool",
    "attribute": "attribute", "mood": "mood",
    "seats": "number", "metres_per_seat": "number", "settle_time": "number",
    "fit_from": "number", "level": "number", "smooth": "number", "gap": "number",
    "half": "number",
}
#: The moods a measure may count (the sisa rule's states).
MOODS = ("neutral", "content", "discontent")
#: Kinds whose value must be written out: a ``$param`` holds a number, never a name.
_NAMES = {"column", "group", "variable", "trait", "choice", "option", "bool", "attribute",
          "mood"}
_OVERALL = ("step", "time", *standard_reporters([]))


def groups(scenario) -> set[str]:
    """Every group the scenario can have: the recipe's and those its profiles create."""
    made = {p["group"] for p in scenario.profiles if isinstance(p.get("group"), str)}
    return possible_groups(scenario.network) | made


def _group_columns(group: str) -> set[str]:
    return set(standard_reporters([group])) - set(_OVERALL)


def choice_columns(scenario) -> set[str]:
    """``<choice>_<option>``: the share choosing each option."""
    return {f"{name}_{option}" for name, spec in scenario.choices.items() for option in spec
            if option != "who"}


def columns(scenario) -> set[str]:
    """Every column the per-step table of a run of ``scenario`` can have."""
    out = set(_OVERALL) | choice_columns(scenario) | set(scenario.metrics)
    for group in groups(scenario):
        out |= _group_columns(group)
    return out


def _where_known(where: str, value, known, what: str) -> ValueError:
    shown = ", ".join(sorted(known)) or "(none)"
    if len(shown) > 300:
        shown = shown[:297] + "..."
    return ValueError(f"{where}={value!r} is not {what}: allowed {shown}")


def _check_number(where: str, value, low: float, high: float, integer: bool) -> None:
    kind = "an integer" if integer else "a number"
    if isinstance(value, bool) or not isinstance(value, int | float) or (
            integer and not (math.isfinite(value) and float(value).is_integer())):
        raise ValueError(f"{where}={value!r} is not {kind}")
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(f"{where}={value!r} is out of range: allowed [{low:g}, {high:g}]")


def _check_argument(where: str, kind: str, value, spec: Mapping, scenario, limits) -> None:
    if is_reference(value):
        if kind in _NAMES:
            raise ValueError(f"{where}={value!r}: a {kind} must be written out, not taken "
                             "from a parameter")
        return  # checked with the parameter's value when the model is built
    if kind == "column":
        if not isinstance(value, str) or value not in columns(scenario):
            raise _where_known(where, value, columns(scenario), "a column of this scenario")
    elif kind == "group":
        if value not in groups(scenario):
            raise _where_known(where, value, groups(scenario), "a group of this scenario")
    elif kind == "variable":
        if value not in measures.VARIABLES:
            raise _where_known(where, value, measures.VARIABLES, "a variable a measure may read")
    elif kind == "trait":
        if value not in TRAITS:
            raise _where_known(where, value, TRAITS, "a trait")
    elif kind == "choice":
        if value not in scenario.choices:
            raise _where_known(where, value, scenario.choices, "a choice of this scenario")
    elif kind == "option":
        options = [o for o in scenario.choices.get(spec.get("choice"), {})
                   if o not in ("who", "every")]
        if value not in options:
            raise _where_known(where, value, options, "an option of that choice")
    elif kind == "attribute":
        check_identifier(where, value, "a node attribute name")
    elif kind == "mood":
        if value not in MOODS:
            raise _where_known(where, value, MOODS, "a mood")
    elif kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{where}={value!r} is not true or false")
    elif kind == "time":  # in the scenario's time unit; in steps checked by scenarios.timing
        _check_number(where, value, 0, math.inf, False)
    elif kind == "lag":
        if not (isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0):
            raise ValueError(f"{where}={value!r} is invalid: allowed times > 0")
        _check_number(where, value, 0, math.inf, False)
    else:
        _check_number(where, value, -math.inf, math.inf, False)


def check_arguments(where: str, spec: Mapping, function, skip: str, scenario,
                    limits=None) -> None:
    """The keys of a metric or outcome table: known, complete, each of the right kind."""
    signature = inspect.signature(function).parameters
    accepted = set(signature) - {skip}
    for key in spec:
        if key not in accepted and key not in ("measure", "outcome"):
            raise ValueError(f"{where}: unknown key {key!r}; valid keys: "
                             f"{', '.join(sorted(accepted))}")
    for name, p in signature.items():
        if name != skip and p.default is inspect.Parameter.empty and name not in spec:
            raise ValueError(f"{where}: missing key {name!r}")
    for key in accepted & set(spec):
        _check_argument(f"{where}.{key}", ARGUMENT_KINDS[key], spec[key], spec, scenario, limits)


def _check_who(where: str, value, known: set[str]) -> None:
    if isinstance(value, str) and not is_reference(value) and value not in known:
        raise _where_known(where, value, known, "a group of this scenario")


def check_references(scenario) -> None:
    """Every name the scenario uses is one it defines (see the module docstring)."""
    for kind, names in (("metric", scenario.metrics), ("outcome", scenario.outcomes),
                        ("choice", scenario.choices)):
        for name in names:
            check_identifier(f"{kind}s", name, f"a {kind} name")
    known = groups(scenario)
    for group in sorted(known):
        check_identifier("groups", group, "a group name")
    fixed = set(_OVERALL) | choice_columns(scenario)
    for group in known:
        fixed |= _group_columns(group)
    for name in scenario.metrics:
        if name in fixed:
            raise ValueError(f"metrics.{name}: every run already has a column {name!r}; "
                             "choose another name")
    for i, profile in enumerate(scenario.profiles):
        _check_who(f"profiles.{profile.get('name', i)}.who", profile.get("who"), known)
    for where, spec in [*((f"events[{i}]", e) for i, e in enumerate(scenario.events)),
                        *((f"actions.{label!r}", a) for label, a in scenario.actions.items())]:
        for key in ("who", "source_group"):
            _check_who(f"{where}.{key}", spec.get(key), known)
    for name, spec in scenario.choices.items():
        _check_who(f"choices.{name}.who", spec.get("who"), known)
    table = columns(scenario)
    for column in scenario.key_metrics:
        if column not in table:
            raise _where_known("key_metrics", column, table, "a column of this scenario")
