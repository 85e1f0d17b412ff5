"""What a sweep needs before it starts: its largest model, its workers, its bookkeeping.

A sweep holds one model per worker at a time, remembers every finished run's id, and
keeps up to ``chunk`` runs' rows until a shard is written. :func:`check_sweep` adds
these up (with the estimates of :mod:`contagion.memory`) and refuses a sweep that does
not fit, before any worker is started or any folder is touched.
"""

from __future__ import annotations

import itertools
import math

from contagion.memory import WORKER, check_memory, table_bytes
from contagion.params import check_limit
from scenarios.budget import estimate_memory
from scenarios.references import columns

__all__ = ["check_sweep", "largest_model"]

#: Bytes per run remembered by a sweep (its id in the done set and the plan's order):
#: about 0.7 kB measured (benchmarks/RESULTS.md, Ensembles, memory).
RUN_BYTES = 800
#: Grid points whose models are all estimated; above, the corners of the grid are.
_EVERY_POINT = 256


def _points(plan):
    """Grid points to estimate: all of them when few, else the corners of the grid.

    Sizes grow with their parameters, so the corners (each numeric key at its lowest and
    highest value) bound the largest model; other keys keep their first two values.
    """
    crossed = dict(plan.crossed)
    if math.prod(len(v) for v in crossed.values()) > _EVERY_POINT:
        crossed = {name: _ends(values) for name, values in crossed.items()}
    names = list(crossed)
    points = itertools.product(*crossed.values())
    for point in itertools.islice(points, 4 * _EVERY_POINT):
        yield {**dict(zip(names, point)), **plan.constants}


def _ends(values):
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if len(numbers) == len(values):
        return sorted({min(numbers), max(numbers)})
    return list(values[:2])


def largest_model(scenario, plan, steps: int) -> int:
    """Estimated bytes of the largest model the sweep builds (network, model, table)."""
    return max(estimate_memory(scenario, steps, **point) for point in _points(plan))


def check_sweep(scenario, plan, steps: int, every: int | None, jobs: int, chunk: int,
                limits=None, batch_size: int = 1) -> int:
    """Refuse a sweep beyond its limits (steps, chunk, jobs) or whose models, workers and
    bookkeeping do not fit in memory; return the memory estimate.

    ``jobs``: local worker processes (1: this process; 0: the runs happen elsewhere,
    on a Dask cluster or a given executor, and only the bookkeeping is here).
    ``batch_size``: runs each worker holds at once as one ensemble (a chosen size;
    the automatic one keeps a batch near the size of one small model).
    """
    check_limit("steps", steps, limits)
    check_limit("chunk", chunk, limits)
    check_limit("jobs", jobs, limits)
    model = largest_model(scenario, plan, steps) * min(batch_size, plan.total)  # also checks sizes
    workers = 0 if jobs == 0 else model if jobs == 1 else jobs * (WORKER + model)
    rows = 1 if every is None else steps // every + 2
    width = len(columns(scenario)) + len(scenario.outcomes) + len(plan.names) + 3
    needed = workers + plan.total * RUN_BYTES + table_bytes(min(chunk, plan.total) * rows, width)
    where = {0: "elsewhere", 1: "in this process"}.get(jobs, f"on {jobs} worker processes")
    return check_memory(f"a sweep of {plan.total:,} runs {where}", needed, limits)
