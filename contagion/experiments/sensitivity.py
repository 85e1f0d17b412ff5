"""Global sensitivity analysis of a scenario with SALib: Sobol', Morris, FAST, RBD-FAST, delta.

>>> from SALib import ProblemSpec
>>> from contagion.experiments.sensitivity import scenario_function
>>> f = scenario_function("leader_team", ["mirroring", "regulation"],
...                       ["member_valence_final"], steps=20, seed=1)
>>> sp = ProblemSpec({"names": f.names, "bounds": [[0, 1], [0, 0.5]],
...                   "outputs": f.metrics})
>>> sp = sp.sample_sobol(8, calc_second_order=False, seed=1).evaluate(f)
>>> sp.results.shape
(32, 1)

Every evaluation runs the scenario with the same model seeds (common random
numbers): the network, population and noise are the same for every sample, so the
indices measure the parameters' effects and not seed-to-seed variation. A
parameter the scenario does not use gets indices of exactly 0.

With ``reps=R`` each sample is run with R seeds (the same R for every sample) and the
indices are those of the replicate mean. The seed noise that is left in that mean is
stated beside them: ``noise_share`` is the mean over samples of the variance across
replicates divided by R, as a share of the variance of the replicate means. Indices
of a metric whose noise share is large say more about the seeds than the parameters.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from contagion.experiments.execute import batched, open_executor, submit_all
from contagion.experiments.plan import check_count, load_scenario
from contagion.experiments.pool import Interrupts
from contagion.params import check_limit

__all__ = ["METHODS", "available_metrics", "scenario_function", "sensitivity"]

METHODS = ("sobol", "morris", "fast", "rbd_fast", "delta")
#: The index columns of each method's table, as SALib names them.
COLUMNS = {"sobol": ["S1", "S1_conf", "ST", "ST_conf"],
           "morris": ["mu", "mu_star", "mu_star_conf", "sigma"],
           "fast": ["S1", "S1_conf", "ST", "ST_conf"],
           "rbd_fast": ["S1", "S1_conf"],
           "delta": ["delta", "delta_conf", "S1", "S1_conf"]}
#: FAST's interference factor; it needs more than 4 * M**2 samples.
FAST_M = 4
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
                      batch: bool = True, batch_size: int | None = None, reps: int = 1):
    """A function ``f(X) -> Y`` for SALib: X is (N, D) values of ``names``, Y is (N, K).

    Row i of Y holds ``metrics`` (default: the scenario's summary values, see
    :func:`available_metrics`) after ``steps`` steps of the scenario run with row i of
    X and model seed ``seed``. Integer parameters are rounded. Runs go to ``jobs``
    local processes, an ``executor`` or a Dask scheduler at ``dask``, ``batch_size`` at
    a time as one ensemble (``batch=False``: one model at a time; the same Y). The
    function has attributes ``names`` and ``metrics`` (for ``ProblemSpec``'s
    ``names``/``outputs``).

    ``reps``: each row is run with ``reps`` seeds (replicate 0 uses ``seed``, the others
    seeds derived from it, the same for every row) and Y is their mean; the last
    evaluation's runs are kept in ``f.replicates``, shape (reps, N, K).
    """
    scenario = load_scenario(scenario)
    names = list(names)
    declarations = [_numeric(scenario, n) for n in names]
    if len(set(names)) != len(names) or not names:
        raise ValueError(f"names={names!r}: give each parameter once, at least one")
    seed = check_count("seed", seed, 0)
    reps = check_count("reps", reps, 1)
    seeds = replicate_seeds(seed, reps)
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
        tasks = ({"scenario": toml, "seed": s, "steps": steps, "every": None,
                  "params": {d.name: _value(d, x) for d, x in zip(declarations, row)},
                  "meta": {"run_id": f"{r}:{i}", "replicate": r, "seed": s}}
                 for r, s in enumerate(seeds) for i, row in enumerate(X))
        runs = np.full((reps, len(X), len(metrics)), np.nan)
        from tqdm import tqdm

        with Interrupts(), tqdm(total=len(X) * reps, unit="run",
                                desc=f"sensitivity {scenario.name}",
                                disable=not progress, dynamic_ncols=True) as bar:
            def on_result(rows):
                r, i = map(int, rows[0]["run_id"].split(":"))
                runs[r, i] = [rows[0][m] for m in metrics]
                bar.update(1)

            with open_executor(jobs, executor, dask) as (pool, window):
                submit_all(pool, window, batched(scenario, tasks, batch=batch,
                                                 batch_size=batch_size, pending=len(X) * reps,
                                                 window=window), on_result)
        evaluate.replicates = runs
        return runs.mean(axis=0)

    evaluate.names, evaluate.metrics, evaluate.replicates = names, metrics, None
    return evaluate


def replicate_seeds(seed: int, reps: int) -> list[int]:
    """Model seeds of replicates 0..reps-1: ``seed`` itself, then seeds derived from it."""
    derived = np.random.SeedSequence(seed, spawn_key=(0x5E75,)).generate_state(
        max(reps - 1, 1), np.uint64) >> np.uint64(1)
    return [seed, *(int(x) for x in derived[:reps - 1])]


def noise_share(replicates: np.ndarray) -> np.ndarray:
    """Per metric: the seed noise left in the replicate means, as a share of their variance.

    ``replicates`` has shape (reps, N, K). NaN with one replicate (no noise estimate).
    """
    reps = replicates.shape[0]
    if reps < 2:
        return np.full(replicates.shape[2], np.nan)
    noise = replicates.var(axis=0, ddof=1).mean(axis=0) / reps
    total = replicates.mean(axis=0).var(axis=0, ddof=1)
    with np.errstate(all="ignore"):
        return np.where(total > 0, noise / total, np.nan)


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


def _sample(method: str, problem: dict, samples: int, seed: int) -> np.ndarray:
    from SALib.sample import fast_sampler, latin, morris, sobol

    if method == "sobol":
        return sobol.sample(problem, samples, calc_second_order=False, seed=seed)
    if method == "morris":
        return morris.sample(problem, samples, num_levels=MORRIS_LEVELS, seed=seed)
    if method == "fast":
        return fast_sampler.sample(problem, samples, M=FAST_M, seed=seed)
    return latin.sample(problem, samples, seed=seed)


def _analyze(method: str, problem: dict, X: np.ndarray, y: np.ndarray, seed: int) -> dict:
    from SALib.analyze import delta, fast, morris, rbd_fast, sobol

    if method == "sobol":
        return sobol.analyze(problem, y, calc_second_order=False, seed=seed)
    if method == "morris":
        return morris.analyze(problem, X, y, num_levels=MORRIS_LEVELS, seed=seed)
    if method == "fast":
        return fast.analyze(problem, y, M=FAST_M, seed=seed)
    if method == "rbd_fast":
        return rbd_fast.analyze(problem, X, y, seed=seed)
    with contextlib.redirect_stdout(io.StringIO()):  # it prints notes on how it binned
        result = delta.analyze(problem, X, y, seed=seed)
    if "delta" not in result:  # SALib >= 1.5 names Borgonovo's estimator delta_raw
        result = {**result, "delta": result["delta_raw"], "delta_conf": result["delta_raw_conf"]}
    return result


def _runs(method: str, samples: int, dimensions: int) -> int:
    return samples * {"sobol": dimensions + 2, "morris": dimensions + 1,
                      "fast": dimensions}.get(method, 1)


def sensitivity(scenario, params: Mapping[str, Sequence[float] | None], *,
                method: str = "sobol", samples: int = 64, metrics: Sequence[str] | None = None,
                steps: int | None = None, seed: int = 0, jobs: int = 1, executor=None,
                dask: str | None = None, progress: bool = True, batch: bool = True,
                batch_size: int | None = None, reps: int = 1) -> pd.DataFrame:
    """Sensitivity indices of the scenario's metrics to ``params`` (name -> (low, high)).

    ``method="sobol"``: Saltelli/Sobol' sampling with ``samples`` base samples (a
    power of 2) and ``samples * (D + 2)`` runs; first-order ``S1`` and total ``ST``
    indices with 95% bootstrap confidence half-widths ``S1_conf``, ``ST_conf``.
    ``method="morris"``: ``samples`` trajectories on a 4-level grid, ``samples * (D + 1)``
    runs; ``mu``, ``mu_star`` (mean absolute elementary effect) with ``mu_star_conf``,
    and ``sigma``. ``method="fast"``: extended FAST, ``samples`` (> 64) per parameter,
    ``S1`` and ``ST``. ``method="rbd_fast"``: RBD-FAST on a Latin hypercube of
    ``samples`` runs, ``S1``. ``method="delta"``: Borgonovo's moment-independent
    ``delta`` and ``S1`` on a Latin hypercube of ``samples`` runs.

    ``reps``: each sample run with ``reps`` seeds (common to all samples); the indices
    are those of the replicate mean, and ``noise_share`` (see the module docstring)
    says how much of its variance is still seed noise. Returns a tidy table: one row
    per (metric, parameter). Runs are advanced ``batch_size`` at a time as ensembles
    (see :func:`scenario_function`).
    """
    if method not in METHODS:
        raise ValueError(f"method={method!r} is not known: allowed {', '.join(METHODS)}")
    samples = check_count("samples", samples, 2)
    reps = check_count("reps", reps, 1)
    if method == "sobol" and samples & (samples - 1):
        raise ValueError(f"samples={samples}: Sobol' sampling needs a power of 2 "
                         f"(e.g. {1 << samples.bit_length() - 1} or {1 << samples.bit_length()})")
    if method == "fast" and samples <= 4 * FAST_M ** 2:
        raise ValueError(f"samples={samples}: FAST needs more than {4 * FAST_M ** 2} samples "
                         "per parameter")
    if method in ("rbd_fast", "delta") and samples < 20:
        raise ValueError(f"samples={samples}: {method} needs at least 20 samples")
    scenario = load_scenario(scenario)
    if not params:
        raise ValueError("give at least one parameter to vary")
    bounds = _bounds(scenario, params)
    runs = _runs(method, samples, len(params)) * reps
    check_limit("runs", runs, where=f"runs (samples x {runs // samples} with reps)")
    f = scenario_function(scenario, list(params), metrics, steps, seed, jobs=jobs,
                          executor=executor, dask=dask, progress=progress, batch=batch,
                          batch_size=batch_size, reps=reps)
    problem = {"num_vars": len(f.names), "names": f.names, "bounds": bounds}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        X = _sample(method, problem, samples, seed)
        Y = f(X)
        noise = noise_share(f.replicates)
        analysis = {metric: _analyze(method, problem, X, Y[:, k], seed)
                    for k, metric in enumerate(f.metrics)}
    rows = [{"metric": metric, "parameter": name,
             **{c: float(np.asarray(analysis[metric][c])[i]) for c in COLUMNS[method]},
             **({"noise_share": float(noise[k])} if reps > 1 else {})}
            for k, metric in enumerate(f.metrics) for i, name in enumerate(f.names)]
    table = pd.DataFrame(rows)
    table.attrs.update(method=method, runs=len(X) * reps, scenario=scenario.name, reps=reps)
    return table


def format_table(table: pd.DataFrame) -> str:
    """The indices as text: one block per metric."""
    method = table.attrs.get("method", "sobol" if "S1" in table else "morris")
    columns = COLUMNS[method] + (["noise_share"] if "noise_share" in table else [])
    width = max(9, *map(len, table["parameter"]))
    lines = []
    for metric, block in table.groupby("metric", sort=False):
        lines.append(f"{metric}")
        lines.append(f"  {'parameter':<{width}}" + "".join(f"{c:>14}" for c in columns))
        for _, row in block.iterrows():
            lines.append(f"  {row['parameter']:<{width}}"
                         + "".join(f"{row[c]:>14.4f}" for c in columns))
    return "\n".join(lines)
