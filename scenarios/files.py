"""Reading scenario files: TOML in, with ``extends`` and clear errors.

Loading a file only parses TOML and looks names up in the recipe, measure and
scenario registries: it never executes code from the file. ``extends`` names a
scenario that ``base_lookup`` finds (the registry passes its own ``get``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path

from scenarios.params import KINDS, ScenarioParam
from scenarios.serialize import to_table
from scenarios.spec import Scenario

__all__ = ["load", "loads"]

TOP_KEYS = {
    "name", "title", "description", "caveat", "references", "steps", "network", "parameters",
    "profiles", "events", "metrics", "outcomes", "key_metrics", "view", "actions", "extends",
    "dt", "time_unit", "population", "choices", "channels", "findings", "rule",
}
_DECLARATION_KEYS = {"value", "low", "high", "description", "kind"}


def _declarations(params: Mapping, where: str) -> tuple[dict, dict]:
    values, declared = {}, {}
    for name, entry in params.items():
        if isinstance(entry, Mapping):
            unknown = set(entry) - _DECLARATION_KEYS
            if unknown:
                raise ValueError(f"parameters.{name}: unknown key {sorted(unknown)[0]!r}; "
                                 f"valid keys: {', '.join(sorted(_DECLARATION_KEYS))}")
            missing = {"value", "low", "high", "description"} - set(entry)
            if missing:
                raise ValueError(f"parameters.{name}: missing {', '.join(sorted(missing))}")
            kind = entry.get("kind", "float")
            if kind not in KINDS:
                raise ValueError(f"parameters.{name}.kind={kind!r}: allowed {', '.join(KINDS)}")
            declared[name] = ScenarioParam(name, _plain(entry["value"]), entry["low"],
                                           entry["high"], entry["description"], kind)
        else:
            values[name] = entry
    return values, declared


def _plain(value):
    return [tuple(v) if isinstance(v, list) else v for v in value] if isinstance(value, list) else value


def _merge(base: dict, top: dict) -> dict:
    """``top`` (an extending file) over ``base`` (a scenario's table)."""
    merged = {**base, **{k: v for k, v in top.items() if k != "extends"}}
    for key in ("metrics", "outcomes", "actions", "population", "choices", "channels"):
        merged[key] = {**base.get(key, {}), **top.get(key, {})}
    params = dict(base.get("parameters", {}))
    for name, entry in top.get("parameters", {}).items():
        declared = params.get(name)
        if isinstance(declared, Mapping):  # a plain value or part of a table updates the declaration
            entry = {**declared, **entry} if isinstance(entry, Mapping) else {**declared, "value": entry}
        params[name] = entry
    merged["parameters"] = params
    if top.get("network", {}).get("recipe", base["network"]["recipe"]) == base["network"]["recipe"]:
        merged["network"] = {**base["network"], **top.get("network", {})}
    profiles = {p["name"]: p for p in base.get("profiles", [])}
    for p in top.get("profiles", []):
        profiles[p.get("name")] = {**profiles.get(p.get("name"), {}), **p}
    merged["profiles"] = list(profiles.values())
    return merged


def _from_table(table: dict, base_lookup: Callable[[str], Scenario]) -> Scenario:
    for key in table:
        if key not in TOP_KEYS:
            raise ValueError(f"unknown key {key!r}; valid keys: {', '.join(sorted(TOP_KEYS))}")
    for key in ("parameters", "network", "metrics", "outcomes", "actions", "population",
                "choices", "channels"):
        if key in table and not isinstance(table[key], Mapping):
            raise ValueError(f"{key} must be a table, got {table[key]!r}")
    for key in ("references", "key_metrics", "profiles", "events", "findings"):
        if key in table and not isinstance(table[key], list):
            raise ValueError(f"{key} must be a list, got {table[key]!r}")
    if "extends" in table:
        try:
            base = base_lookup(table["extends"])
        except ValueError as exc:
            raise ValueError(f"extends={table['extends']!r}: {exc}") from None
        table = _merge(to_table(base), table)
    values, declared = _declarations(table.pop("parameters", {}), "parameters")
    missing = {"name", "title", "description", "references", "network"} - set(table)
    if missing:
        raise ValueError(f"missing key {sorted(missing)[0]!r}")
    return Scenario(**table, parameters=values, declared=declared)


def loads(text: str, source: str = "<string>", *,
          base_lookup: Callable[[str], Scenario]) -> Scenario:
    """A scenario from TOML text; errors name ``source``, the key and, for syntax, the line."""
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{source}: TOML syntax error: {exc}") from None
    try:
        return _from_table(table, base_lookup)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{source}: {exc}") from None


def load(path: str | Path, *, base_lookup: Callable[[str], Scenario]) -> Scenario:
    """A scenario from a TOML file (see the README's "Writing a scenario file")."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"{path}: cannot read scenario file: {exc.strerror}") from None
    return loads(text, str(path), base_lookup=base_lookup)
