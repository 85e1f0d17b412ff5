"""Many runs of a scenario as ensembles: one array program per chunk of runs.

>>> from contagion.experiments.ensemble import run_many
>>> table = run_many("leader_team", [({"leader_mood": -0.5}, 1), ({"leader_mood": 0.5}, 1)],
...                  steps=20)
>>> list(table["leader_mood"]), "member_valence_final" in table
([-0.5, 0.5], True)

A run's row is the one ``Scenario.run(steps, seed, **params)`` and the sweep give it
(to rounding, far below 1e-12), whatever the other runs of its chunk: see
:mod:`contagion.ensemble` for why. Runs go in chunks of ``batch_size`` (by default
from the model size, :func:`auto_batch_size`), so memory holds one chunk at a time.
Sweeps (:mod:`contagion.experiments.sweep`) and sensitivity analysis send each chunk
to a worker as one task.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from contagion.ensemble import Ensemble
from contagion.experiments.plan import check_count, load_scenario
from scenarios.batch import RunBuilder, unbatchable_reason

__all__ = ["AGENTS_PER_BATCH", "MAX_BATCH", "Batch", "auto_batch_size", "batch_run", "run_many",
           "run_size", "simulate"]

#: Agents (summed over runs) an automatic batch holds: about 10 MB of arrays. Small
#: models gain from many runs per batch (their runs are mostly Python overhead); for
#: large ones the sparse products dominate and a batch that outgrows the CPU cache is
#: slower per run than a small one (benchmarks/RESULTS.md, Ensembles).
AGENTS_PER_BATCH = 10_000
#: Runs an automatic batch holds at most (beyond this a bigger batch gains little).
MAX_BATCH = 1_000


def auto_batch_size(n_agents: int) -> int:
    """Runs per batch for models of ``n_agents`` agents: ``AGENTS_PER_BATCH`` agents in all."""
    return max(1, min(MAX_BATCH, AGENTS_PER_BATCH // max(1, int(n_agents))))


@dataclass
class Batch:
    """What a chunk of runs produced: the table at the kept steps and the summaries.

    ``table[column]`` is an array (runs, kept steps); ``columns[r]`` the columns of
    run r in its own table's order; ``summary[name]`` an array (runs,) of the key
    metrics' final values (``<metric>_final``) and the outcomes.
    """

    columns: list[list[str]]
    steps: np.ndarray
    table: dict[str, np.ndarray]
    summary: dict[str, np.ndarray]

    def summary_rows(self) -> list[dict]:
        """Per run: ``<column>_final`` for every column but ``step``, then the summary."""
        finals = {name: values[:, -1].tolist() for name, values in self.table.items()}
        summary = {name: values.tolist() for name, values in self.summary.items()}
        return [{**{f"{c}_final": float(finals[c][r]) for c in columns if c != "step"},
                 **{name: float(values[r]) for name, values in summary.items()}}
                for r, columns in enumerate(self.columns)]

    def step_rows(self) -> list[list[dict]]:
        """Per run: one row per kept step (``step`` and every other column)."""
        table = {name: values.tolist() for name, values in self.table.items()}
        steps = self.steps.tolist()
        return [[{"step": step, **{c: float(table[c][r][k]) for c in columns if c != "step"}}
                 for k, step in enumerate(steps)] for r, columns in enumerate(self.columns)]

    def frames(self) -> list[pd.DataFrame]:
        """Per run: its table as ``Scenario.run`` returns it."""
        return [pd.DataFrame({c: self.steps if c == "step" else self.table[c][r]
                              for c in columns}) for r, columns in enumerate(self.columns)]


def run_size(builder: RunBuilder, params: Mapping[str, Any], seed, where: str) -> int:
    """How many agents run ``params`` has (an error starts with ``where``)."""
    try:
        return len(builder.spec(params, seed).valence)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


def simulate(builder: RunBuilder, runs: Sequence[tuple[Mapping[str, Any], Any]], steps: int,
             every: int | None = None,
             label: Callable[[int], str] | None = None, at: Sequence[int] | None = None) -> Batch:
    """Run ``runs`` (``(params, seed)`` pairs) for ``steps`` steps as one ensemble.

    The table keeps every ``every``-th step and the last (``every=None``: the last
    only), or the steps ``at`` and the last. A run that cannot be built raises a
    ValueError that starts with ``label(index)`` (default: its position and parameters).
    """
    specs, points = [], []
    for i, (params, seed) in enumerate(runs):
        try:
            points.append(builder.point(params))
            specs.append(builder.spec(params, seed, points[-1]))
        except ValueError as exc:
            where = label(i) if label is not None else f"run {i} with {dict(params)}"
            raise ValueError(f"{where}: {exc}") from None
    ensemble = Ensemble(specs, builder.reporters(points))
    kept = (sorted({int(k) for k in at if 0 <= k <= steps} | {steps}) if at is not None
            else sorted(set(range(0, steps + 1, every)) | {steps}) if every else [steps])
    position = {step: k for k, step in enumerate(kept)}
    series_names = builder.outcome_columns(points)
    series = {name: np.empty((len(runs), steps + 1)) for name in series_names}
    table: dict[str, np.ndarray] = {}

    def record(ens: Ensemble) -> None:
        k = position.get(ens.steps)
        values = ens.collect(None if k is not None else series_names)
        if k is not None:
            for name, column in values.items():
                table.setdefault(name, np.empty((len(runs), len(kept))))[:, k] = column
        for name in series_names:
            series[name][:, ens.steps] = values[name]

    record(ensemble)
    ensemble.run(steps, record)
    step_length = (steps * ensemble.dt - 0 * ensemble.dt) / steps if steps else 1.0
    outcomes = builder.outcomes(points, series, np.arange(steps + 1), step_length)
    key_finals = {f"{m}_final": table[m][:, -1] for m in builder.scenario.key_metrics}
    return Batch([ensemble.columns(r) for r in range(len(runs))], np.array(kept), table,
                 {**key_finals, **outcomes})


def run_many(scenario, runs: Sequence[tuple[Mapping[str, Any], Any]], steps: int | None = None,
             *, frames: bool = False, batch_size: int | None = None, batch: bool = True,
             null: str | None = None, progress: bool = False):
    """Run many runs of one scenario, each ``(params, seed)``; results in the order given.

    Parameters
    ----------
    scenario : Scenario, str
        A scenario, its registered name or a ``.toml`` file.
    runs : sequence of (mapping, seed)
        Each run's parameter overrides (any parameter of the scenario) and seed (an
        integer >= 0, as for ``Scenario.run``).
    steps : int, optional
        Steps per run (default: the scenario's).
    frames : bool
        Return each run's per-step table instead of one summary row per run.
    batch_size : int, optional
        Runs advanced together (default: :func:`auto_batch_size` of the model size).
    batch : bool
        False runs one model at a time (the reference the ensemble is compared with).
    null : {None, "social", "stimulus"}
        Run every run as that null model (``Scenario.build(null=...)``).

    Returns
    -------
    pandas.DataFrame or list of pandas.DataFrame
        One row per run: ``seed``, the run's parameters, ``<metric>_final`` for every
        per-step metric, then the scenario's outcomes (a sweep's row without
        ``run_id`` and ``replicate``). With ``frames=True``, a list of per-step tables,
        each equal to ``Scenario.run(steps, seed, null=null, **params)``.
    """
    scenario = load_scenario(scenario)
    steps = scenario.steps if steps is None else check_count("steps", steps, 0)
    runs = [(dict(p), seed) for p, seed in runs]
    reason = unbatchable_reason(scenario) if batch else None
    if reason is not None:
        warnings.warn(f"{scenario.name}: running one model at a time: {reason}",
                      RuntimeWarning, stacklevel=2)
    if not batch or reason is not None:
        results = [_one(scenario, p, seed, steps, frames, null) for p, seed in runs]
        return results if frames else pd.DataFrame(results)
    builder = RunBuilder(scenario, null)
    if batch_size is None:
        first = runs[0] if runs else None
        batch_size = auto_batch_size(run_size(builder, *first, f"run 0 with {first[0]}")) \
            if runs else 1
    batch_size = check_count("batch_size", batch_size, 1)
    from tqdm import tqdm

    results: list = []
    with tqdm(total=len(runs), unit="run", desc=f"runs {scenario.name}", disable=not progress,
              dynamic_ncols=True) as bar:
        for first in range(0, len(runs), batch_size):
            chunk = runs[first:first + batch_size]
            done = simulate(builder, chunk, steps, every=1 if frames else None)
            results.extend(done.frames() if frames else [
                {"seed": seed, **p, **row} for (p, seed), row in zip(chunk, done.summary_rows())])
            bar.update(len(chunk))
    if frames:
        return results
    return pd.DataFrame(results) if results else pd.DataFrame(columns=["seed"])


def _one(scenario, params, seed, steps, frames, null):
    model = scenario.build(seed, null=null, space=False, **params)
    frame = model.run(steps)
    if frames:
        return frame
    finals = {f"{c}_final": float(frame[c].iloc[-1]) for c in frame.columns if c != "step"}
    summary = model.scenario_spec.summary_values(frame)
    return {"seed": seed, **params, **finals, **{k: float(v) for k, v in summary.items()}}


def batch_run(model_cls, parameters: Mapping[str, Any], *, rng=None, max_steps: int = 1000,
              data_collection_period: int = -1, display_progress: bool = True,
              batch_size: int | None = None) -> list[dict]:
    """``mesa.batch_run`` for a scenario's model class, its runs advanced as ensembles.

    Takes the arguments of ``mesa.batch_run(scenario.model_class(), parameters=...,
    rng=[...], max_steps=..., data_collection_period=...)`` and returns its rows (to
    rounding): ``RunId``, ``iteration``, ``Step``, the run's parameters and ``rng``,
    then every collected column. A class other than ``Scenario.model_class()`` itself
    (a subclass with its own agents or step), an ``engine`` other than ``"vectorized"``
    or a scenario the ensemble cannot run goes to ``mesa.batch_run`` with a one-line
    notice.
    """
    import mesa

    scenario = getattr(model_cls, "declared_scenario", None)
    engines = parameters.get("engine", "vectorized")
    engines = [engines] if isinstance(engines, str) else list(engines)
    reason = ("it is not a scenario's model class" if scenario is None
              else "it is a subclass of the scenario's model class"
              if model_cls is not scenario.model_class()
              else f"engine={engines!r}" if set(engines) != {"vectorized"}
              else unbatchable_reason(scenario))
    if reason is not None:
        warnings.warn(f"{model_cls.__name__}: running one model at a time with mesa.batch_run: "
                      f"{reason}", RuntimeWarning, stacklevel=2)
        return mesa.batch_run(model_cls, parameters, rng=rng, max_steps=max_steps,
                              data_collection_period=data_collection_period,
                              display_progress=display_progress)
    seeds = list(rng) if isinstance(rng, Iterable) else [rng]
    steps = check_count("max_steps", max_steps, 0)
    plan = [(i, {**kwargs, "rng": seed}) for i, seed in enumerate(seeds)
            for kwargs in _combinations(parameters)]
    frames = run_many(scenario, [({k: v for k, v in kw.items() if k not in ("rng", "engine")},
                                  kw["rng"]) for _, kw in plan], steps, frames=True,
                      batch_size=batch_size, progress=display_progress)
    rows = []
    for run_id, ((iteration, kwargs), frame) in enumerate(zip(plan, frames)):
        recorded = list(range(len(frame)))
        kept = (recorded[-1:] if data_collection_period == -1
                else recorded[::check_count("data_collection_period", data_collection_period, 1)])
        table = frame.to_dict("list")
        rows.extend({"RunId": run_id, "iteration": iteration, "Step": float(step), **kwargs,
                     **{column: values[step] for column, values in table.items()}}
                    for step in kept)
    return rows


def _combinations(parameters: Mapping[str, Any]) -> list[dict]:
    """Every combination of the values, as ``mesa.batch_run`` expands ``parameters``."""
    choices = []
    for name, values in parameters.items():
        if isinstance(values, str):
            choices.append([(name, values)])
        elif isinstance(values, (list, tuple, set)) and not values:
            raise ValueError(f"Parameter '{name}' contains an empty iterable, which is not "
                             "allowed.")
        else:
            try:
                choices.append([(name, value) for value in values])
            except TypeError:
                choices.append([(name, values)])
    return [dict(combination) for combination in itertools.product(*choices)]
