"""Plain-data helpers for scenario declarations: freezing, ``$name`` references, names.

Every other module of the library builds on these; this one imports none of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from contagion.params import LIMITS

__all__ = ["IDENTIFIER", "VIEWS", "check_identifier", "check_name", "freeze", "is_reference",
           "references", "resolve", "thaw"]

#: How the dashboard draws a scenario's people.
VIEWS = ("network", "seats", "wave")
#: Every declared name (scenario, parameter, metric, outcome, profile, choice, option,
#: group): a lower-case ASCII letter, then lower-case letters, digits and ``_``, at most
#: ``LIMITS["name_length"]`` characters. Names become columns, TOML keys, CLI options,
#: Python attributes and labels on a web page, so nothing else is allowed in them.
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")


def freeze(value: Any) -> Any:
    """Deep-convert dicts to read-only mappings and lists to tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Inverse of :func:`freeze`: plain dicts and lists (for TOML and JSON)."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


def resolve(value: Any, values: Mapping[str, Any]) -> Any:
    """Replace every ``"$name"`` in ``value`` by ``values[name]``; return plain data."""
    if isinstance(value, str) and value.startswith("$"):
        return values[value[1:]]
    if isinstance(value, Mapping):
        return {k: resolve(v, values) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [resolve(v, values) for v in value]
    return value


def references(value: Any) -> set[str]:
    """The parameter names that ``value`` refers to as ``"$name"``, anywhere inside it."""
    if isinstance(value, str) and value.startswith("$"):
        return {value[1:]}
    if isinstance(value, Mapping):
        return set().union(*(references(v) for v in value.values()))
    if isinstance(value, tuple | list):
        return set().union(*(references(v) for v in value))
    return set()


def is_reference(value: Any) -> bool:
    """True for a ``"$name"`` reference to a parameter."""
    return isinstance(value, str) and value.startswith("$")


def check_identifier(where: str, name: Any, what: str = "a name") -> str:
    """``name`` if it is an :data:`IDENTIFIER`; else a ValueError naming ``where``."""
    longest = LIMITS["name_length"].maximum
    if not isinstance(name, str) or not IDENTIFIER.fullmatch(name) or len(name) > longest:
        shown = repr(name) if len(repr(name)) <= 60 else repr(name)[:57] + "..."
        raise ValueError(f"{where}: {shown} is not valid as {what}: allowed a lower-case "
                         f"letter, then lower-case letters, digits and _ (at most {longest} "
                         "characters)")
    return name


def check_name(name: str) -> None:
    """Scenario names are lower-case identifiers (they become module attributes)."""
    check_identifier("name", name, "a scenario name")
