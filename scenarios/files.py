"""Scenario files: TOML in, TOML out, with ``extends`` and clear errors.

Loading a file only parses TOML and looks names up in the recipe, measure and
scenario registries: it never executes code from the file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

import tomli_w

from scenarios.params import KINDS, ScenarioParam
from scenarios.spec import Scenario, thaw

__all__ = ["dumps", "load", "loads"]

TOP_KEYS = {
    "name", "title", "description", "caveat", "references", "steps", "network", "parameters",
    "profiles", "events", "metrics", "outcomes", "key_metrics", "view", "actions", "extends",
}
_DECLARATION_KEYS = {"value", "low", "high", "description", "kind"}


def dumps(scenario: Scenario) -> str:
    """The scenario as a complete TOML document (no ``extends``)."""
    return tomli_w.dumps(_to_table(scenario), multiline_strings=True)


def _to_table(scenario: Scenario) -> dict:
    table = {"name": scenario.name, "title": scenario.title, "description": scenario.description}
    if scenario.caveat:
        table["caveat"] = scenario.caveat
    table.update(references=list(scenario.references), steps=scenario.steps, view=scenario.view)
    if scenario.key_metrics:
        table["key_metrics"] = list(scenario.key_metrics)
    table["network"] = thaw(scenario.network)
    params = {k: thaw(v) for k, v in scenario.parameters.items() if k not in scenario.declared}
    for name, decl in scenario.declared.items():
        value = scenario.parameters.get(name, decl.value)
        params[name] = {"value": thaw(value), "low": decl.low, "high": decl.high,
                        "kind": decl.kind, "description": decl.description}
    table["parameters"] = params
    for key in ("profiles", "events", "metrics", "outcomes", "actions"):
        if getattr(scenario, key):
            table[key] = thaw(getattr(scenario, key))
    return table


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
    for key in ("metrics", "outcomes", "actions"):
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


def _from_table(table: dict) -> Scenario:
    for key in table:
        if key not in TOP_KEYS:
            raise ValueError(f"unknown key {key!r}; valid keys: {', '.join(sorted(TOP_KEYS))}")
    for key in ("parameters", "network", "metrics", "outcomes", "actions"):
        if key in table and not isinstance(table[key], Mapping):
            raise ValueError(f"{key} must be a table, got {table[key]!r}")
    for key in ("references", "key_metrics", "profiles", "events"):
        if key in table and not isinstance(table[key], list):
            raise ValueError(f"{key} must be a list, got {table[key]!r}")
    if "extends" in table:
        from scenarios.registry import get

        try:
            base = get(table["extends"])
        except ValueError as exc:
            raise ValueError(f"extends={table['extends']!r}: {exc}") from None
        table = _merge(_to_table(base), table)
    values, declared = _declarations(table.pop("parameters", {}), "parameters")
    missing = {"name", "title", "description", "references", "network"} - set(table)
    if missing:
        raise ValueError(f"missing key {sorted(missing)[0]!r}")
    return Scenario(**table, parameters=values, declared=declared)


def loads(text: str, source: str = "<string>") -> Scenario:
    """A scenario from TOML text; errors name ``source``, the key and, for syntax, the line."""
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{source}: TOML syntax error: {exc}") from None
    try:
        return _from_table(table)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{source}: {exc}") from None


def load(path: str | Path) -> Scenario:
    """A scenario from a TOML file (see the README's "Writing a scenario file")."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"{path}: cannot read scenario file: {exc.strerror}") from None
    return loads(text, str(path))
