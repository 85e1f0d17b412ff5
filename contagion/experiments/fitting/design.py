"""What a fit compares: the observed tables, the network if known, and one simulation of them.

Every simulation of a fit (the ABC-SMC particles, the posterior predictive check, the
benchmarks) goes through :func:`simulate_observation`: build the scenario with the
given parameters and seed (on the observed network when there is one), run it to the
last observed step, and return the same tables the data holds. :func:`simulate` adds
the summary statistics.

Where many simulations are asked for at once (the pilot, the predictive check),
:func:`simulate_observations` runs them through the ensemble engine (that of
``run_many``, :func:`contagion.experiments.ensemble.simulate`) when the design
allows it: group data, no observed network, a scenario the ensemble can run, and a
model small enough to gain from it (:data:`BATCH_AGENTS`). The tables agree with
:func:`simulate_observation` to rounding (about 1e-16) and do not depend on how the
runs are grouped. pyabc asks for one particle at a time, so particles take the
one-run path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from contagion.experiments.ensemble import auto_batch_size, run_size, simulate as run_batch
from contagion.experiments.fitting.data import Observed
from contagion.experiments.fitting.projection import KEY, flatten
from contagion.experiments.fitting.summaries import neighbour_matrix, summarise
from contagion.experiments.plan import run_seed
from scenarios.batch import RunBuilder, unbatchable_reason

__all__ = ["Design", "Simulator", "batch_reason", "make_design", "simulate",
           "simulate_observation", "simulate_observations"]


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


#: Models of at most this many people are simulated in batches; larger ones one at a
#: time, which is faster for them (benchmarks/RESULTS.md, Ensembles: 1.5x batched at
#: 200 fans, 0.8x at 2,000).
BATCH_AGENTS = 1_000


def batch_reason(scenario, design: Design) -> str | None:
    """Why the ensemble engine cannot run this design's simulations; None if it can."""
    if design.graph is not None:
        return "the simulations run on the observed network"
    if any(table.kind != "group" for table in design.observed):
        return "the data hold individual panels"
    return unbatchable_reason(scenario)


def simulate_observations(scenario, runs, design: Design) -> list[tuple[Observed, ...]]:
    """:func:`simulate_observation` for each ``(parameters, seed)`` of ``runs``, in order.

    Batched by the ensemble engine where :func:`batch_reason` allows and the model
    has at most :data:`BATCH_AGENTS` people, else one run at a time.
    """
    runs = [(dict(parameters), int(seed)) for parameters, seed in runs]
    builder = agents = None
    if runs and batch_reason(scenario, design) is None:
        builder = RunBuilder(scenario, None)
        agents = run_size(builder, *runs[0], f"run 0 with {runs[0][0]}")
    if agents is None or agents > BATCH_AGENTS:
        return [simulate_observation(scenario, p, seed, design) for p, seed in runs]
    last, size = design.last_step, auto_batch_size(agents)
    observed = sorted({int(step) for table in design.observed for step in table.steps})
    out = []
    for first in range(0, len(runs), size):
        chunk = runs[first:first + size]
        batch = run_batch(builder, chunk, last, at=observed)  # only the observed steps
        kept = {int(step): k for k, step in enumerate(batch.steps)}
        for r in range(len(chunk)):
            out.append(tuple(table.like(np.column_stack(
                [batch.table[name][r, [kept[int(s)] for s in table.steps]]
                 for name in table.names])) for table in design.observed))
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

    def raw_many(self, many) -> list[dict[str, np.ndarray]]:
        """:meth:`raw` for each of ``many`` values, batched where the design allows."""
        runs = [(values, self.seed(values)) for values in many]
        return [summarise(tables, self.design.neighbours)
                for tables in simulate_observations(self.scenario, runs, self.design)]

    def __call__(self, parameters) -> dict[str, np.ndarray]:
        return {KEY: flatten(self.raw(self.values(parameters)))}
