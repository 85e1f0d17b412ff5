"""Checks on a scenario declaration, each failing with one message naming the key."""

from __future__ import annotations

import inspect
from collections.abc import Mapping

from contagion.params import PARAMETERS
from scenarios import measures, recipes

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


def _check_text(scenario) -> None:
    from scenarios.spec import VIEWS, check_name

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
        _check_keys(f"profiles.{profile['name']}.traits", profile.get("traits", {}), TRAITS)


def _check_tables(scenario) -> None:
    for name, spec in scenario.metrics.items():
        if not isinstance(spec, Mapping) or spec.get("measure") not in measures.MEASURES:
            raise ValueError(f"metrics.{name}: measure is not known: allowed "
                             + ", ".join(measures.MEASURES))
    for name, spec in scenario.outcomes.items():
        if not isinstance(spec, Mapping) or spec.get("outcome") not in measures.OUTCOMES:
            raise ValueError(f"outcomes.{name}: outcome is not known: allowed "
                             + ", ".join(measures.OUTCOMES))
    for i, spec in enumerate(scenario.events):
        check_event_spec(f"events[{i}]", spec)
    for label, spec in scenario.actions.items():
        check_event_spec(f"actions.{label!r}", spec)


def check_scenario_fields(scenario) -> None:
    """Validate a :class:`~scenarios.spec.Scenario`'s fields (not yet its values)."""
    from scenarios.spec import _references

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
    for ref in sorted(set().union(*(_references(f) for f in fields)) - known):
        raise ValueError(f"'${ref}' refers to no parameter; declare it under [parameters.{ref}]")
