"""What a fit compares: the observed tables, the network if known, and one simulation of them.

Every simulation of a fit (the ABC-SMC particles, the posterior predictive check, the
benchmarks) goes through :func:`simulate_observation`: build the scenario with the
given parameters and seed (on the observed network when there is one), run it to the
last observed step, and return the same tables the data holds. :func:`simulate` adds
the summary statistics.

Where many simulations are asked for at once (the particles of a population, the
pilot, the predictive check), :func:`simulate_observations` runs them through the
ensemble engine (:class:`contagion.ensemble.Ensemble`, as ``run_many`` does) unless
the scenario has no ensemble form: group tables and individual panels alike, on the
networks the recipe draws or on the observed network (:class:`ObservedRunBuilder`:
runs on one network stack block-diagonally like any others). The tables agree with
:func:`simulate_observation` to rounding (about 1e-15) and do not depend on how the
runs are grouped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from contagion.ensemble import Ensemble
from contagion.experiments.ensemble import auto_batch_size, run_size
from contagion.experiments.fitting.data import Observed
from contagion.experiments.fitting.projection import KEY, flatten
from contagion.experiments.fitting.summaries import neighbour_matrix, summarise
from contagion.experiments.plan import run_seed
from scenarios.batch import RunBuilder, unbatchable_reason
from scenarios.batch import _graph as as_run_graph

__all__ = ["Design", "ObservedRunBuilder", "Simulator", "batch_reason", "make_design",
           "run_builder", "simulate", "simulate_batch", "simulate_observation",
           "simulate_observations"]


@dataclass(frozen=True, eq=False)
class Design:
    """The observed tables, the observed network (or None: drawn by the scenario's recipe)."""

    observed: tuple[Observed, ...]
    graph: object = None
    graph_source: str | None = None
    neighbours: tuple = field(default=(), repr=False)

    @property
    def last_step(self) -> int:
        """The last step any table observes: how long each simulation runs."""
        return max(int(o.steps[-1]) for o in self.observed)

    @property
    def kinds(self) -> list[str]:
        """The kind of each table, with ``+network`` for a panel whose network is known."""
        return [o.kind + ("+network" if o.kind == "panel" and self.graph is not None else "")
                for o in self.observed]


def make_design(scenario, observed, graph=None, graph_source=None) -> Design:
    """Check the tables against one model of ``scenario`` and precompute what summaries need.

    Every panel agent must be a node of the network (the observed one, or the one
    the scenario's recipe draws).
    """
    observed = tuple(observed)
    if not observed:
        raise ValueError("give at least one data table")
    model = scenario.build(0, space=False, graph=graph)
    for table in observed:
        if table.kind == "panel":
            _agent_indices(model, table)
    neighbours = tuple(neighbour_matrix(graph, [model.nodes[i] for i in _agent_indices(model, t)])
                       if t.kind == "panel" and graph is not None else None for t in observed)
    return Design(observed, graph, graph_source, neighbours)


def _agent_indices(model, table: Observed) -> np.ndarray:
    index = model.node_index
    out = []
    for agent in table.agents:
        i = index.get(agent)
        if i is None:
            i = {str(node): j for node, j in index.items()}.get(str(agent))
        if i is None:
            nodes = list(index)
            shown = ", ".join(map(str, nodes[:8])) + (", ..." if len(nodes) > 8 else "")
            raise ValueError(f"{table.source}, column 'agent': agent {agent!r} is not a node of "
                             f"the network (nodes: {shown})")
        out.append(i)
    return np.asarray(out, dtype=np.int64)


def simulate_observation(scenario, parameters, seed: int, design: Design) -> tuple[Observed, ...]:
    """One run of ``scenario`` with ``parameters`` and model seed ``seed``, observed like the data.

    Returns one :class:`Observed` per data table: the group metrics at the observed
    steps (only the metrics the data holds are computed, only at those steps), or
    every observed agent's valence and arousal at the observed steps.
    """
    last = design.last_step
    model = scenario.build(seed, space=False, graph=design.graph, collect_every=last + 1,
                           **parameters)
    reporters = model.datacollector.model_reporters
    records = []
    for table in design.observed:
        index = _agent_indices(model, table) if table.kind == "panel" else None
        records.append((table, index, {int(s): j for j, s in enumerate(table.steps)},
                        np.empty(table.values.shape)))
    for step in range(last + 1):
        if step:
            model.step()
        for table, index, at, values in records:
            if step not in at:
                continue
            for j, name in enumerate(table.names):
                if index is None:
                    values[at[step], j] = _report(reporters[name], model)
                else:
                    values[j, at[step]] = getattr(model, name)[index]
    return tuple(table.like(values) for table, _, _, values in records)


class ObservedRunBuilder(RunBuilder):
    """:class:`RunBuilder` whose runs all use one observed network instead of the recipe's.

    As ``Scenario.build(seed, graph=graph)``: the network is the observed one (its
    recipe draws nothing), the population, profiles and events are drawn on it from
    the run's generator. Runs on the same network stack block-diagonally in the
    ensemble like any others.
    """

    def __init__(self, scenario, graph):
        super().__init__(scenario, None)
        self._observed = as_run_graph(graph)

    def _network(self, point, rng):
        return self._observed


def batch_reason(scenario, design: Design) -> str | None:
    """Why the ensemble engine cannot run this design's simulations; None if it can."""
    return unbatchable_reason(scenario)


def run_builder(scenario, design: Design) -> RunBuilder:
    """The builder of this design's runs (on the observed network when there is one)."""
    if design.graph is not None:
        return ObservedRunBuilder(scenario, design.graph)
    return RunBuilder(scenario, None)


def batch_size_for(builder: RunBuilder, runs, batch_size: int | None = None) -> int:
    """Runs per ensemble: ``batch_size``, or :func:`auto_batch_size` of the model's size."""
    if batch_size is not None:
        return max(1, int(batch_size))
    agents = run_size(builder, *runs[0], f"run 0 with {runs[0][0]}") if runs else 1
    return auto_batch_size(agents)


def simulate_batch(builder: RunBuilder, runs, design: Design) -> list[tuple[Observed, ...]]:
    """``runs`` (``(parameters, seed)`` pairs) as one ensemble, observed like the data.

    Group tables read the scenario's metrics of every run at the observed steps (only
    those metrics, only at those steps); panels read the observed agents' valence and
    arousal straight from the ensemble's state arrays.
    """
    specs, points = [], []
    for params, seed in runs:
        points.append(builder.point(params))
        specs.append(builder.spec(params, seed, points[-1]))
    ensemble = Ensemble(specs, builder.reporters(points))
    wanted = sorted({name for table in design.observed if table.kind == "group"
                     for name in table.names})
    rows = []  # per panel: the observed agents' rows in the ensemble's arrays
    for table in design.observed:
        if table.kind != "panel":
            rows.append(None)
            continue
        cache: dict[int, np.ndarray] = {}
        per_run = []
        for r, spec in enumerate(specs):
            key = id(spec.nodes)
            if key not in cache:
                cache[key] = _node_positions(spec.nodes, table)
            per_run.append(ensemble.offsets[r] + cache[key])
        rows.append(np.stack(per_run))  # (runs, agents)
    values = [np.empty((len(runs), *table.values.shape)) for table in design.observed]
    at = [{int(s): j for j, s in enumerate(table.steps)} for table in design.observed]

    def record(ens: Ensemble) -> None:
        step = ens.steps
        if not any(step in positions for positions in at):
            return
        columns = ens.collect(wanted) if wanted else {}
        for k, table in enumerate(design.observed):
            j = at[k].get(step)
            if j is None:
                continue
            if table.kind == "group":
                for m, name in enumerate(table.names):
                    values[k][:, j, m] = columns[name]
            else:
                for m, name in enumerate(table.names):
                    values[k][:, m, j, :] = getattr(ens, name)[rows[k]]

    record(ensemble)
    ensemble.run(design.last_step, record)
    return [tuple(table.like(values[k][r]) for k, table in enumerate(design.observed))
            for r in range(len(runs))]


def _node_positions(nodes, table: Observed) -> np.ndarray:
    """Positions of the panel's agents among ``nodes`` (a run's node order)."""
    index = {node: i for i, node in enumerate(nodes if nodes is not None else [])}
    by_text = None
    out = []
    for agent in table.agents:
        i = index.get(agent)
        if i is None:
            by_text = by_text or {str(node): j for node, j in index.items()}
            i = by_text.get(str(agent))
        if i is None:
            raise ValueError(f"{table.source}, column 'agent': agent {agent!r} is not a node of "
                             "the network a simulation drew")
        out.append(i)
    return np.asarray(out, dtype=np.int64)


def simulate_observations(scenario, runs, design: Design, *, batch: bool = True,
                          batch_size: int | None = None) -> list[tuple[Observed, ...]]:
    """:func:`simulate_observation` for each ``(parameters, seed)`` of ``runs``, in order.

    Batched by the ensemble engine (``batch_size`` runs at a time, by default
    :func:`auto_batch_size` of the model) unless ``batch`` is False or the scenario
    has no ensemble form (:func:`batch_reason`); then one model per run.
    """
    runs = [(dict(parameters), int(seed)) for parameters, seed in runs]
    if not runs or not batch or batch_reason(scenario, design) is not None:
        return [simulate_observation(scenario, p, seed, design) for p, seed in runs]
    builder = run_builder(scenario, design)
    size = batch_size_for(builder, runs, batch_size)
    out = []
    for first in range(0, len(runs), size):
        out.extend(simulate_batch(builder, runs[first:first + size], design))
    return out


def _report(reporter, model) -> float:
    """One metric now, called the way Mesa's DataCollector calls it."""
    if isinstance(reporter, str):
        return float(getattr(model, reporter))
    if isinstance(reporter, list):
        return float(reporter[0](*reporter[1]))
    return float(reporter(model))


def simulate(scenario, parameters, seed: int, design: Design) -> dict[str, np.ndarray]:
    """The summary statistics of one simulation (see :mod:`.summaries`)."""
    return summarise(simulate_observation(scenario, parameters, seed, design), design.neighbours)


class Simulator:
    """The model function pyabc calls: parameters -> ``{"summary": statistics as one vector}``.

    Each simulation's model seed derives from the root seed and the parameter values
    (as a sweep's run seed derives from its identity), so it does not depend on which
    worker runs it or when.
    """

    def __init__(self, scenario, design: Design, root_seed: int, names):
        self.scenario, self.design, self.root_seed = scenario, design, root_seed
        self.names = tuple(names)

    def values(self, parameters) -> dict[str, float]:
        """The fitted parameters' values as plain floats."""
        return {name: float(parameters[name]) for name in self.names}

    def seed(self, values, replicate: int = 0) -> int:
        """The model seed for these values (replicate > 0: further independent runs)."""
        return run_seed(self.root_seed, self.scenario.name, values, replicate)

    def raw(self, values) -> dict[str, np.ndarray]:
        """The named summary statistics of one simulation with these values."""
        return simulate(self.scenario, values, self.seed(values), self.design)

    def raw_many(self, many, *, batch: bool = True,
                 batch_size: int | None = None) -> list[dict[str, np.ndarray]]:
        """:meth:`raw` for each of ``many`` values, batched unless ``batch`` is False."""
        runs = [(values, self.seed(values)) for values in many]
        return [summarise(tables, self.design.neighbours)
                for tables in simulate_observations(self.scenario, runs, self.design,
                                                    batch=batch, batch_size=batch_size)]

    def batch_size(self) -> int | None:
        """Runs per ensemble by default (:func:`auto_batch_size`); None: no ensemble form."""
        if batch_reason(self.scenario, self.design) is not None:
            return None
        builder = run_builder(self.scenario, self.design)
        return auto_batch_size(run_size(builder, {}, 0, f"scenario {self.scenario.name}"))

    def vectors(self, many, *, batch: bool = True, batch_size: int | None = None) -> np.ndarray:
        """The statistics of each of ``many`` values as rows of one array (runs, statistics)."""
        rows = [flatten(stats) for stats in self.raw_many(many, batch=batch,
                                                          batch_size=batch_size)]
        return np.vstack(rows) if rows else np.zeros((0, 0))

    def __call__(self, parameters) -> dict[str, np.ndarray]:
        return {KEY: flatten(self.raw(self.values(parameters)))}
