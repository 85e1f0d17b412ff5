"""Plain-data helpers for scenario declarations: freezing, ``$name`` references, names.

Every other module of the library builds on these; this one imports none of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

__all__ = ["VIEWS", "check_name", "freeze", "references", "resolve", "thaw"]

#: How the dashboard draws a scenario's people.
VIEWS = ("network", "seats", "wave")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


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


def check_name(name: str) -> None:
    """Scenario names are lower-case identifiers (they become module attributes)."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"name={name!r} is invalid: allowed lower-case letters, digits and _")
