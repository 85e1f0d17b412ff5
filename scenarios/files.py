"""Reading scenario files: TOML in, with ``extends`` and clear errors.

Loading a file only parses TOML and looks names up in the recipe, measure and
scenario registries: it never executes code from the file. ``extends`` names a
scenario that ``base_lookup`` finds (the registry passes its own ``get``).
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path

from contagion.params import LIMITS, check_limit
from scenarios.budget import check_values
from scenarios.params import KINDS, ScenarioParam
from scenarios.serialize import to_table
from scenarios.spec import Scenario

__all__ = ["load", "loads"]

TOP_KEYS = {
    "name", "title", "description", "caveat", "references", "duration", "network", "parameters",
    "profiles", "events", "metrics", "outcomes", "key_metrics", "view", "actions", "extends",
    "dt", "time_unit", "population", "choices", "channels", "findings", "rule", "seed",
    "tolerance",
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
            if not isinstance(kind, str) or kind not in KINDS:
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


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_shape(table: dict) -> None:
    """The top-level keys and the types ``extends`` merging relies on."""
    for key in table:
        if key == "steps":
            raise ValueError("steps is no longer a key: give duration, the run's length in the "
                             "scenario's time_unit (steps x dt); event and outcome times are in "
                             "that unit too, not in steps")
        if key not in TOP_KEYS:
            raise ValueError(f"unknown key {key!r}; valid keys: {', '.join(sorted(TOP_KEYS))}")
    for key in ("parameters", "network", "metrics", "outcomes", "actions", "population",
                "choices", "channels"):
        if key in table and not isinstance(table[key], Mapping):
            raise ValueError(f"{key} must be a table, got {_shown(table[key])}")
    for key in ("references", "key_metrics", "profiles", "events", "findings"):
        if key in table and not isinstance(table[key], list):
            raise ValueError(f"{key} must be a list, got {_shown(table[key])}")
    for key in ("profiles", "events", "findings"):
        for i, item in enumerate(table.get(key, [])):
            if not isinstance(item, Mapping):
                raise ValueError(f"{key}[{i}] must be a table, got {_shown(item)}")
    for i, profile in enumerate(table.get("profiles", [])):
        if not isinstance(profile.get("name"), str):
            raise ValueError(f"profiles[{i}]: every profile needs a name (a string)")
    if "extends" in table and not isinstance(table["extends"], str):
        raise ValueError(f"extends={_shown(table['extends'])} is invalid: give the name of "
                         "one scenario, e.g. extends = \"football_crowd\"")


def _check_nesting(value, limits) -> None:
    """Tables and arrays nested at most ``limits["nesting"]`` deep (checked without recursion)."""
    deepest = (LIMITS if limits is None else limits)["nesting"].maximum
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = (item.values() if isinstance(item, Mapping) else item
                    if isinstance(item, list) else ())
        for child in children:
            if isinstance(child, Mapping | list):
                if depth + 1 > deepest:
                    check_limit("nesting", depth + 1, limits, "nesting")
                stack.append((child, depth + 1))


def _from_table(table: dict, base_lookup: Callable[[str], Scenario]) -> Scenario:
    _check_shape(table)
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


def _parse(text: str, source: str, limits) -> dict:
    if not isinstance(text, str):
        raise ValueError(f"{source}: a scenario is TOML text, got {type(text).__name__}")
    try:
        check_limit("scenario_bytes", len(text.encode("utf-8", "surrogatepass")), limits,
                    "size")
    except ValueError as exc:
        raise ValueError(f"{source}: {exc}") from None
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))  # a byte-order mark is no content
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{source}: TOML syntax error: {exc}") from None
    except RecursionError:
        deepest = (LIMITS if limits is None else limits)["nesting"].maximum
        raise ValueError(f"{source}: nesting: tables and arrays are nested far deeper than "
                         f"the limit of {deepest} levels (limit 'nesting', docs/limits.md)") from None


def loads(text: str, source: str = "<string>", *,
          base_lookup: Callable[[str], Scenario], limits=None) -> Scenario:
    """A scenario from TOML text; errors name ``source``, the key and, for syntax, the line.

    ``limits`` (default :data:`contagion.params.LIMITS`) bounds the text's size, its
    nesting and every size the scenario declares; pass
    :data:`contagion.params.STRICT_LIMITS` for text from strangers.
    """
    table = _parse(text, source, limits)
    try:
        _check_nesting(table, limits)
        scenario = _from_table(table, base_lookup)
        if limits is not None:
            check_values(scenario, scenario.values(), limits)
        return scenario
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{source}: {exc}") from None


def read_text(path: str | Path, limits=None) -> str:
    """The text of a scenario file: a regular file, within the size limit, in UTF-8.

    A directory, a FIFO or a device is refused before it is opened (reading a FIFO
    would wait for a writer forever); a byte-order mark is dropped.
    """
    path = Path(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise ValueError(f"{path}: cannot read scenario file: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ValueError(f"{path}: cannot read scenario file: it is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"{path}: cannot read scenario file: it is not a regular file "
                         "(a pipe, socket or device)")
    largest = (LIMITS if limits is None else limits)["scenario_bytes"].maximum
    try:
        check_limit("scenario_bytes", info.st_size, limits, "size")
        with open(path, "rb") as handle:
            data = handle.read(largest + 1)
        check_limit("scenario_bytes", len(data), limits, "size")
    except OSError as exc:
        raise ValueError(f"{path}: cannot read scenario file: {exc.strerror}") from None
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ValueError(f"{path}: not UTF-8 text: byte 0x{data[exc.start]:02x} at line "
                         f"{line} cannot be decoded; save the file as UTF-8") from None


def load(path: str | Path, *, base_lookup: Callable[[str], Scenario], limits=None) -> Scenario:
    """A scenario from a TOML file (see the README's "Writing a scenario file")."""
    return loads(read_text(path, limits), str(path), base_lookup=base_lookup, limits=limits)
