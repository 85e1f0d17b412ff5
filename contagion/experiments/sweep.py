"""Batch sweeps: many seeded runs of a scenario over a parameter grid, in parallel.

>>> from contagion import sweep
>>> table = sweep("leader_team", grid={"mirroring": [0.1, 0.5], "members": 4},
...               reps=2, steps=20, seed=1, progress=False)
>>> len(table), list(table.columns[:5])
(4, ['run_id', 'replicate', 'seed', 'mirroring', 'members'])

Each run's seed comes from the root ``seed`` and the run's identity (scenario name,
parameter values, replicate; see :mod:`contagion.experiments.plan`), so the table is the
same whatever ``jobs``, executor or order of completion. With ``out=`` the runs are
streamed to a resumable Parquet dataset (:mod:`contagion.experiments.store`).
"""

from __future__ import annotations

import platform
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from contagion.experiments.execute import batched, open_executor, submit_all
from contagion.experiments.plan import Plan, check_count, load_scenario, make_plan
from contagion.experiments.pool import Interrupted, Interrupts
from contagion.experiments.resources import check_sweep
from contagion.experiments.store import FORMAT, SweepStore, read_dataset
from contagion.version import __version__

__all__ = ["SweepResult", "run_sweep", "sweep"]


@dataclass
class SweepResult:
    """What a sweep did: how many runs, how many were already there, where the data is."""

    scenario: str
    total: int
    ran: int = 0
    skipped: int = 0
    seconds: float = 0.0
    out: Path | None = None
    shards_written: int = 0
    corrupt: list = field(default_factory=list)
    rows: list = field(default_factory=list, repr=False)
    plan: Plan | None = field(default=None, repr=False)

    def table(self) -> pd.DataFrame:
        """The sweep's table in plan order (grid points as given, replicates innermost)."""
        frame = read_dataset(self.out) if self.out is not None else pd.DataFrame(self.rows)
        order = {run.run_id: i for i, run in enumerate(self.plan.runs())}
        frame = frame[frame["run_id"].isin(order.keys())]
        keys = frame["run_id"].map(order)
        sort = ["_order", "step"] if "step" in frame else ["_order"]
        frame = frame.assign(_order=keys).sort_values(sort, kind="stable")
        return frame.drop(columns="_order").reset_index(drop=True)


def sweep(scenario, grid: Mapping[str, Any] | None = None, *, reps: int = 1,
          steps: int | None = None, seed: int = 0, jobs: int = 1, out=None, executor=None,
          dask: str | None = None, every: int | None = None, force: bool = False,
          chunk: int = 100, batch: bool = True, batch_size: int | None = None,
          progress: bool = True, design: str = "grid", points: int | None = None) -> pd.DataFrame:
    """Run ``scenario`` over ``grid`` with ``reps`` replicates; return one row per run.

    Parameters
    ----------
    scenario : Scenario, str
        A scenario, its registered name, or a ``.toml`` file.
    grid : mapping of parameter name -> value or list of values
        Lists (tuples, arrays, ranges) are crossed (full factorial); scalars stay
        constant. Names are the scenario's parameters (``contagion show NAME --all``).
    design : {"grid", "lhs", "mc"}
        ``grid`` crosses the lists; ``lhs`` (Latin hypercube) and ``mc`` (Monte Carlo)
        draw ``points`` points from the root seed in the box the lists span (lowest to
        highest value; a list of words: one of them per point).
    points : int, optional
        Points of an ``lhs`` or ``mc`` design.
    reps : int
        Replicates per grid point (different seeds).
    steps : int, optional
        Steps per run (default: the scenario's).
    seed : int
        Root seed; each run's seed derives from it and the run's identity.
    jobs : int
        Local worker processes (1: in this process).
    out : path, optional
        Folder for a resumable Parquet dataset (the Parquet files in ``out/data``,
        which pandas, pyarrow, polars and DuckDB read as a folder); rerunning the
        same call skips the runs already there. A different sweep there is refused
        unless ``force``. Ctrl-C keeps every finished run.
    executor : concurrent.futures.Executor or distributed.Client, optional
        Where to run instead of local processes. ``dask``: a scheduler address.
    every : int, optional
        Keep every ``every``-th step (and the last) instead of only the end state.
    chunk : int
        Runs per Parquet shard.
    batch : bool
        Advance many runs together as one ensemble (:mod:`contagion.experiments.ensemble`);
        False runs one model at a time. The table is the same either way.
    batch_size : int, optional
        Runs per ensemble, each one task (default: from the model size).

    Returns
    -------
    pandas.DataFrame
        ``run_id``, ``replicate``, ``seed``, one column per grid parameter, then
        ``<metric>_final`` for every per-step metric and the scenario's outcomes
        (or, with ``every``, ``step`` and the per-step metrics).
    """
    return run_sweep(scenario, grid, reps=reps, steps=steps, seed=seed, jobs=jobs, out=out,
                     executor=executor, dask=dask, every=every, force=force, chunk=chunk,
                     batch=batch, batch_size=batch_size, progress=progress, design=design,
                     points=points).table()


def _manifest(scenario, plan: Plan, steps: int, every: int | None) -> dict:
    versions = {name: _version(name) for name in ("mesa", "numpy", "scipy", "networkx", "pandas")}
    design = {} if plan.design == "grid" else {"design": plan.design,
                                                "points": len(plan.points)}
    return {"format": FORMAT, "scenario": scenario.name, "scenario_toml": scenario.to_toml(),
            "grid": plan.grid_record(), **design, "reps": plan.reps, "steps": steps,
            "seed": plan.root_seed, "every": every, "total_runs": plan.total,
            "contagion_version": __version__, "python": platform.python_version(),
            "versions": versions, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def run_sweep(scenario, grid=None, *, reps=1, steps=None, seed=0, jobs=1, out=None,
              executor=None, dask=None, dask_timeout: float = 10.0, every=None, force=False,
              chunk=100, batch=True, batch_size=None, progress=True, warn=None,
              design: str = "grid", points: int | None = None) -> SweepResult:
    """Like :func:`sweep` but returns a :class:`SweepResult` (for the CLI: no read-back).

    Ctrl-C stops the workers at once and raises
    :class:`~contagion.experiments.pool.Interrupted`, whose message says how many runs
    were kept and how to resume; every finished run is in ``out``.
    """
    scenario = load_scenario(scenario)
    plan = make_plan(scenario, grid, reps, seed, design, points)
    steps = scenario.steps if steps is None else check_count("steps", steps, 0)
    every = None if every is None else check_count("every", every, 1)
    jobs = check_count("jobs", jobs, 1)
    chunk = check_count("chunk", chunk, 1)
    batch_size = None if batch_size is None else check_count("batch_size", batch_size, 1)
    check_sweep(scenario, plan, steps, every, 0 if executor or dask else jobs, chunk,
                batch_size=batch_size if batch and batch_size else 1)
    result = SweepResult(scenario.name, plan.total, plan=plan,
                         out=None if out is None else Path(out))
    toml = scenario.to_toml()
    store = (SweepStore(out, _manifest(scenario, plan, steps, every), force=force, chunk=chunk,
                        warn=warn, owns=plan.owns) if out is not None else None)
    start = time.perf_counter()
    try:
        with Interrupts(), open_executor(jobs, executor, dask, dask_timeout) as (pool, window):
            with (store if store is not None else _NoStore()) as sink:
                result.skipped = sum(1 for run in plan.runs() if run.run_id in sink.done) \
                    if sink.done else 0
                bar = _progress(progress, plan.total, result.skipped, scenario.name)

                def on_result(rows):
                    if store is not None:
                        store.add(rows)
                    else:
                        result.rows.extend(rows)
                    result.ran += 1
                    bar.update(1)

                try:
                    tasks = batched(scenario, _tasks(plan, toml, steps, every, sink.done),
                                    batch=batch, batch_size=batch_size,
                                    pending=plan.total - result.skipped, window=window,
                                    warn=warn)
                    submit_all(pool, window, tasks, on_result)
                finally:
                    bar.close()
            if store is not None:
                result.shards_written, result.corrupt = store.shards_written, store.corrupt
    except KeyboardInterrupt:
        result.seconds = time.perf_counter() - start
        raise Interrupted(_interrupted(result, store)) from None
    result.seconds = time.perf_counter() - start
    return result


def _interrupted(result: SweepResult, store) -> str:
    """The one line that says what an interrupted sweep kept and how to go on."""
    if store is None:
        return (f"sweep {result.scenario} stopped after {result.ran} of {result.total} runs; "
                "without out= nothing is kept: give out=FOLDER to keep finished runs")
    kept = result.skipped + result.ran
    return (f"sweep {result.scenario} stopped: {kept} of {result.total} runs are kept in "
            f"{result.out} ({result.ran} finished now); run the same command again to "
            "resume")


class _NoStore:
    done: set = frozenset()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


def _tasks(plan: Plan, toml: str, steps: int, every, done):
    for run in plan.runs():
        if run.run_id in done:
            continue
        yield {"scenario": toml, "params": dict(run.params), "seed": run.seed, "steps": steps,
               "every": every,
               "meta": {"run_id": run.run_id, "replicate": run.replicate, "seed": run.seed}}


def _progress(enabled: bool, total: int, skipped: int, name: str):
    """A bar over the runs left to do: its rate and ETA count only this session's runs."""
    from tqdm import tqdm

    done = f" ({skipped} of {total} done before)" if skipped else ""
    return tqdm(total=total - skipped, unit="run", desc=f"sweep {name}{done}",
                disable=not enabled, smoothing=0, dynamic_ncols=True)
