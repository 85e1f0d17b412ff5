"""Global sensitivity analysis of a scenario with SALib (Sobol' indices or Morris screening).

>>> from SALib import ProblemSpec
>>> from contagion.experiments.sensitivity import scenario_function
>>> f = scenario_function("leader_team", ["mirroring", "regulation"],
...                       ["member_valence_final"], steps=20, seed=1)
>>> sp = ProblemSpec({"names": f.names, "bounds": [[0, 1], [0, 0.5]],
...                   "outputs": f.metrics})
>>> sp = sp.sample_sobol(8, calc_second_order=False, seed=1).evaluate(f)
>>> sp.results.shape
(32, 1)

Every evaluation runs the scenario with the same model seed (common random
numbers): the network, population and noise are the same for every sample, so the
indices measure the parameters' effects and not seed-to-seed variation. A
parameter the scenario does not use gets indices of exactly 0.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from contagion.experiments.execute import batched, open_executor, submit_all
from contagion.experiments.plan import check_count, load_scenario
from contagion.params import check_limit

__all__ = ["METHODS", "available_metrics", "scenario_function", "sensitivity"]

METHODS = ("sobol", "morris")
#: The index columns of each method's table, as SALib names them.
COLUMNS = {"sobol": ["S1", "S1_conf", "ST", "ST_conf"],
           "morris": ["mu", "mu_star", "mu_star_conf", "sigma"]}
MORRIS_LEVELS = 4


def available_metrics(scenario, seed: int = 0) -> tuple[list[str], list[str]]:
    """(default metrics, all metrics) of a scenario: summary values, and every final value."""
    scenario = load_scenario(scenario)
    columns = scenario.build(seed, space=False).run(0).columns
    outcomes = list(scenario.outcomes)
    summary = [f"{m}_final" for m in scenario.key_metrics] + outcomes
    every = [f"{c}_final" for c in columns if c != "step"] + outcomes
    return summary or every, list(dict.fromkeys(every))


def _numeric(scenario, name: str):
    declaration = scenario.parameter(name)
    if declaration.kind == "goals":
        raise ValueError(f"{name} is a match timeline, not a number: it cannot be sampled")
    return declaration


def _value(declaration, x: float):
    x = min(max(float(x), declaration.low), declaration.high)  # sampler rounding at the ends
    return declaration.check(int(round(x)) if declaration.kind == "int" else x)


def scenario_function(scenario, names: Sequence[str], metrics: Sequence[str] | None = None,
                      steps: int | None = None, seed: int = 0, *, jobs: int = 1,
                      executor=None, dask: str | None = None, progress: bool = False,
                      batch: bool = True, batch_size: int | None = None):
    """A function ``f(X) -> Y`` for SALib: X is (N, D) values of ``names``, Y is (N, K).

    Row i of Y holds ``metrics`` (default: the scenario's summary values, see
    :func:`available_metrics`) after ``steps`` steps of the scenario run with row i of
    X and model seed ``seed``. Integer parameters are rounded. Runs go to ``jobs``
    local processes, an ``executor`` or a Dask scheduler at ``dask``, ``batch_size`` at
    a time as one ensemble (``batch=False``: one model at a time; the same Y). The
    function has attributes ``names`` and ``metrics`` (for ``ProblemSpec``'s
    ``names``/``outputs``).
    """
    scenario = load_scenario(scenario)
    names = list(names)
    declarations = [_numeric(scenario, n) for n in names]
    if len(set(names)) != len(names) or not names:
        raise ValueError(f"names={names!r}: give each parameter once, at least one")
    seed = check_count("seed", seed, 0)
    steps = scenario.steps if steps is None else check_count("steps", steps, 0)
    jobs = check_count("jobs", jobs, 1)
    batch_size = None if batch_size is None else check_count("batch_size", batch_size, 1)
    default, valid = available_metrics(scenario, seed)
    metrics = list(metrics) if metrics else default
    for metric in metrics:
        if metric not in valid:
            raise ValueError(f"unknown metric {metric!r} for scenario {scenario.name}; "
                             f"valid metrics: {', '.join(valid)}")
    toml = scenario.to_toml()

    def evaluate(X) -> np.ndarray:
        X = np.atleast_2d(np.asarray(X, dtype=float))
        if X.shape[1] != len(names):
            raise ValueError(f"X has {X.shape[1]} columns, expected {len(names)}: {names}")
        tasks = ({"scenario": toml, "seed": seed, "steps": steps, "every": None,
                  "params": {d.name: _value(d, x) for d, x in zip(declarations, row)},
                  "meta": {"run_id": str(i), "replicate": 0, "seed": seed}}
                 for i, row in enumerate(X))
        Y = np.full((len(X), len(metrics)), np.nan)
        from tqdm import tqdm

        with tqdm(total=len(X), unit="run", desc=f"sensitivity {scenario.name}",
                  disable=not progress, dynamic_ncols=True) as bar:
            def on_result(rows):
                Y[int(rows[0]["run_id"])] = [rows[0][m] for m in metrics]
                bar.update(1)

            with open_executor(jobs, executor, dask) as (pool, window):
                submit_all(pool, window, batched(scenario, tasks, batch=batch,
                                                 batch_size=batch_size, pending=len(X),
                                                 window=window), on_result)
        return Y

    evaluate.names, evaluate.metrics = names, metrics
    return evaluate


def _bounds(scenario, params: Mapping[str, Sequence[float] | None]) -> list[list[float]]:
    bounds = []
    for name, pair in params.items():
        declaration = _numeric(scenario, name)
        low, high = (declaration.low, declaration.high) if pair is None else map(float, pair)
        for value in (low, high):
            declaration.check(int(value) if declaration.kind == "int" and value == int(value)
                              else value)
        if not low < high or not np.isfinite(high - low):
            raise ValueError(f"{name}={low:g}:{high:g}: the range needs low < high, both finite")
        bounds.append([low, high])
    return bounds


def sensitivity(scenario, params: Mapping[str, Sequence[float] | None], *,
                method: str = "sobol", samples: int = 64, metrics: Sequence[str] | None = None,
                steps: int | None = None, seed: int = 0, jobs: int = 1, executor=None,
                dask: str | None = None, progress: bool = True, batch: bool = True,
                batch_size: int | None = None) -> pd.DataFrame:
    """Sensitivity indices of the scenario's metrics to ``params`` (name -> (low, high)).

    ``method="sobol"``: Saltelli/Sobol' sampling with ``samples`` base samples (a
    power of 2) and ``samples * (D + 2)`` runs; first-order ``S1`` and total ``ST``
    indices with 95% bootstrap confidence half-widths ``S1_conf``, ``ST_conf``.
    ``method="morris"``: ``samples`` trajectories on a 4-level grid, ``samples * (D + 1)``
    runs; ``mu``, ``mu_star`` (mean absolute elementary effect) with ``mu_star_conf``,
    and ``sigma``. Returns a tidy table: one row per (metric, parameter). Runs are
    advanced ``batch_size`` at a time as ensembles (see :func:`scenario_function`).
    """
    from SALib import ProblemSpec

    if method not in METHODS:
        raise ValueError(f"method={method!r} is not known: allowed {', '.join(METHODS)}")
    samples = check_count("samples", samples, 2)
    if method == "sobol" and samples & (samples - 1):
        raise ValueError(f"samples={samples}: Sobol' sampling needs a power of 2 "
                         f"(e.g. {1 << samples.bit_length() - 1} or {1 << samples.bit_length()})")
    scenario = load_scenario(scenario)
    if not params:
        raise ValueError("give at least one parameter to vary")
    bounds = _bounds(scenario, params)
    runs = samples * (len(params) + (2 if method == "sobol" else 1))
    check_limit("runs", runs, where=f"runs (samples x {len(params) + (method == 'sobol') + 1})")
    f = scenario_function(scenario, list(params), metrics, steps, seed, jobs=jobs,
                          executor=executor, dask=dask, progress=progress, batch=batch,
                          batch_size=batch_size)
    spec = ProblemSpec({"names": f.names, "bounds": bounds, "outputs": f.metrics})
    if len(f.metrics) == 1:  # SALib's Sobol' analysis wants (N,) for a single output
        evaluate = lambda X: f(X)[:, 0]  # noqa: E731
    else:
        evaluate = f
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        if method == "sobol":
            spec.sample_sobol(samples, calc_second_order=False, seed=seed).evaluate(evaluate)
            spec.analyze_sobol(calc_second_order=False, seed=seed)
        else:
            spec.sample_morris(samples, num_levels=MORRIS_LEVELS, seed=seed).evaluate(evaluate)
            spec.analyze_morris(num_levels=MORRIS_LEVELS, seed=seed)
    analysis = spec.analysis if len(f.metrics) > 1 else {f.metrics[0]: spec.analysis}
    rows = [{"metric": metric, "parameter": name,
             **{c: float(np.asarray(analysis[metric][c])[i]) for c in COLUMNS[method]}}
            for metric in f.metrics for i, name in enumerate(f.names)]
    table = pd.DataFrame(rows)
    table.attrs.update(method=method, runs=len(spec.samples), scenario=scenario.name)
    return table


def format_table(table: pd.DataFrame) -> str:
    """The indices as text: one block per metric."""
    method = table.attrs.get("method", "sobol" if "S1" in table else "morris")
    columns = COLUMNS[method]
    width = max(9, *map(len, table["parameter"]))
    lines = []
    for metric, block in table.groupby("metric", sort=False):
        lines.append(f"{metric}")
        lines.append(f"  {'parameter':<{width}}" + "".join(f"{c:>14}" for c in columns))
        for _, row in block.iterrows():
            lines.append(f"  {row['parameter']:<{width}}"
                         + "".join(f"{row[c]:>14.4f}" for c in columns))
    return "\n".join(lines)
