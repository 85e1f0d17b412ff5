"""What a fit compares: the observed tables, the network if known, and one simulation of them.

Every simulation of a fit (the ABC-SMC particles, the posterior predictive check, the
benchmarks) goes through :func:`simulate_observation`: build the scenario with the
given parameters and seed (on the observed network when there is one), run it to the
last observed step, and return the same tables the data holds. :func:`simulate` adds
the summary statistics. A faster engine for many runs replaces the first function
and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from contagion.experiments.fitting.data import Observed
from contagion.experiments.fitting.projection import KEY, flatten
from contagion.experiments.fitting.summaries import neighbour_matrix, summarise
from contagion.experiments.plan import run_seed

__all__ = ["Design", "Simulator", "make_design", "simulate", "simulate_observation"]


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

    def __call__(self, parameters) -> dict[str, np.ndarray]:
        return {KEY: flatten(self.raw(self.values(parameters)))}
