"""Many runs of a scenario as arrays for the ensemble engine, without Mesa per run.

``Scenario.build`` makes one Mesa model: a networkx graph with every trait as a node
attribute, one Mesa agent per person, a DataCollector. For an ensemble
(:mod:`contagion.ensemble`) a run needs only arrays, so :class:`RunBuilder` makes the
same run as a :class:`~contagion.ensemble.RunSpec`. Each run draws from its own
generator in the order the model draws alone: the network recipe, the population and
profiles (:func:`scenarios.recipes.draw_population`, the same function
``recipes.populate`` uses), the start state where none is given
(:func:`contagion.population.start_state`), then the events. What draws nothing is
built once and shared:

- the resolved declaration of each parameter point (:func:`resolve_run`);
- a network whose recipe draws nothing from the generator (a team, a speaker and
  listeners, an incident, an audience watching alone), found by comparing the
  generator's state before and after the recipe: one graph per set of network keys;
- the events of a parameter point when they draw nothing.

A recipe that draws (a stadium's friends and rivals, a small world) still builds a
networkx graph for every run: that is the per-run Python cost that remains.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np

from contagion.clock import check_time_step, to_minutes
from contagion.ensemble import TRAITS, RunSpec, generator
from contagion.ensemble_inputs import RunView
from contagion.events import check_event, group_code
from contagion.graphs import as_in_edges, node_attribute
from contagion.params import PARAMETERS, check_array, check_scalar
from contagion.population import START, start_state
from scenarios import recipes
from scenarios.batch_measures import BATCH_MEASURES, BATCH_OUTCOMES, COLUMN_KEYS
from scenarios.timing import choice_every
from scenarios.resolved import Resolved, call_recipe, make_events, reporter_specs, resolve_run

__all__ = ["RunBuilder", "unbatchable_reason"]


def unbatchable_reason(scenario) -> str | None:
    """Why the ensemble engine cannot run ``scenario`` (None: it can)."""
    rule = getattr(scenario, "rule", "mirroring")
    if rule != "mirroring":
        return (f"rule={rule!r}: the ensemble engine runs the mirroring rule only (the "
                "discrete-state rules step one model at a time)")
    if scenario.rule != "mirroring":
        return f"rule {scenario.rule!r} has no ensemble form (the ensemble engine runs mirroring)"
    for name, spec in scenario.choices.items():
        if spec.get("every") is not None and choice_every(spec["every"], scenario.dt,
                                                          f"choices.{name}") != 1:
            return (f"choice {name} is made every {spec['every']:g} {scenario.time_unit}s, "
                    f"more than one step of {scenario.dt:g}: the ensemble engine makes "
                    "choices every step")
    for name, spec in scenario.metrics.items():
        if spec["measure"] not in BATCH_MEASURES:
            return f"metric {name} uses measure {spec['measure']!r}, which has no ensemble form"
    for name, spec in scenario.outcomes.items():
        if spec["outcome"] not in BATCH_OUTCOMES:
            return f"outcome {name} uses {spec['outcome']!r}, which has no ensemble form"
    return None


@dataclass
class _Graph:
    """A network as the engine reads it: nodes, groups, in-edges, numeric node attributes."""

    nodes: list
    labels: list
    in_edges: Any
    graph: Any = field(repr=False)
    _attributes: dict = field(default_factory=dict, repr=False)

    def attribute(self, name: str):
        if name not in self._attributes:
            self._attributes[name] = node_attribute(self.graph, self.nodes, name)
        return self._attributes[name]


def _graph(graph) -> _Graph:
    in_edges, nodes = as_in_edges(graph, "weight")
    groups = graph.nodes(data="group") if hasattr(graph, "nodes") else {}
    return _Graph(nodes, [groups[n] for n in nodes] if groups else [None] * len(nodes),
                  in_edges, graph)


@dataclass
class _Point:
    """One parameter point: its declaration, engine values, and what it shares."""

    run: Resolved
    engine: dict
    network: Any = None
    events: list | None = None
    full: dict = field(default_factory=dict)

    def constant(self, name: str, n: int) -> np.ndarray:
        """An engine value as one value per agent (shared: never written)."""
        key = (name, n)
        if key not in self.full:
            self.full[key] = np.full(n, self.engine[name])
        return self.full[key]


def _key(mapping: Mapping[str, Any]):
    """A dictionary key for parameter values (lists become tuples)."""
    try:
        key = tuple(sorted((name, _frozen(value)) for name, value in mapping.items()))
        hash(key)
        return key
    except TypeError:
        return json.dumps(sorted(mapping.items()), default=repr)


def _frozen(value):
    return tuple(_frozen(v) for v in value) if isinstance(value, (list, tuple)) else value


def _check_seed(seed) -> None:
    ok = (seed is None or isinstance(seed, (np.random.Generator, np.random.SeedSequence))
          or (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0))
    if not ok:
        raise ValueError(f"rng={seed!r} is not a seed: allowed None, an integer >= 0 or a "
                         "numpy Generator")


class RunBuilder:
    """Builds runs of ``scenario`` (see the module docstring); ``null`` as ``Scenario.build``."""

    def __init__(self, scenario, null: str | None = None):
        self.scenario = scenario
        self.social, self.stimuli = null != "social", null != "stimulus"
        self.dt, self.time_unit = check_time_step(scenario.dt, scenario.time_unit)
        self.tolerance = scenario.tolerance
        self.dt_minutes = to_minutes(self.dt, self.time_unit)
        self._points: dict[Any, _Point] = {}
        self._graphs: dict[Any, _Graph | None] = {}
        self._labels: dict[tuple, tuple] = {}

    def point(self, params: Mapping[str, Any]) -> _Point:
        """The resolved declaration of parameter point ``params`` (checked, cached)."""
        key = _key(params)
        if key not in self._points:
            run = resolve_run(self.scenario, params)
            engine = {name: check_scalar(PARAMETERS[name], value)
                      for name, value in run.engine_values.items()}
            self._points[key] = _Point(run, engine, _key({"recipe": run.recipe, **run.network}))
        return self._points[key]

    def spec(self, params: Mapping[str, Any], seed, point: _Point | None = None) -> RunSpec:
        """Run ``params`` with seed ``seed``: what ``Scenario.build(seed, **params)`` holds.

        ``point``: ``self.point(params)`` where the caller has it already.
        """
        _check_seed(seed)
        point = self.point(params) if point is None else point
        run, rng = point.run, generator(seed)
        graph = self._network(point, rng)
        labels, drawn = recipes.draw_population(graph.labels, run.population, run.profiles,
                                                run.traits, rng, run.spread)
        n = len(labels)
        names, codes = self._groups(labels)

        def node_value(name):
            return drawn[name] if name in drawn else graph.attribute(name)

        def given(name):  # as ContagionModel reads a parameter it was not given as a number
            return point.engine[name] if name in point.engine else node_value(name)

        state = {}
        for name, (rest_name, *_) in START.items():
            value = given(name)
            state[name] = start_state(name, value, given(rest_name) if value is None else None,
                                      rng, n)
        starts = {"baseline": state["initial_valence"],
                  "baseline_arousal": state["initial_arousal"]}
        traits = {}
        for name in TRAITS:
            if name in point.engine:
                traits[name] = point.constant(name, n)
            elif (value := node_value(name)) is not None:
                traits[name] = _checked(name, value, n)
            elif name in starts:
                traits[name] = starts[name]
            else:
                traits[name] = np.full(n, PARAMETERS[name].default)
        spec = RunSpec(graph.in_edges, codes, names, traits, state["initial_valence"].copy(),
                       state["initial_arousal"].copy(), rng,
                       point.engine.get("expertise_gain", PARAMETERS["expertise_gain"].default),
                       point.engine.get("outgroup_sign", PARAMETERS["outgroup_sign"].default),
                       point.engine.get("noise", PARAMETERS["noise"].default),
                       (), tuple(run.choices), graph.nodes, run.dt, self.time_unit,
                       to_minutes(run.dt, self.time_unit), self.social, self.stimuli,
                       self.tolerance)
        spec.events = tuple(self._events(point, rng))
        view = RunView(spec)
        for event in spec.events:
            check_event(view, event)
        for choice in spec.choices:
            if isinstance(choice.who, str):
                group_code(view, choice.who)
        return spec

    def _groups(self, labels: list) -> tuple[list, np.ndarray]:
        """Group names and codes; the last few labellings are kept (most runs repeat one)."""
        key = tuple(labels)
        if key not in self._labels:
            if len(self._labels) >= 64:
                self._labels.clear()
            self._labels[key] = _groups(labels)
        return self._labels[key]

    def _network(self, point: _Point, rng) -> _Graph:
        """The run's network: shared when its recipe draws nothing, else built from ``rng``."""
        run, key = point.run, point.network
        shared = self._graphs.get(key)
        if shared is not None:
            return shared
        before = rng.bit_generator.state if key not in self._graphs else None
        graph = _graph(call_recipe(recipes.NETWORKS[run.recipe], run.network, rng))
        if before is not None:  # first time: does this recipe draw?
            self._graphs[key] = graph if rng.bit_generator.state == before else None
        return graph

    def _events(self, point: _Point, rng) -> list:
        if point.events is not None:
            return point.events
        before = rng.bit_generator.state
        events = make_events(point.run.events, SimpleNamespace(rng=rng))
        if rng.bit_generator.state == before:
            point.events = events
        return events

    def reporters(self, points: list[_Point]) -> dict:
        """The scenario's columns as ``f(ensemble) -> array (runs,)``, run r at ``points[r]``.

        Where a measure's keys depend on the parameters, runs are grouped by them.
        """
        specs = _per_point(points, lambda point: reporter_specs(self.scenario.key_metrics,
                                                                point.run.metrics))
        return {name: _by_arguments(BATCH_MEASURES[measure], specs, lambda spec: spec[name][1])
                for name, (measure, _) in specs[1][0].items()}

    def outcome_columns(self, points: list[_Point]) -> list[str]:
        """The columns the scenario's outcomes read, for runs at these points."""
        return list(dict.fromkeys(
            value for point in {id(p): p for p in points}.values()
            for spec in point.run.outcomes.values()
            for key, value in spec.items() if key in COLUMN_KEYS))

    def outcomes(self, points: list[_Point], series: Mapping[str, np.ndarray],
                 steps: np.ndarray, step_length: float) -> dict[str, np.ndarray]:
        """Every outcome of runs at these points from ``series`` (see :mod:`batch_measures`)."""
        specs = _per_point(points, lambda point: point.run.outcomes)
        out = {}
        for name, first in specs[1][0].items():
            function = _by_arguments(BATCH_OUTCOMES[first["outcome"]], specs, lambda spec: {
                k: v for k, v in spec[name].items() if k != "outcome"})
            out[name] = function(series, steps, step_length)
        return out


def _groups(labels: list) -> tuple[list, np.ndarray]:
    """Group names and codes as ``ContagionModel`` derives them from the node attribute."""
    given = [g for g in labels if g is not None]
    if not given:
        return [], np.zeros(len(labels), dtype=np.int64)
    if len(given) != len(labels):
        raise ValueError(f"node attribute 'group' is on {len(given)} of {len(labels)} nodes: "
                         "give it for every node, or pass group= explicitly")
    text = [str(g) for g in labels]
    names = list(dict.fromkeys(text))
    lookup = {g: k for k, g in enumerate(names)}
    return names, np.array([lookup[g] for g in text], dtype=np.int64)


def _per_point(points: list[_Point], read) -> tuple[np.ndarray, list]:
    """``(which, values)``: ``read`` of each distinct point, and run r's index into them."""
    distinct: dict[int, int] = {}
    values = []
    which = np.empty(len(points), dtype=np.int64)
    for run, point in enumerate(points):
        if id(point) not in distinct:
            distinct[id(point)] = len(values)
            values.append(read(point))
        which[run] = distinct[id(point)]
    return which, values


def _by_arguments(function, specs: tuple[np.ndarray, list], arguments):
    """``f(*data) -> array (runs,)``: each run's value of ``function(*data, **its arguments)``.

    ``specs`` is :func:`_per_point`'s ``(which, values)``; ``arguments(value)`` the
    keyword arguments of a point. Runs are computed together where they agree.
    """
    which, values = specs
    found = [arguments(value) for value in values]
    keys = [_key(a) for a in found]
    if len(set(keys)) == 1:
        return lambda *data: function(*data, **found[0])
    group_of = {key: k for k, key in enumerate(dict.fromkeys(keys))}
    group = np.array([group_of[key] for key in keys])[which]
    first = {group_of[key]: found[k] for k, key in reversed(list(enumerate(keys)))}

    def by_group(*data):
        out = np.full(len(which), np.nan)
        for g, kwargs in first.items():
            runs = group == g
            out[runs] = function(*data, **kwargs)[runs]
        return out

    return by_group


def _checked(name: str, value, n: int) -> np.ndarray:
    """``value`` as one float per agent in the parameter's range (else check_array's error)."""
    param = PARAMETERS[name]
    array = np.asarray(value, dtype=float)
    if array.shape == (n,) and ((array >= param.low) & (array <= param.high)).all():
        return array
    return check_array(param, value, n)
