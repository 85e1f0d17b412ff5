"""``Scenario``: a frozen, documented declaration of a contagion experiment.

A scenario says which network, which people (a population drawn from declared
distributions, profiles), which events, which choices, which metrics, and how long a
step lasts; it computes nothing itself. Values anywhere in the declaration may be
``"$name"``, a reference to one of its parameters, so that
``Scenario.build(leader_mood=-0.5)`` or ``--set leader_mood=-0.5`` reaches the event
that pins the leader. The fair null (``null="social"``) cuts social contagion and
keeps every stimulus; ``null="stimulus"`` removes the stimuli.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import partial
from types import MappingProxyType
from typing import Any

import numpy as np

from contagion import rules
from contagion.params import PARAMETERS, default_for, unknown_name_error
from scenarios import compare
from scenarios import measures, recipes
from scenarios.budget import check_values
from scenarios.declaration import freeze, resolve, thaw
from scenarios.params import STANDARD, ScenarioParam, engine_param, step_param
from scenarios.resolved import (make_events, make_graph, outcomes_in_steps, reporter_specs,
                                resolve_run)
from scenarios.timing import event_in_steps, run_steps
from scenarios.serialize import dumps
from scenarios.text import describe
from scenarios.validate import check_scenario_fields
from contagion.lazy import lazy

nx = lazy("networkx")
pd = lazy("pandas")

__all__ = ["NULLS", "Scenario", "action_events", "model_class_name"]

#: The null models every scenario has: cut social contagion, or remove the stimuli.
NULLS = ("social", "stimulus")

PROFILE_KEYS = {"name", "who", "share", "group", "traits"}


@dataclasses.dataclass(frozen=True)
class Scenario:
    """A contagion scenario: network, population, events, metrics and references.

    Build a model with :meth:`build`, run it with :meth:`run`, change parameters
    with :meth:`replace`, compare with the null model with :meth:`compare_null`.
    Parameters are the engine's (``mirroring``, ``regulation``, ...) plus the
    scenario's own ``declared`` ones; :meth:`parameters` lists them all. Every time
    it declares (``duration``, event and outcome times, how often people choose) is in
    ``time_unit``; ``dt`` is the length of one step, and :attr:`steps` how many steps
    the run lasts. ``seed``
    (optional) is the seed ``contagion run`` uses when none is given: a file
    exported by the dashboard carries the seed of the run it shows.
    """

    name: str
    title: str
    description: str
    references: tuple[str, ...]
    network: Mapping[str, Any]
    caveat: str = ""
    duration: float = 100.0
    parameters: Mapping[str, Any] = MappingProxyType({})
    declared: Mapping[str, ScenarioParam] = MappingProxyType({})
    profiles: tuple[Mapping[str, Any], ...] = ()
    events: tuple[Mapping[str, Any], ...] = ()
    metrics: Mapping[str, Mapping[str, Any]] = MappingProxyType({})
    outcomes: Mapping[str, Mapping[str, Any]] = MappingProxyType({})
    key_metrics: tuple[str, ...] = ()
    view: str = "network"
    actions: Mapping[str, Mapping[str, Any]] = MappingProxyType({})
    dt: float = 1.0
    time_unit: str = "minute"
    population: Mapping[str, Any] = MappingProxyType({})
    choices: Mapping[str, Mapping[str, Any]] = MappingProxyType({})
    channels: Mapping[str, str] = MappingProxyType({})
    findings: tuple[Mapping[str, str], ...] = ()
    rule: str = "mirroring"
    seed: int | None = None
    tolerance: float = rules.TOLERANCE

    def __post_init__(self):
        for field in ("network", "parameters", "declared", "profiles", "events", "metrics",
                      "outcomes", "key_metrics", "actions", "references", "population",
                      "choices", "channels", "findings"):
            value = getattr(self, field)
            frozen = MappingProxyType(dict(value)) if field == "declared" else freeze(value)
            object.__setattr__(self, field, frozen)
        check_scenario_fields(self)
        checked = {name: self._checked(name, value) for name, value in self.parameters.items()}
        object.__setattr__(self, "parameters", freeze(checked))
        check_values(self, self.values())  # sizes and memory at these values, before any build

    @property
    def steps(self) -> int:
        """Steps of the default run: ``duration / dt``, rounded."""
        return run_steps(self.duration, self.dt)

    # -- parameters -------------------------------------------------------------
    def parameter(self, name: str) -> ScenarioParam:
        """The declaration of parameter ``name`` with this scenario's value."""
        if name == "dt":
            return step_param(self.dt, self.time_unit)
        if name in self.declared:
            return dataclasses.replace(self.declared[name], value=self.parameters.get(
                name, self.declared[name].value))
        if name in PARAMETERS:
            return engine_param(name, self.parameters.get(name), self.rule)
        if name in STANDARD:
            return dataclasses.replace(STANDARD[name], value=self.parameters.get(
                name, STANDARD[name].value))
        raise unknown_name_error(f"parameter of scenario {self.name}", name,
                                 [*PARAMETERS, *STANDARD, *self.declared])

    def parameter_names(self) -> list[str]:
        """All parameters: this scenario's own first, then every scenario's, then the engine's."""
        return [*self.declared, *STANDARD, *PARAMETERS]

    def uses(self, name: str) -> bool:
        """True when this scenario's rule uses parameter ``name`` (its own ones always)."""
        self.parameter(name)  # unknown names raise
        return name not in PARAMETERS or self.rule in PARAMETERS[name].rules

    def _checked(self, name: str, value):
        """``value`` validated for ``name``; a rule parameter of another rule must stay at its default."""
        checked = self.parameter(name).check(value)
        if not self.uses(name) and checked != default_for(name, self.rule):
            rules = " and ".join(PARAMETERS[name].rules)
            raise ValueError(f"{name}={value!r} has no effect in scenario {self.name}: it belongs "
                             f"to the {rules} rule, and this scenario runs rule={self.rule!r}")
        return checked

    def is_live(self, name: str) -> bool:
        """True when changing ``name`` on a running model takes effect at the next step.

        Engine parameters declared ``live`` are, unless a profile of this scenario sets
        them per agent (setting them on the model would overwrite the profile's values);
        traits the population draws are live through :meth:`set_live`, which keeps
        people different. The scenario's own parameters shape the network and events,
        so they take effect on the next build.
        """
        self.parameter(name)  # unknown names raise
        if name not in PARAMETERS or name in self.declared or not PARAMETERS[name].live:
            return False
        return all(name not in p.get("traits", {}) for p in self.profiles)

    def set_live(self, model: ContagionModel, name: str, value) -> None:
        """Change ``name`` on a running ``model`` of this scenario, from its next step.

        A trait the population draws keeps its spread: a rate (gamma, beta) is scaled by
        ``value / old`` (``old`` the value the model was built with), a level (normal,
        uniform) shifted by ``value - old``, and clipped to the range. Anything else is
        set on the model as is.
        """
        if not self.is_live(name):
            raise ValueError(f"{name} does not act on a running model of {self.name}: "
                             "it applies when the model is rebuilt")
        value = self.parameter(name).check(value)
        spec = self.population.get(name)
        if spec is None:
            setattr(model, name, value)
        else:
            old = model.scenario_spec.values()[name]
            drawn = model.traits[name]
            if spec["dist"] in ("gamma", "beta"):
                moved = drawn * (value / old) if old else np.full_like(drawn, value)
            else:
                moved = drawn + (value - old)
            setattr(model, name, np.clip(moved, PARAMETERS[name].low, PARAMETERS[name].high))
        model.scenario_spec = model.scenario_spec.replace(**{name: value})

    def per_agent_traits(self) -> set[str]:
        """Traits the population or a profile sets per agent."""
        return set(self.population) | {t for p in self.profiles for t in p.get("traits", {})}

    def values(self) -> dict[str, Any]:
        """Every parameter's current value (engine defaults where not set)."""
        return {name: self.parameter(name).value for name in self.parameter_names()}

    def replace(self, **overrides) -> Scenario:
        """A copy with some parameters changed (validated, same names as everywhere)."""
        if not overrides:
            return self
        overrides = dict(overrides)
        step = {"dt": self.parameter("dt").check(overrides.pop("dt"))} if "dt" in overrides else {}
        checked = {name: self._checked(name, value) for name, value in overrides.items()}
        return dataclasses.replace(self, parameters={**self.parameters, **checked}, **step)

    # -- building and running ---------------------------------------------------------
    def model_kwargs(self, *, graph=None, **overrides) -> dict[str, Any]:
        """Keyword arguments for :class:`ContagionModel` (all but ``rng``) for this scenario.

        ``graph``: a networkx graph to use instead of the network the recipe draws (an
        observed network); the population and profiles are still drawn on it.
        """
        run = resolve_run(self, overrides)
        people = (run.population, run.profiles, run.traits, run.spread)
        recipe, network = recipes.NETWORKS[run.recipe], run.network
        if graph is not None:
            if not isinstance(graph, nx.Graph):
                raise ValueError(f"graph={type(graph).__name__} is not a networkx graph: read a "
                                 "network file with contagion.graphs.read_graph")
            recipe, network = _given(graph), {}
        return dict(
            graph=partial(make_graph, recipe, network, *people),
            **run.engine_values, events=partial(make_events, run.events),
            choices=run.choices, reporters=_reporters(self.key_metrics, run.metrics),
            dt=run.dt, time_unit=self.time_unit, rule=self.rule, tolerance=self.tolerance,
        )

    def build(self, rng=None, *, null: str | None = None, engine: str = "vectorized",
              space: bool = True, collect_every: int = 1, graph=None,
              **overrides) -> ContagionModel:
        """A model of this scenario; network, population and events drawn from ``rng``.

        ``null="social"``: social contagion cut (nobody perceives anybody), stimuli
        kept, the fair null; ``null="stimulus"``: the stimuli removed; same seed, so
        the same people, network and events. ``graph``: an observed network to use
        instead of the recipe's (see :meth:`model_kwargs`).
        """
        if null is not None and null not in NULLS:
            raise ValueError(f"null={null!r} is not known: allowed {', '.join(NULLS)} or None")
        from contagion.model import ContagionModel  # Mesa: loaded when a model is made

        model = ContagionModel(**self.model_kwargs(graph=graph, **overrides), engine=engine,
                               space=space,
                               collect_every=collect_every, rng=rng,
                               social=null != "social", stimuli=null != "stimulus")
        model.scenario_spec = self.replace(**overrides)
        return model

    def model_class(self) -> type[ContagionModel]:
        """A ContagionModel subclass whose constructor takes this scenario's parameters.

        For tools that instantiate a model class with keyword arguments, such as
        ``mesa.batch_run(scenario.model_class(), parameters={...}, rng=[...])``. The
        class of a registered scenario can be pickled (it lives in
        :mod:`scenarios.models`), so ``number_processes > 1`` works too.
        """
        key = self.to_toml()
        if key not in _MODEL_CLASSES:
            _MODEL_CLASSES[key] = _make_model_class(self)
        return _MODEL_CLASSES[key]

    def __reduce__(self):
        """Pickle as plain data (dicts, lists, declarations), rebuilt and re-validated."""
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        plain = {k: (dict(v) if k == "declared" else thaw(v)) for k, v in fields.items()}
        return _from_fields, (plain,)

    def reporters(self) -> dict:
        """The scenario's per-step metrics as DataCollector reporters.

        Key metrics named ``<group>_valence`` / ``<group>_arousal`` are reported
        even when the group has no members at some setting (NaN then), so their
        columns exist for every parameter value (``profile_share = 0``).
        """
        return _reporters(self.key_metrics, resolve(self.metrics, self.values()))

    def run(self, steps: int | None = None, rng=None, *, null: str | None = None,
            engine: str = "vectorized", **overrides) -> pd.DataFrame:
        """Build, run ``steps`` (default: the scenario's ``duration``) and return the
        per-step table."""
        model = self.build(rng, null=null, engine=engine, **overrides)
        return model.run(model.scenario_spec.steps if steps is None else steps)

    def outcome_values(self, frame: pd.DataFrame) -> dict[str, float]:
        """The scenario's one-number-per-run outcomes computed from a run's table."""
        out = {}
        for name, spec in outcomes_in_steps(self.outcomes, self.values(), self.dt).items():
            kwargs = {k: v for k, v in spec.items() if k != "outcome"}
            out[name] = measures.OUTCOMES[spec["outcome"]](frame, **kwargs)
        return out

    def summary_values(self, frame: pd.DataFrame) -> dict[str, float]:
        """Final value of every key metric plus every outcome."""
        finals = {f"{m}_final": float(frame[m].iloc[-1]) for m in self.key_metrics}
        return {**finals, **self.outcome_values(frame)}

    def compare_null(self, steps: int | None = None, rng: int = 0, *, seeds: int = 10,
                     progress=None, **overrides) -> pd.DataFrame:
        """The full model against both nulls over ``seeds`` seeds (``rng``, ``rng + 1``, ...).

        One row per key metric (final value) and outcome: the mean of the full model
        (``full``), without social contagion (``no_social``: the fair null), without
        stimuli (``no_stimulus``), and the part due to social contagion (``social``,
        the mean of full minus no_social over the same seeds) with its 95 % t-interval
        (``social_low``, ``social_high``). See :func:`scenarios.compare.compare_null`.
        """
        return compare.compare_null(self, steps, rng, seeds, progress, **overrides)

    def to_toml(self) -> str:
        """This scenario as a TOML document that :func:`scenarios.load` reads back equal."""
        return dumps(self)

    def describe(self) -> str:
        """Plain text: title, description, caveat, parameters, references."""
        return describe(self)


_MODEL_CLASSES: dict[str, type] = {}


def _from_fields(fields: dict) -> Scenario:
    return Scenario(**fields)


def model_class_name(name: str) -> str:
    """``leader_team`` -> ``LeaderTeamModel``: the class name of a scenario's model."""
    return "".join(part.title() for part in name.split("_")) + "Model"


def _make_model_class(scenario: Scenario) -> type[ContagionModel]:
    from contagion.model import ContagionModel  # Mesa: loaded when a model class is made

    def __init__(self, rng=None, engine: str = "vectorized", **overrides):
        ContagionModel.__init__(self, **scenario.model_kwargs(**overrides), engine=engine, rng=rng)
        self.scenario_spec = scenario.replace(**overrides)

    def step(self):
        """One step; at the scenario's last step ``running`` turns False (Mesa's batch_run)."""
        ContagionModel.step(self)
        if self.steps >= self.scenario_spec.steps:
            self.running = False

    name = model_class_name(scenario.name)
    return type(name, (ContagionModel,), {
        "__init__": __init__, "step": step, "__module__": "scenarios.models", "__qualname__": name,
        "declared_scenario": scenario,
        "__doc__": f"The {scenario.title!r} scenario as a model class (see Scenario.model_class).",
    })


def _reporters(key_metrics, metrics) -> dict:
    return {column: partial(measures.MEASURES[measure], **kwargs)
            for column, (measure, kwargs) in reporter_specs(key_metrics, metrics).items()}


def action_events(scenario: Scenario, label: str, model) -> list:
    """The engine events for dashboard action ``label``, its times counted from now."""
    spec = event_in_steps(resolve(scenario.actions[label], scenario.values()), model.dt,
                          f"actions.{label!r}", now=model.steps)
    return recipes.EVENTS[spec["type"]](spec, model)


def _given(graph):
    """A recipe that returns a copy of ``graph`` (an observed network)."""
    def observed_network(rng):
        return graph.copy()
    return observed_network
