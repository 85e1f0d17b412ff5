"""Checks on a scenario declaration, each failing with one message naming the key."""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping

from contagion.clock import check_time_step
from contagion.params import PARAMETERS, check_limit
from contagion.rules import RULES, check_tolerance
from scenarios import measures, recipes, shapes
from scenarios.declaration import VIEWS, check_identifier, check_name, references
from scenarios.params import STANDARD
from scenarios.references import check_arguments, check_references

__all__ = ["EVENT_KEYS", "check_event_spec", "check_scenario_fields"]

EVENT_KEYS = {
    "stimulus": {"start", "stop", "valence", "arousal", "strength", "who", "source_group"},
    "shock": {"at", "valence", "arousal", "who", "scale_by_expertise"},
    "pin": {"start", "stop", "valence", "arousal", "who"},
    "goals": {"goals", "valence", "arousal", "match_length", "duration", "strength"},
    "story": {"start", "length", "resolution", "variability", "who"},
    "tour": {"works", "room_time", "start"},
}
#: Event keys a table must have.
EVENT_REQUIRED = {"goals": ("goals", "duration"), "tour": ("works", "room_time")}
PROFILE_KEYS = {"name", "who", "share", "group", "traits"}
TRAITS = [name for name, p in PARAMETERS.items() if p.per_agent]
CHANNEL_KEYS = {"people", "stimuli"}
FINDING_KEYS = {"input", "mechanism", "emergent"}
OPTION_KEYS = {"intercept", "valence", "arousal", "tension", "peers"}
_INF = float("inf")
#: Allowed literal values of event keys: (low, high, integer?); per type where they differ.
#: Times (in the scenario's time unit) are checked against the step limit once the step
#: is known (:mod:`scenarios.timing`).
EVENT_RANGES = {
    "at": (0.0, _INF, False), "start": (0.0, _INF, False), "stop": (0.0, _INF, False),
    "length": (0.0, _INF, False), "match_length": (0.0, _INF, False),
    "duration": (0.0, _INF, False), "resolution": (1e-9, _INF, False),
    "valence": (-1.0, 1.0, False), "arousal": (0.0, 1.0, False),
    "strength": (0.0, _INF, False), "variability": (1e-9, _INF, False),
    "room_time": (0.0, _INF, False),
}
_SHOCK_RANGES = {"valence": (-2.0, 2.0, False), "arousal": (-1.0, 1.0, False)}


def _known(name, registry) -> bool:
    """``name`` is a string and a key of ``registry`` (a list is never a name)."""
    return isinstance(name, str) and name in registry


def _unknown(where: str, key: str, valid) -> ValueError:
    return ValueError(f"{where}: unknown key {key!r}; valid keys: {', '.join(sorted(valid))}")


def _check_keys(where: str, table, valid) -> None:
    if not isinstance(table, Mapping):
        raise ValueError(f"{where} must be a table, got {table!r}")
    for key in table:
        if key not in valid:
            raise _unknown(where, key, valid)


def check_event_spec(where: str, spec, limits=None) -> None:
    """An event or action table: a known ``type`` and only that type's keys.

    Its times are checked against the ``steps`` limit of ``limits`` (default: LIMITS)
    when the step is known (:func:`scenarios.timing.event_in_steps`).
    """
    if not isinstance(spec, Mapping) or not _known(spec.get("type"), EVENT_KEYS):
        kind = spec.get("type") if isinstance(spec, Mapping) else spec
        raise ValueError(f"{where}: type={kind!r} is not known: allowed {', '.join(EVENT_KEYS)}")
    _check_keys(where, spec, EVENT_KEYS[spec["type"]] | {"type"})
    for key in EVENT_REQUIRED.get(spec["type"], ()):
        if key not in spec:
            raise ValueError(f"{where}: a {spec['type']} event needs {key}")
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
    if spec["type"] == "tour" and not isinstance(spec.get("works"), (list, tuple)):
        raise ValueError(f"{where}: a tour needs works = [[strength, valence, arousal], ...], "
                         "one per room")
    for i, work in enumerate(spec.get("works", ())):
        if not isinstance(work, (list, tuple)) or len(work) != 3:
            raise ValueError(f"{where}.works[{i}]={work!r} is invalid: allowed "
                             "[strength, valence, arousal]")
        for key, value in zip(("strength", "valence", "arousal"), work):
            low, high, _ = EVENT_RANGES[key]
            _check_number(f"{where}.works[{i}].{key}", value, low, high)
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


def _check_trait_spec(where: str, name: str, spec, needs_mean: bool = False) -> None:
    """A trait value: a number in the trait's range, a ``$param``, or a distribution table.

    ``needs_mean``: a normal, beta or gamma table without ``mean`` must have a value
    to centre on (the scenario's value of the trait).
    """
    param = PARAMETERS[name]
    if not isinstance(spec, Mapping):
        _check_number(where, spec, param.low, param.high)
        return
    dist = spec.get("dist")
    if not _known(dist, recipes.DISTRIBUTIONS):
        raise ValueError(f"{where}.dist={dist!r} is not known: allowed "
                         + ", ".join(recipes.DISTRIBUTIONS))
    required = recipes.DISTRIBUTIONS[dist]
    _check_keys(where, spec, required | {"dist"} | ({"mean"} if dist != "uniform" else set()))
    for key in sorted(required):
        if key not in spec:
            raise ValueError(f"{where}: dist={dist!r} needs {key}")
    for key in ("low", "high", "mean"):
        if key in spec:
            _check_number(f"{where}.{key}", spec[key], param.low, param.high)
    if "sd" in spec:
        _check_number(f"{where}.sd", spec["sd"], 0.0, param.high - param.low)
    if dist == "uniform" and not _is_ref(spec["low"]) and not _is_ref(spec["high"]) \
            and spec["low"] > spec["high"]:
        raise ValueError(f"{where}: low={spec['low']!r} is above high={spec['high']!r}")
    if dist == "gamma" and param.low < 0:
        raise ValueError(f"{where}: dist='gamma' draws positive values, but {name} allows "
                         f"{param.range_text}: use normal or beta")
    if needs_mean and dist != "uniform" and "mean" not in spec:
        raise ValueError(f"{where}: give a mean, or a value of {name} for the scenario to "
                         "centre the distribution on")


def _check_text(scenario) -> None:
    check_name(scenario.name)
    for field in ("title", "description"):
        if not isinstance(getattr(scenario, field), str) or not getattr(scenario, field).strip():
            raise ValueError(f"{field} must be a non-empty string")
    if not isinstance(scenario.caveat, str):
        raise ValueError(f"caveat must be a string, got {scenario.caveat!r}")
    if not scenario.references or not all(isinstance(r, str) and r for r in scenario.references):
        raise ValueError("references must be a non-empty list of citations (strings)")
    check_time_step(scenario.dt, scenario.time_unit)
    duration = scenario.duration
    if isinstance(duration, bool) or not isinstance(duration, (int, float)) \
            or not math.isfinite(duration) or duration <= 0:
        raise ValueError(f"duration={duration!r} is invalid: allowed numbers > 0 "
                         f"({scenario.time_unit}s)")
    seed = scenario.seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)
                             or not 0 <= seed < 2**63):
        raise ValueError(f"seed={seed!r} is invalid: allowed whole numbers 0 to 2**63 - 1")
    if scenario.view not in VIEWS:
        raise ValueError(f"view={scenario.view!r} is not known: allowed {', '.join(VIEWS)}")
    if not all(isinstance(m, str) for m in scenario.key_metrics):
        raise ValueError(f"key_metrics must be a list of column names, got {scenario.key_metrics!r}")
    check_time_step(scenario.dt, scenario.time_unit)
    check_tolerance(scenario.tolerance)
    if scenario.rule not in RULES:
        raise ValueError(f"rule={scenario.rule!r} is not known: allowed {', '.join(RULES)}")
    _check_keys("channels", scenario.channels, CHANNEL_KEYS)
    for key, text in scenario.channels.items():
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"channels.{key} must be a non-empty string")
    for i, finding in enumerate(scenario.findings):
        _check_keys(f"findings[{i}]", finding, FINDING_KEYS)
        for key in sorted(FINDING_KEYS):
            if not isinstance(finding.get(key), str) or not finding[key].strip():
                raise ValueError(f"findings[{i}].{key} must be a non-empty string")


def _check_network(network) -> None:
    if not isinstance(network, Mapping) or not _known(network.get("recipe"), recipes.NETWORKS):
        recipe = network.get("recipe") if isinstance(network, Mapping) else network
        raise ValueError(f"network.recipe={recipe!r} is not known: allowed "
                         + ", ".join(sorted(recipes.NETWORKS)))
    accepted = set(inspect.signature(recipes.NETWORKS[network["recipe"]]).parameters) - {"rng"}
    _check_keys(f"network ({network['recipe']})", {k: v for k, v in network.items()
                                                   if k != "recipe"}, accepted)
    shapes.check_network(network, memory=False)  # types and sizes of the literal keys


def _check_population(population, values) -> None:
    _check_keys("population", population, TRAITS)
    for trait, spec in population.items():
        if not isinstance(spec, Mapping):
            raise ValueError(f"population.{trait} must be a distribution table, e.g. "
                             "{ dist = \"normal\", sd = 0.1 }")
        has_value = values.get(trait) is not None or PARAMETERS[trait].default is not None
        _check_trait_spec(f"population.{trait}", trait, spec, needs_mean=not has_value)


def _check_choices(choices) -> None:
    for name, spec in choices.items():
        where = f"choices.{name}"
        if not isinstance(spec, Mapping):
            raise ValueError(f"{where} must be a table of options")
        who = spec.get("who")
        if who is not None and not isinstance(who, str):
            raise ValueError(f"{where}.who={who!r} is invalid: allowed a group name")
        every = spec.get("every")
        if every is not None:
            _check_number(f"{where}.every", every, 1e-12, _INF)
        options = {k: v for k, v in spec.items() if k not in ("who", "every")}
        if not options:
            raise ValueError(f"{where}: declare at least one option, e.g. "
                             "[choices.work.in_step] with intercept, valence, arousal, "
                             "tension, peers")
        for option, coefficients in options.items():
            _check_keys(f"{where}.{option}", coefficients, OPTION_KEYS)
            for key, value in coefficients.items():
                _check_number(f"{where}.{option}.{key}", value, -50.0, 50.0)
        check_identifier("choices", name, "a choice name")
        for option in options:
            check_identifier(where, option, "an option name")


def _check_profiles(profiles) -> None:
    for i, profile in enumerate(profiles):
        where = f"profiles[{i}]"
        _check_keys(where, profile, PROFILE_KEYS)
        if not isinstance(profile.get("name"), str):
            raise ValueError(f"{where}: every profile needs a name")
        check_identifier(where, profile["name"], "a profile name")
        where = f"profiles.{profile['name']}"
        if "share" in profile:
            _check_number(f"{where}.share", profile["share"], 0.0, 1.0)
        for key in ("who", "group"):
            if key in profile and not isinstance(profile[key], str):
                raise ValueError(f"{where}.{key}={profile[key]!r} is invalid: allowed a group name")
        _check_keys(f"{where}.traits", profile.get("traits", {}), TRAITS)
        for trait, spec in profile.get("traits", {}).items():
            _check_trait_spec(f"{where}.traits.{trait}", trait, spec)


def _check_tables(scenario) -> None:
    for field, key, registry, first in (("metrics", "measure", measures.MEASURES, "model"),
                                        ("outcomes", "outcome", measures.OUTCOMES, "frame")):
        for name, spec in getattr(scenario, field).items():
            if not isinstance(spec, Mapping) or not _known(spec.get(key), registry):
                shown = spec.get(key) if isinstance(spec, Mapping) else spec
                raise ValueError(f"{field}.{name}: {key}={shown!r} is not known: allowed "
                                 + ", ".join(registry))
            check_arguments(f"{field}.{name}", spec, registry[spec[key]], first, scenario)
    for i, spec in enumerate(scenario.events):
        check_event_spec(f"events[{i}]", spec)
    for label, spec in scenario.actions.items():
        _check_label(label)
        check_event_spec(f"actions.{label!r}", spec)


def _check_label(label) -> None:
    """A button label: one line of printable text, at most 80 characters."""
    if not isinstance(label, str) or not label.strip() or len(label) > 80 or \
            not label.isprintable():
        raise ValueError(f"actions: label {label[:40]!r} is invalid: allowed one line of "
                         "printable text, 1 to 80 characters")


def check_scenario_fields(scenario) -> None:
    """Validate a :class:`~scenarios.spec.Scenario`'s fields (not yet its values)."""
    _check_text(scenario)
    _check_network(scenario.network)
    _check_profiles(scenario.profiles)
    _check_choices(scenario.choices)
    _check_tables(scenario)
    for name, decl in scenario.declared.items():
        check_identifier("parameters", name, "a parameter name")
        if name in PARAMETERS or name in STANDARD or name != decl.name:
            raise ValueError(f"parameters.{name}: a scenario cannot redeclare an engine "
                             "parameter or rename one")
    _check_population(scenario.population, scenario.parameters)
    known = set(PARAMETERS) | set(STANDARD) | set(scenario.declared)
    for name in scenario.parameters:
        if name not in known:
            scenario.parameter(name)  # raises with the valid names
    fields = (scenario.network, scenario.profiles, scenario.events, scenario.metrics,
              scenario.outcomes, scenario.actions, scenario.population, scenario.choices)
    for ref in sorted(set().union(*(references(f) for f in fields)) - known):
        raise ValueError(f"'${ref}' refers to no parameter; declare it under [parameters.{ref}]")
    check_references(scenario)
