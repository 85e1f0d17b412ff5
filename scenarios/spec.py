"""``Scenario``: a frozen, documented declaration of a contagion experiment.

A scenario says which network, which population (profiles of traits), which
events and which metrics; it computes nothing itself. Values anywhere in the
declaration may be ``"$name"``, a reference to one of its parameters, so that
``Scenario.build(leader_mood=-0.5)`` or ``--set leader_mood=-0.5`` reaches the
event that pins the leader. A profile's trait overrides the scenario-wide value
for its members; the null model (mirroring 0) applies to everyone.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from functools import partial
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from contagion.model import ContagionModel
from contagion.params import PARAMETERS, unknown_name_error
from scenarios import measures, recipes
from scenarios.params import ScenarioParam, engine_param

__all__ = ["Scenario", "freeze", "thaw"]

VIEWS = ("network", "seats")
PROFILE_KEYS = {"name", "who", "share", "group", "traits"}
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


def _references(value: Any) -> set[str]:
    if isinstance(value, str) and value.startswith("$"):
        return {value[1:]}
    if isinstance(value, Mapping):
        return set().union(*(_references(v) for v in value.values()))
    if isinstance(value, tuple | list):
        return set().union(*(_references(v) for v in value))
    return set()


@dataclasses.dataclass(frozen=True)
class Scenario:
    """A contagion scenario: network, population, events, metrics and references.

    Build a model with :meth:`build`, run it with :meth:`run`, change parameters
    with :meth:`replace`, compare with the null model with :meth:`compare_null`.
    Parameters are the engine's (``mirroring``, ``regulation``, ...) plus the
    scenario's own ``declared`` ones; :meth:`parameters` lists them all.
    """

    name: str
    title: str
    description: str
    references: tuple[str, ...]
    network: Mapping[str, Any]
    caveat: str = ""
    steps: int = 100
    parameters: Mapping[str, Any] = MappingProxyType({})
    declared: Mapping[str, ScenarioParam] = MappingProxyType({})
    profiles: tuple[Mapping[str, Any], ...] = ()
    events: tuple[Mapping[str, Any], ...] = ()
    metrics: Mapping[str, Mapping[str, Any]] = MappingProxyType({})
    outcomes: Mapping[str, Mapping[str, Any]] = MappingProxyType({})
    key_metrics: tuple[str, ...] = ()
    view: str = "network"
    actions: Mapping[str, Mapping[str, Any]] = MappingProxyType({})

    def __post_init__(self):
        for field in ("network", "parameters", "declared", "profiles", "events", "metrics",
                      "outcomes", "key_metrics", "actions", "references"):
            value = getattr(self, field)
            frozen = MappingProxyType(dict(value)) if field == "declared" else freeze(value)
            object.__setattr__(self, field, frozen)
        from scenarios.validate import check_scenario_fields

        check_scenario_fields(self)
        checked = {name: self.parameter(name).check(value) for name, value in self.parameters.items()}
        object.__setattr__(self, "parameters", freeze(checked))

    # -- parameters -------------------------------------------------------------
    def parameter(self, name: str) -> ScenarioParam:
        """The declaration of parameter ``name`` with this scenario's value."""
        if name in self.declared:
            return dataclasses.replace(self.declared[name], value=self.parameters.get(
                name, self.declared[name].value))
        if name in PARAMETERS:
            return engine_param(name, self.parameters.get(name))
        raise unknown_name_error(f"parameter of scenario {self.name}", name,
                                 [*PARAMETERS, *self.declared])

    def parameter_names(self) -> list[str]:
        """All parameters: this scenario's own first, then the engine's."""
        return [*self.declared, *PARAMETERS]

    def values(self) -> dict[str, Any]:
        """Every parameter's current value (engine defaults where not set)."""
        return {name: self.parameter(name).value for name in self.parameter_names()}

    def replace(self, **overrides) -> Scenario:
        """A copy with some parameters changed (validated, same names as everywhere)."""
        if not overrides:
            return self
        checked = {name: self.parameter(name).check(value) for name, value in overrides.items()}
        return dataclasses.replace(self, parameters={**self.parameters, **checked})

    # -- building and running ---------------------------------------------------------
    def model_kwargs(self, **overrides) -> dict[str, Any]:
        """Keyword arguments for :class:`ContagionModel` (all but ``rng``) for this scenario."""
        scenario = self.replace(**overrides)
        values = scenario.values()
        network = resolve(scenario.network, values)
        recipe = recipes.NETWORKS[network.pop("recipe")]
        profiles = resolve(scenario.profiles, values)
        shadowed = {t for profile in profiles for t in profile.get("traits", {})}
        fill = {t: values[t] if values[t] is not None else PARAMETERS[t].default for t in shadowed}
        engine_values = {name: values[name] for name in PARAMETERS
                         if name not in shadowed and values[name] is not None}
        return dict(
            graph=partial(_make_graph, recipe, network, profiles, fill), **engine_values,
            events=partial(_make_events, resolve(scenario.events, values)),
            reporters=scenario.reporters(),
        )

    def build(self, rng=None, *, engine: str = "vectorized", space: bool = True,
              collect_every: int = 1, **overrides) -> ContagionModel:
        """A model of this scenario; network, population and events drawn from ``rng``."""
        model = ContagionModel(**self.model_kwargs(**overrides), engine=engine, space=space,
                               collect_every=collect_every, rng=rng)
        model.scenario_spec = self.replace(**overrides)
        return model

    def model_class(self) -> type[ContagionModel]:
        """A ContagionModel subclass whose constructor takes this scenario's parameters.

        For tools that instantiate a model class with keyword arguments, such as
        ``mesa.batch_run(scenario.model_class(), parameters={...}, rng=[...])``.
        """
        scenario = self

        class ScenarioModel(ContagionModel):
            def __init__(self, rng=None, engine: str = "vectorized", **overrides):
                super().__init__(**scenario.model_kwargs(**overrides), engine=engine, rng=rng)
                self.scenario_spec = scenario.replace(**overrides)

        ScenarioModel.__name__ = ScenarioModel.__qualname__ = f"{self.name.title().replace('_', '')}Model"
        return ScenarioModel

    def reporters(self) -> dict:
        """The scenario's per-step metrics as DataCollector reporters."""
        out = {}
        for column, spec in resolve(self.metrics, self.values()).items():
            kwargs = {k: v for k, v in spec.items() if k != "measure"}
            out[column] = partial(measures.MEASURES[spec["measure"]], **kwargs)
        return out

    def run(self, steps: int | None = None, rng=None, *, null: bool = False,
            engine: str = "vectorized", **overrides) -> pd.DataFrame:
        """Build, run ``steps`` (default: the scenario's) and return the per-step table."""
        model = self.build(rng, engine=engine, **overrides)
        if null:
            model.mirroring = 0.0
        return model.run(self.steps if steps is None else steps)

    def outcome_values(self, frame: pd.DataFrame) -> dict[str, float]:
        """The scenario's one-number-per-run outcomes computed from a run's table."""
        out = {}
        for name, spec in resolve(self.outcomes, self.values()).items():
            kwargs = {k: v for k, v in spec.items() if k != "outcome"}
            out[name] = measures.OUTCOMES[spec["outcome"]](frame, **kwargs)
        return out

    def summary_values(self, frame: pd.DataFrame) -> dict[str, float]:
        """Final value of every key metric plus every outcome."""
        finals = {f"{m}_final": float(frame[m].iloc[-1]) for m in self.key_metrics}
        return {**finals, **self.outcome_values(frame)}

    def compare_null(self, steps: int | None = None, rng=None, **overrides) -> pd.DataFrame:
        """Run with and without mirroring (same seed, all else equal) and compare.

        Returns one row per key metric (final value) and outcome, with columns
        ``with_mirroring``, ``null`` (mirroring 0) and ``mirroring_part`` (the
        difference: what mirroring accounts for).
        """
        seed = int(np.random.default_rng(rng).integers(2**32)) if not isinstance(rng, int) else rng
        full = self.summary_values(self.run(steps, seed, **overrides))
        null = self.summary_values(self.run(steps, seed, null=True, **overrides))
        table = pd.DataFrame({"with_mirroring": full, "null": null})
        table["mirroring_part"] = table["with_mirroring"] - table["null"]
        return table.rename_axis("metric")

    def to_toml(self) -> str:
        """This scenario as a TOML document that :func:`scenarios.load` reads back equal."""
        from scenarios.files import dumps

        return dumps(self)

    def describe(self) -> str:
        """Plain text: title, description, caveat, parameters, references."""
        from scenarios.text import describe

        return describe(self)


def _make_graph(recipe, network, profiles, fill, generator):
    return recipes.populate(recipe(generator, **network), profiles, fill, generator)


def _make_events(specs, model):
    events = []
    for spec in specs:
        events.extend(recipes.EVENTS[spec["type"]](spec, model, 0))
    return events


def action_events(scenario: Scenario, label: str, model) -> list:
    """The engine events for dashboard action ``label``, starting at the next step."""
    spec = resolve(scenario.actions[label], scenario.values())
    return recipes.EVENTS[spec["type"]](spec, model, model.steps)


def check_name(name: str) -> None:
    """Scenario names are lower-case identifiers (they become module attributes)."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"name={name!r} is invalid: allowed lower-case letters, digits and _")
