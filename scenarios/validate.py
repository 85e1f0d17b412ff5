"""Checks on a scenario declaration, each failing with one message naming the key."""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping

from contagion.params import PARAMETERS
from scenarios import measures, recipes
from scenarios.declaration import VIEWS, check_name, references

__all__ = ["EVENT_KEYS", "check_event_spec", "check_scenario_fields"]

EVENT_KEYS = {
    "shock": {"step", "valence", "arousal", "who", "scale_by_expertise"},
    "pin": {"start", "stop", "valence", "arousal", "who"},
    "broadcast": {"start", "stop", "valence", "arousal", "strength", "who", "source_group"},
    "goals": {"goals", "valence", "arousal", "match_steps"},
    "story": {"start", "length", "variability", "who"},
}
PROFILE_KEYS = {"name", "who", "share", "group", "traits"}
TRAITS = [name for name, p in PARAMETERS.items() if p.per_agent]
DISTRIBUTIONS = {"uniform": {"low", "high"}, "normal": {"mean", "sd"}, "beta": {"a", "b"}}
_INF = float("inf")
#: Allowed literal values of event keys: (low, high, integer?); per type where they differ.
EVENT_RANGES = {
    "step": (0, _INF, True), "start": (0, _INF, True), "stop": (0, _INF, True),
    "length": (1, _INF, True), "match_steps": (2, _INF, True),
    "valence": (-1.0, 1.0, False), "arousal": (0.0, 1.0, False),
    "strength": (0.0, _INF, False), "variability": (1e-9, _INF, False),
}
_SHOCK_RANGES = {"valence": (-2.0, 2.0, False), "arousal": (-1.0, 1.0, False)}


def _unknown(where: str, key: str, valid) -> ValueError:
    return ValueError(f"{where}: unknown key {key!r}; valid keys: {', '.join(sorted(valid))}")


def _check_keys(where: str, table, valid) -> None:
    if not isinstance(table, Mapping):
        raise ValueError(f"{where} must be a table, got {table!r}")
    for key in table:
        if key not in valid:
            raise _unknown(where, key, valid)


def check_event_spec(where: str, spec) -> None:
    """An event or action table: a known ``type`` and only that type's keys."""
    if not isinstance(spec, Mapping) or spec.get("type") not in EVENT_KEYS:
        kind = spec.get("type") if isinstance(spec, Mapping) else spec
        raise ValueError(f"{where}: type={kind!r} is not known: allowed {', '.join(EVENT_KEYS)}")
    _check_keys(where, spec, EVENT_KEYS[spec["type"]] | {"type"})
    ranges = {**EVENT_RANGES, **(_SHOCK_RANGES if spec["type"] in ("shock", "goals") else {})}
    for key, value in spec.items():
        if key in ranges:
            low, high, integer = ranges[key]
            many = spec["type"] == "pin" and key in ("valence", "arousal")
            _check_number(f"{where}.{key}", value, low, high, integer, many)
    for key in ("who", "source_group"):
        value = spec.get(key)
        if not (value is None or isinstance(value, (str, list, tuple))):
            raise ValueError(f"{where}.{key}={value!r} is invalid: allowed a group name or a "
                             "list of node ids")
    if "scale_by_expertise" in spec and not isinstance(spec["scale_by_expertise"], bool):
        raise ValueError(f"{where}.scale_by_expertise={spec['scale_by_expertise']!r} is "
                         "invalid: allowed true or false")


def _is_ref(value) -> bool:
    return isinstance(value, str) and value.startswith("$")


def _check_number(where: str, value, low: float, high: float, integer: bool = False,
                  many: bool = False) -> None:
    """A literal number in [low, high] (or a ``$param`` reference, checked when resolved)."""
    if _is_ref(value):
        return
    if many and isinstance(value, (list, tuple)) and value:
        for item in value:
            _check_number(where, item, low, high, integer)
        return
    kind = "an integer" if integer else "a number"
    bounds = (f"[{low:g}, {high:g}]" if high < _INF else f">= {low:g}" if low > -_INF
              else "finite numbers")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            integer and math.isfinite(value) and not float(value).is_integer()):
        raise ValueError(f"{where}={value!r} is not {kind}: allowed {bounds}")
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(f"{where}={value!r} is out of range: allowed {bounds}")


def _check_trait_spec(where: str, name: str, spec) -> None:
    """A trait value: a number in the trait's range, a ``$param``, or a distribution table."""
    param = PARAMETERS[name]
    if not isinstance(spec, Mapping):
        _check_number(where, spec, param.low, param.high)
        return
    dist = spec.get("dist")
    if dist not in DISTRIBUTIONS:
        raise ValueError(f"{where}.dist={dist!r} is not known: allowed "
                         + ", ".join(DISTRIBUTIONS))
    _check_keys(where, spec, DISTRIBUTIONS[dist] | {"dist"})
    for key in sorted(DISTRIBUTIONS[dist]):
        if key not in spec:
            raise ValueError(f"{where}: dist={dist!r} needs {key}")
        positive = key in ("sd", "a", "b")
        _check_number(f"{where}.{key}", spec[key], 0.0 if positive else -_INF, _INF)


def _check_text(scenario) -> None:
    check_name(scenario.name)
    for field in ("title", "description"):
        if not isinstance(getattr(scenario, field), str) or not getattr(scenario, field).strip():
            raise ValueError(f"{field} must be a non-empty string")
    if not isinstance(scenario.caveat, str):
        raise ValueError(f"caveat must be a string, got {scenario.caveat!r}")
    if not scenario.references or not all(isinstance(r, str) and r for r in scenario.references):
        raise ValueError("references must be a non-empty list of citations (strings)")
    if isinstance(scenario.steps, bool) or not isinstance(scenario.steps, int) or scenario.steps < 1:
        raise ValueError(f"steps={scenario.steps!r} is invalid: allowed integers >= 1")
    seed = scenario.seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)
                             or not 0 <= seed < 2**63):
        raise ValueError(f"seed={seed!r} is invalid: allowed whole numbers 0 to 2**63 - 1")
    if scenario.view not in VIEWS:
        raise ValueError(f"view={scenario.view!r} is not known: allowed {', '.join(VIEWS)}")
    if not all(isinstance(m, str) for m in scenario.key_metrics):
        raise ValueError(f"key_metrics must be a list of column names, got {scenario.key_metrics!r}")


def _check_network(network) -> None:
    if not isinstance(network, Mapping) or network.get("recipe") not in recipes.NETWORKS:
        recipe = network.get("recipe") if isinstance(network, Mapping) else network
        raise ValueError(f"network.recipe={recipe!r} is not known: allowed "
                         + ", ".join(sorted(recipes.NETWORKS)))
    accepted = set(inspect.signature(recipes.NETWORKS[network["recipe"]]).parameters) - {"rng"}
    _check_keys(f"network ({network['recipe']})", {k: v for k, v in network.items()
                                                   if k != "recipe"}, accepted)


def _check_profiles(profiles) -> None:
    for i, profile in enumerate(profiles):
        where = f"profiles[{i}]"
        _check_keys(where, profile, PROFILE_KEYS)
        if not isinstance(profile.get("name"), str):
            raise ValueError(f"{where}: every profile needs a name")
        where = f"profiles.{profile['name']}"
        if "share" in profile:
            _check_number(f"{where}.share", profile["share"], 0.0, 1.0)
        for key in ("who", "group"):
            if key in profile and not isinstance(profile[key], str):
                raise ValueError(f"{where}.{key}={profile[key]!r} is invalid: allowed a group name")
        _check_keys(f"{where}.traits", profile.get("traits", {}), TRAITS)
        for trait, spec in profile.get("traits", {}).items():
            _check_trait_spec(f"{where}.traits.{trait}", trait, spec)


def _check_arguments(where: str, spec: Mapping, function, skip: str) -> None:
    """The keys of a metric or outcome table are the keyword arguments of its function."""
    signature = inspect.signature(function).parameters
    accepted = set(signature) - {skip}
    _check_keys(where, {k: v for k, v in spec.items() if k not in ("measure", "outcome")},
                accepted)
    for name, p in signature.items():
        if name != skip and p.default is inspect.Parameter.empty and name not in spec:
            raise ValueError(f"{where}: missing key {name!r}")


def _check_tables(scenario) -> None:
    for field, key, registry, first in (("metrics", "measure", measures.MEASURES, "model"),
                                        ("outcomes", "outcome", measures.OUTCOMES, "frame")):
        for name, spec in getattr(scenario, field).items():
            if not isinstance(spec, Mapping) or spec.get(key) not in registry:
                shown = spec.get(key) if isinstance(spec, Mapping) else spec
                raise ValueError(f"{field}.{name}: {key}={shown!r} is not known: allowed "
                                 + ", ".join(registry))
            _check_arguments(f"{field}.{name}", spec, registry[spec[key]], first)
    for i, spec in enumerate(scenario.events):
        check_event_spec(f"events[{i}]", spec)
    for label, spec in scenario.actions.items():
        check_event_spec(f"actions.{label!r}", spec)


def check_scenario_fields(scenario) -> None:
    """Validate a :class:`~scenarios.spec.Scenario`'s fields (not yet its values)."""
    _check_text(scenario)
    _check_network(scenario.network)
    _check_profiles(scenario.profiles)
    _check_tables(scenario)
    for name, decl in scenario.declared.items():
        if name in PARAMETERS or name != decl.name:
            raise ValueError(f"parameters.{name}: a scenario cannot redeclare an engine "
                             "parameter or rename one")
    known = set(PARAMETERS) | set(scenario.declared)
    for name in scenario.parameters:
        if name not in known:
            scenario.parameter(name)  # raises with the valid names
    fields = (scenario.network, scenario.profiles, scenario.events, scenario.metrics,
              scenario.outcomes, scenario.actions)
    for ref in sorted(set().union(*(references(f) for f in fields)) - known):
        raise ValueError(f"'${ref}' refers to no parameter; declare it under [parameters.{ref}]")
