"""One run's declaration: a scenario with every ``$name`` replaced by the run's values.

:func:`resolve_run` is the one place that turns a scenario and a run's parameter
overrides into what building the run needs (network recipe and keys, population,
profiles, engine values, events, choices, metrics, outcomes).
``Scenario.model_kwargs`` builds one model from it; the ensemble builder
(:mod:`scenarios.batch`) builds many runs from it, so both read the declaration the
same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from contagion.params import PARAMETERS
from scenarios import recipes
from scenarios.declaration import resolve
from scenarios.timing import choice_every, event_in_steps, outcome_in_steps

__all__ = ["Resolved", "events_in_steps", "make_events", "make_graph", "outcomes_in_steps",
           "reporter_specs", "resolve_run"]

_GROUP_COLUMN = re.compile(r"^(\w+)_(valence|arousal)$")


@dataclass(frozen=True)
class Resolved:
    """What one run of a scenario is built from (plain data, references resolved).

    ``traits`` are the values the population is drawn around (the engine default
    where the scenario has none); ``engine_values`` the engine parameters the model is
    given as one number; ``spread`` is ``heterogeneity``. ``events``, ``choices`` and
    ``outcomes`` count steps of ``dt`` (the declaration's times turned into steps by
    :mod:`scenarios.timing`).
    """

    values: Mapping[str, Any]
    recipe: str
    network: Mapping[str, Any]
    population: Mapping[str, Any]
    profiles: list
    traits: Mapping[str, Any]
    spread: float
    engine_values: Mapping[str, Any]
    events: list
    choices: list
    metrics: Mapping[str, Mapping[str, Any]]
    outcomes: Mapping[str, Mapping[str, Any]]
    dt: float


def resolve_run(scenario, overrides: Mapping[str, Any]) -> Resolved:
    """The declaration of one run of ``scenario`` with parameters ``overrides``.

    Each override is checked against its declaration, as ``Scenario.replace`` does; the
    rest of the declaration was checked when the scenario was made, and only a derived
    value set back to None (``baseline=None``) can make it invalid, so that case goes
    through ``replace`` itself.
    """
    if "dt" in overrides:  # the step is a field of the scenario, not a value
        overrides = dict(overrides)
        scenario = scenario.replace(dt=overrides.pop("dt"))
    if any(value is None for value in overrides.values()):
        scenario.replace(**overrides)
    checked = {name: scenario.parameter(name).check(value) for name, value in overrides.items()}
    values = {**scenario.values(), **checked}
    check_event_times(scenario.events, values)
    network = resolve(scenario.network, values)
    traits = {t: values[t] if values[t] is not None else PARAMETERS[t].default
              for t in scenario.per_agent_traits()}
    return Resolved(
        values=values, recipe=network.pop("recipe"), network=network,
        population=resolve(scenario.population, values),
        profiles=resolve(scenario.profiles, values), traits=traits,
        spread=values["heterogeneity"],
        engine_values={name: values[name] for name in PARAMETERS
                       if name not in traits and values[name] is not None},
        events=events_in_steps(scenario.events, values, scenario.dt),
        choices=[recipes.make_choice(name, spec, choice_every(spec.get("every"), scenario.dt,
                                                              f"choices.{name}"))
                 for name, spec in resolve(scenario.choices, values).items()],
        metrics=resolve(scenario.metrics, values),
        outcomes=outcomes_in_steps(scenario.outcomes, values, scenario.dt), dt=scenario.dt)


def events_in_steps(specs, values: Mapping[str, Any], dt: float) -> list:
    """The declared events with references resolved and times turned into steps."""
    return [event_in_steps(spec, dt, f"events[{i}]")
            for i, spec in enumerate(resolve(specs, values))]


def outcomes_in_steps(specs, values: Mapping[str, Any], dt: float) -> dict:
    """The declared outcomes with references resolved and windows turned into steps."""
    return {name: outcome_in_steps(spec, dt, f"outcomes.{name}")
            for name, spec in resolve(specs, values).items()}


def reporter_specs(key_metrics, metrics: Mapping[str, Mapping[str, Any]]) -> dict[str, tuple]:
    """The per-step columns a scenario adds: ``name -> (measure name, keyword arguments)``.

    Key metrics named ``<group>_valence`` / ``<group>_arousal`` are reported even when
    the group has no members at some setting (NaN then), so their columns exist for
    every parameter value.
    """
    out = {}
    for column in key_metrics:
        match = _GROUP_COLUMN.match(column)
        if match and column not in metrics:
            out[column] = ("group_mean", {"group": match[1], "variable": match[2]})
    for column, spec in metrics.items():
        out[column] = (spec["measure"], {k: v for k, v in spec.items() if k != "measure"})
    return out


def make_graph(recipe, network, population, profiles, values, spread, generator):
    """The run's network from its recipe, with everyone's traits drawn on it."""
    return recipes.populate(call_recipe(recipe, network, generator), population, profiles,
                            values, generator, spread)


def call_recipe(recipe, network: Mapping[str, Any], generator):
    """``recipe(generator, **network)``; a bad key value names the recipe and its keys."""
    try:
        return recipe(generator, **network)
    except ValueError as exc:
        raise ValueError(f"network {recipe.__name__}({_call_text(network)}): {exc}") from None


def _call_text(kwargs: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())


def make_events(specs, model):
    """The engine events of a run (``specs`` in steps); ``model`` needs only ``rng``
    (stories, random matches)."""
    events = []
    for i, spec in enumerate(specs):
        try:
            events.extend(recipes.EVENTS[spec["type"]](spec, model))
        except ValueError as exc:
            raise ValueError(f"events[{i}] ({spec['type']}): {exc}") from None
    return events


def check_event_times(specs, values: Mapping[str, Any]) -> None:
    """An event that stops before it starts: name the parameters that set the times."""
    for i, spec in enumerate(specs):
        start, stop = spec.get("start"), spec.get("stop")
        if start is None or stop is None:
            continue
        start_value, stop_value = resolve(start, values), resolve(stop, values)
        if stop_value <= start_value:
            raise ValueError(f"{_named(stop, stop_value, f'events[{i}].stop')} must be greater "
                             f"than {_named(start, start_value, f'events[{i}].start')}: "
                             f"events[{i}] ({spec['type']}) would end before it starts")


def _named(raw, value, where: str) -> str:
    """``scene_stop=5`` for a ``"$scene_stop"`` reference, else ``events[0].stop=5``."""
    name = raw[1:] if isinstance(raw, str) and raw.startswith("$") else where
    return f"{name}={value:g}" if isinstance(value, (int, float)) else f"{name}={value}"
