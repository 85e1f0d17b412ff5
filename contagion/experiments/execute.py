"""Running sweep tasks: the worker functions and the executors they run on.

Every executor is used through the ``concurrent.futures`` interface: an in-process
one for ``jobs=1``, a spawn-context ``ProcessPoolExecutor`` for ``jobs>1``, and a
Dask cluster's ``Client.get_executor()`` for ``dask=ADDRESS``. A task is plain
data (the scenario as TOML text, the parameter overrides, seed, steps), so a worker
on another machine rebuilds the model from it with nothing but this package. A task
is one run (:func:`run_task`, one model) or a chunk of runs (:func:`run_chunk`, one
ensemble, see :mod:`contagion.experiments.ensemble`); either way each run's rows
reach the caller on their own.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import functools
import itertools
import json
import math
import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import scenarios
from contagion.experiments.ensemble import auto_batch_size, run_size, simulate
from contagion.experiments.pool import stop_workers, worker_pool
from scenarios.batch import RunBuilder, unbatchable_reason

__all__ = ["batched", "chunked", "open_executor", "run_chunk", "run_task", "submit_all",
           "worker_pool"]


@functools.lru_cache(maxsize=8)
def _scenario_from_toml(text: str):
    return scenarios.loads(text, "<sweep task>")


def _column_value(value: Any) -> Any:
    """Parameter values as table cells: numbers stay numbers, anything else is JSON text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return json.dumps(value)


def _metric(value) -> bool | float:
    """A metric as a table cell: a flag stays a flag (not 1.0), anything else a float."""
    if type(value).__name__ in ("bool", "bool_"):  # Python's or numpy's
        return bool(value)
    return float(value)


def run_task(task: dict) -> list[dict]:
    """Build and run one model; return its table rows (one, or one per kept step).

    ``task`` holds ``scenario`` (TOML text), ``params``, ``seed``, ``steps``,
    ``every`` (None: one row of final values) and ``meta`` (run_id, replicate, seed).
    """
    scenario = _scenario_from_toml(task["scenario"])
    model = scenario.build(task["seed"], space=False, **task["params"])
    frame = model.run(task["steps"])
    head = {**task["meta"], **{k: _column_value(v) for k, v in task["params"].items()}}
    if task["every"] is None:
        finals = {f"{c}_final": _metric(frame[c].iloc[-1]) for c in frame.columns if c != "step"}
        summary = model.scenario_spec.summary_values(frame)
        return [{**head, **finals, **{k: _metric(v) for k, v in summary.items()}}]
    every = task["every"]
    kept = frame[(frame["step"] % every == 0) | (frame["step"] == frame["step"].iloc[-1])]
    metrics = [c for c in kept.columns if c != "step"]
    return [{**head, "step": int(row["step"]), **{c: _metric(row[c]) for c in metrics}}
            for _, row in kept.iterrows()]


@functools.lru_cache(maxsize=8)
def _builder(text: str) -> RunBuilder:
    return RunBuilder(_scenario_from_toml(text))


def run_chunk(task: dict) -> list[list[dict]]:
    """Run a chunk of runs as one ensemble; return each run's rows, as :func:`run_task` would.

    ``task`` holds ``scenario``, ``steps``, ``every`` and ``runs``: a list of
    ``{"params", "seed", "meta"}``.
    """
    runs = task["runs"]
    batch = simulate(_builder(task["scenario"]), [(r["params"], r["seed"]) for r in runs],
                     task["steps"], task["every"],
                     label=lambda i: f"run {runs[i]['meta']['run_id']} with {runs[i]['params']}")
    heads = [{**r["meta"], **{k: _column_value(v) for k, v in r["params"].items()}} for r in runs]
    if task["every"] is None:
        return [[{**head, **row}] for head, row in zip(heads, batch.summary_rows())]
    return [[{**head, **row} for row in rows] for head, rows in zip(heads, batch.step_rows())]


def batched(scenario, tasks: Iterable[dict], *, batch: bool = True, batch_size: int | None = None,
            pending: int = 0, window: int = 1,
            warn: Callable[[str], None] | None = None) -> Iterable[dict]:
    """One-run ``tasks`` as chunks of runs for ensembles, or as they are.

    ``batch=False``, or a scenario the ensemble engine cannot run (a one-line notice
    through ``warn`` says why), leaves them one run each. ``batch_size`` runs per
    chunk; by default :func:`auto_batch_size` of the first run's size, and no more
    than ``pending / window`` so that every worker of a pool gets work.
    """
    if not batch:
        return tasks
    reason = unbatchable_reason(scenario)
    if reason is not None:
        (warn or _warn)(f"{scenario.name}: running one model at a time: {reason}")
        return tasks
    tasks = iter(tasks)
    first = next(tasks, None)
    if first is None:
        return iter(())
    if batch_size is None:
        batch_size = auto_batch_size(run_size(
            _builder(first["scenario"]), first["params"], first["seed"],
            f"run {first['meta']['run_id']} with {first['params']}"))
        if window > 1:
            batch_size = max(1, min(batch_size, math.ceil(pending / window)))
    return chunked(itertools.chain([first], tasks), batch_size)


def _warn(message: str) -> None:
    warnings.warn(message, RuntimeWarning, stacklevel=4)


def chunked(tasks: Iterable[dict], size: int) -> Iterator[dict]:
    """One-run tasks gathered into chunks of ``size`` runs (the last may be smaller)."""
    chunk: list[dict] = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) == size:
            yield _chunk(chunk)
            chunk = []
    if chunk:
        yield _chunk(chunk)


def _chunk(tasks: list[dict]) -> dict:
    first = tasks[0]
    return {"scenario": first["scenario"], "steps": first["steps"], "every": first["every"],
            "runs": [{"params": t["params"], "seed": t["seed"], "meta": t["meta"]} for t in tasks]}


class InlineExecutor(cf.Executor):
    """Runs each task at submission, in this process (``jobs=1``)."""

    def submit(self, fn, /, *args, **kwargs):
        future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            if not isinstance(exc, Exception):
                raise
            future.set_exception(exc)
        return future


def connect_dask(address: str, timeout: float):
    """A ``distributed.Client`` for the scheduler at ``address``, or a one-line ValueError.

    A client that fails to connect is set aside quietly: left alone, its finaliser would
    try to close a connection that never opened and print a traceback at exit.
    """
    import distributed

    try:
        return distributed.Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        _set_aside_unconnected(exc, distributed.Client)
        detail = str(exc).splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"cannot reach the Dask scheduler at {address!r} within {timeout:g} s "
                         f"({detail}); is it running, and is the address "
                         "tcp://host:port as the scheduler printed it?") from None


def _set_aside_unconnected(exc: BaseException, client_class) -> None:
    """Mark the half-built client in ``exc``'s traceback closed and stop its event loop."""
    frame = exc.__traceback__
    while frame is not None:
        client = frame.tb_frame.f_locals.get("self")
        if isinstance(client, client_class):
            client.status = "closed"  # never connected: nothing for close() or __del__ to do
            with contextlib.suppress(Exception):
                client._loop_runner.stop()
            return
        frame = frame.tb_next


def close_dask(client) -> None:
    """Close a client without a traceback, even when the scheduler has gone away."""
    with contextlib.suppress(Exception):
        client.close(timeout=5)
    client.status = "closed"


@contextlib.contextmanager
def open_executor(jobs: int = 1, executor=None, dask: str | None = None,
                  dask_timeout: float = 10.0) -> Iterator[tuple[cf.Executor, int]]:
    """Yield ``(executor, window)``: where to submit, and how many tasks to keep in flight.

    ``executor`` may be any ``concurrent.futures.Executor`` (left open) or a
    ``distributed.Client``; ``dask`` is a scheduler address to connect to.
    """
    if executor is not None and dask is not None:
        raise ValueError("give either executor= or dask=, not both")
    if executor is not None:
        if hasattr(executor, "get_executor"):  # a distributed.Client
            yield executor.get_executor(), _dask_window(executor)
        else:
            yield executor, 2 * (getattr(executor, "_max_workers", None) or 16)
        return
    if dask is not None:
        client = connect_dask(dask, dask_timeout)
        try:
            yield client.get_executor(), _dask_window(client)
        finally:
            close_dask(client)
        return
    if jobs == 1:
        yield InlineExecutor(), 1
        return
    pool = worker_pool(jobs)
    try:
        yield pool, 2 * jobs
    except BaseException:
        stop_workers(pool)  # Ctrl-C or a failed run: the runs in flight are not waited for
        raise
    pool.shutdown(wait=True, cancel_futures=True)


def _dask_window(client) -> int:
    try:
        threads = sum(client.nthreads().values())
    except Exception:  # noqa: BLE001 - only a sizing hint
        threads = 0
    return max(64, 2 * threads)


def submit_all(executor: cf.Executor, window: int, tasks: Iterable[dict],
               on_result: Callable[[list[dict]], None]) -> None:
    """Run every task, at most ``window`` in flight; call ``on_result`` with each run's rows.

    A task is one run or a chunk of runs (``"runs"`` in it). Results arrive in
    completion order. The first failing task stops the sweep: the tasks not yet
    started are cancelled and its exception is raised.
    """
    pending: dict[cf.Future, dict] = {}
    try:
        for task in tasks:
            while len(pending) >= window:
                _collect(pending, on_result)
            worker = run_chunk if "runs" in task else run_task
            pending[executor.submit(worker, task)] = task
        while pending:
            _collect(pending, on_result)
    except BaseException:
        for future in pending:
            future.cancel()
        raise


def _collect(pending: dict, on_result) -> None:
    """Hand every finished result to ``on_result`` (all of them, even if one failed)."""
    done, _ = cf.wait(list(pending), return_when=cf.FIRST_COMPLETED)
    failure = None
    for future in done:
        task = pending.pop(future)
        try:
            result = future.result()
        except ValueError as exc:  # a chunk names the run that failed
            failure = failure or (exc if "runs" in task else ValueError(
                f"run {task['meta']['run_id']} with {task['params']}: {exc}"))
            continue
        except BrokenProcessPool as exc:
            failure = failure or RuntimeError(
                f"a worker process died ({exc}); in a script, call sweep() under "
                "`if __name__ == '__main__':`, since spawned workers import the main module")
            continue
        except Exception as exc:  # noqa: BLE001 - re-raised below after saving the others
            failure = failure or exc
            continue
        for rows in result if "runs" in task else [result]:
            on_result(rows)
    if failure is not None:
        raise failure


def default_jobs() -> int:
    """Usable CPU cores."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
