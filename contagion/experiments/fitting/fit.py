"""``fit``: likelihood-free Bayesian calibration of a scenario to data (ABC-SMC with pyabc).

>>> from contagion import fit
>>> result = fit("docs/data/meeting.toml", "docs/data/meeting_group.csv",
...              {"regulation": "0:0.2", "mirroring": "0:1"}, seed=1, jobs=1,
...              particles=50, populations=2, progress=False)  # doctest: +SKIP
>>> print(result.report.text())  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pandas as pd

from contagion.experiments.execute import connect_dask, default_jobs, open_executor
from contagion.experiments.fitting.data import read_data
from contagion.experiments.fitting.design import Simulator, batch_reason, make_design
from contagion.experiments.fitting.folder import FORMAT, FitFolder, data_digest
from contagion.experiments.fitting.output import predictive_draws, write_outputs
from contagion.experiments.fitting.priors import make_priors
from contagion.experiments.fitting.projection import KEY, flatten, load_or_run_pilot
from contagion.experiments.fitting.report import ESS_FLOOR, Identifiability, identifiability
from contagion.experiments.fitting.results import posterior_summary
from contagion.experiments.fitting.smc import SmcSettings, make_sampler, run_smc
from contagion.experiments.fitting.summaries import summarise
from contagion.experiments.plan import check_count, load_scenario
from contagion.memory import WORKER, check_memory, model_bytes
from contagion.params import check_limit
from contagion.version import __version__

__all__ = ["FitResult", "fit"]

#: Manifest fields that must match for a fit to continue from an existing database.
IDENTITY = ("format", "scenario_toml", "data", "priors", "seed", "particles",
            "adaptive_particles", "pilot", "summaries")
#: Changes whenever the summary statistics change (a database of older ones is not continued).
SUMMARIES_VERSION = 2


@dataclass
class FitResult:
    """What a fit found and what it cost.

    ``simulations`` counts pyabc's (calibration and populations, over every run of this
    fit), ``ran`` those of this call, ``pilot`` the prior simulations the summary
    projection was learnt from; ``simulated`` every simulation this call ran for
    pyabc, the candidates a batch drew beyond a population's last acceptance
    included; ``batched`` whether they ran as ensembles.
    """

    scenario: str
    posterior: pd.DataFrame
    summary: pd.DataFrame
    report: Identifiability
    populations: pd.DataFrame
    simulations: int
    ran: int
    seconds: float
    stop_reason: str
    resumed_from: int
    pilot: int = 0
    out: Path | None = None
    files: list = field(default_factory=list)
    batched: bool = False
    simulated: int = 0


def _as_list(data) -> list:
    return list(data) if isinstance(data, (list, tuple)) else [data]


def _network(network):
    if network is None:
        return None, None
    import networkx as nx

    from contagion.graphs import read_graph

    if isinstance(network, nx.Graph):
        return network, "graph"
    return read_graph(network), str(network)


def _bounded(name: str, value, minimum: int, limit: str | None = None) -> int:
    """A count >= ``minimum`` and within its limit (``LIMITS``), checked before anything runs."""
    value = check_count(name, value, minimum)
    check_limit(limit or name, value, where=name)
    return value


def _settings(particles, populations, min_acceptance, adaptive, pilot) -> SmcSettings:
    particles = _bounded("particles", particles, 10)
    populations = _bounded("populations", populations, 1)
    pilot = _bounded("pilot", 5 * particles if pilot is None else pilot, 20)
    if isinstance(min_acceptance, bool) or not isinstance(min_acceptance, (int, float)) \
            or not 0 <= min_acceptance < 1:
        raise ValueError(f"min_acceptance={min_acceptance!r} is invalid: allowed [0, 1)")
    return SmcSettings(particles, populations, pilot, float(min_acceptance), 0.0, bool(adaptive))


def _writer(progress):
    if callable(progress):
        return progress
    if progress:
        return lambda line: print(f"fit: {line}", file=sys.stderr, flush=True)
    return None


def fit(scenario, data, params, *, network=None, fixed=None, out=None, seed: int = 0,
        particles: int = 200, populations: int = 8, min_acceptance: float = 0.02,
        adaptive_particles: bool = False, pilot: int | None = None, jobs: int | None = None, dask: str | None = None,
        executor=None, dask_timeout: float = 10.0, force: bool = False, plots: bool = True,
        draws: int = 40, truth=None, progress=True, batch: bool = True,
        batch_size: int | None = None) -> FitResult:
    """Fit ``params`` of ``scenario`` to ``data`` by ABC-SMC; return the posterior and the report.

    Parameters
    ----------
    scenario : Scenario, str
        A scenario, its name, or a ``.toml`` file.
    data : path, DataFrame, or a list of them
        Tidy tables (see :mod:`contagion.experiments.fitting.data`): group time series
        and/or individual panels.
    params : mapping of name -> prior
        ``"0:1"`` (uniform), ``"loguniform:0.01:1"``, ``"normal:0.5:0.1"`` or ``(low, high)``.
    network : path or networkx graph, optional
        The observed network; without it every simulation draws one from the recipe.
    fixed : mapping, optional
        Other parameters set to a value (``--set``); the rest keep the scenario's.
    out : path, optional
        Folder for the database and the outputs; running the same fit into it again
        continues where it stopped. Without it the database is temporary.
    seed : int
        Root seed: with ``jobs=1`` the same seed gives the same posterior.
    particles, populations, min_acceptance, adaptive_particles
        Particles per population; stop after ``populations`` populations or when the
        acceptance rate falls below ``min_acceptance``; let pyabc adapt the population
        size (:class:`pyabc.AdaptivePopulationSize`).
    pilot : int, optional
        Simulations from the prior that the summary projection is learnt from
        (:mod:`.projection`; default: 5 x particles).
    jobs, dask, executor
        Local worker processes (default: every core), a Dask scheduler address, or a
        ``distributed.Client``; each worker takes whole batches of simulations.
    batch, batch_size
        Simulate the candidates of a population in batches, each batch one ensemble
        (:mod:`.sampler`; default), ``batch_size`` runs per ensemble (default: from
        the model's size, :func:`contagion.experiments.ensemble.auto_batch_size`);
        ``batch=False`` runs one model per simulation. Same posterior either way.
    draws : int
        Posterior draws simulated for the predictive check.
    truth : mapping, optional
        Known values (synthetic data), marked in the posterior figure.
    progress : bool or callable
        Print one line per population (population, epsilon, acceptance rate) to stderr,
        or hand each line to the callable.
    """
    scenario = load_scenario(str(scenario) if isinstance(scenario, Path) else scenario)
    fixed = dict(fixed or {})
    both = sorted(set(fixed) & set(params or {}))
    if both:
        raise ValueError(f"{both[0]} is both fitted (--param) and fixed (--set): choose one")
    scenario = scenario.replace(**fixed)
    priors = make_priors(scenario, params or {})
    settings = _settings(particles, populations, min_acceptance, adaptive_particles, pilot)
    seed = check_count("seed", seed, 0)
    draws = _bounded("draws", draws, 2)
    if batch_size is not None:
        batch_size = _bounded("batch_size", batch_size, 1, "runs")
    if dask is not None and executor is not None:
        raise ValueError("give either executor= or dask=, not both")
    jobs = default_jobs() if jobs is None else check_count("jobs", jobs, 1)
    graph, graph_source = _network(network)
    metrics = [c for c in scenario.build(0, space=False, graph=graph).run(0).columns
               if c not in ("step", "time")]
    tables = [read_data(source, scenario, metrics) for source in _as_list(data)]
    design = make_design(scenario, tables, graph, graph_source)
    simulator = Simulator(scenario, design, seed, list(priors))
    check_fit_size(simulator, settings, draws, 1 if (dask or executor) else jobs, batch_size)
    observed = {KEY: flatten(summarise(design.observed, design.neighbours))}
    manifest = _manifest(scenario, design, priors, seed, settings)
    write = _writer(progress)
    start = time.perf_counter()
    with contextlib.ExitStack() as stack:
        if out is None:
            folder_path = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fit-")))
            folder = stack.enter_context(FitFolder(folder_path, manifest, IDENTITY))
        else:
            folder = stack.enter_context(FitFolder(out, manifest, IDENTITY, force))
        client = executor
        if dask is not None:
            client = connect_dask(dask, dask_timeout)
            stack.callback(client.close)
        workers = jobs if client is None else _dask_workers(client)
        pool, _ = stack.enter_context(open_executor(jobs if client is None else 1, client))
        before, found = _so_far(folder.db_url)
        stopped = folder.manifest.get("stopped") or {}
        sampler = None
        if stopped.get("asked", -1) >= settings.populations:
            history, reason = _history(folder.db_url), stopped["reason"]
            if write:
                write(f"already finished ({reason}): writing the outputs again")
        else:
            X, Y = load_or_run_pilot(folder.out / "pilot.npz", simulator, priors,
                                     settings.pilot, pool, write, batch=batch,
                                     batch_size=batch_size)
            sampler = make_sampler(workers, seed, simulator, None if workers == 1 else pool,
                                   batch=batch, batch_size=batch_size)
            history, reason = run_smc(simulator, priors, observed, (X, Y),
                                      folder.db_url, settings, sampler, seed, write)
        result = _result(scenario, history, priors, reason, before, start)
        result.resumed_from, result.pilot = found, settings.pilot
        result.batched = bool(batch and batch_reason(scenario, design) is None)
        result.simulated = getattr(sampler, "simulated", result.ran)
        folder.write_manifest(stopped={"reason": reason, "populations": len(result.populations),
                                       "asked": settings.populations})
        if write and result.report.ess < ESS_FLOOR:
            write("warning: " + result.report.ess_warning())
        if out is not None:
            result.out = Path(out)
            simulated = predictive_draws(simulator, result.posterior, draws, pool,
                                         batch=batch, batch_size=batch_size) if plots else None
            result.files = write_outputs(result, Path(out), design, priors, simulated, truth,
                                         (scenario.dt, scenario.time_unit))
    return result


def _dask_workers(client) -> int:
    """Workers behind ``client`` (a Dask cluster's threads, or an executor's processes)."""
    if not hasattr(client, "nthreads"):
        return max(1, int(getattr(client, "_max_workers", 1) or 1))
    try:
        return max(1, sum(client.nthreads().values()))
    except Exception:  # noqa: BLE001 - only how finely the candidates are split
        return 1


def check_fit_size(simulator, settings: SmcSettings, draws: int, jobs: int,
                   batch_size: int | None) -> None:
    """Refuse a fit whose simulations or tables cannot fit, before anything runs.

    Each simulation runs the model to the last observed step: people x that step is
    bounded (limit ``fit_agent_steps``). Memory: per worker an interpreter and one
    ensemble batch (models and observed tables), plus the pilot's statistics.
    """
    design, scenario = simulator.design, simulator.scenario
    model = scenario.build(0, space=False, graph=design.graph)
    people, ties = model.n_agents, int(model.in_edges.nnz)
    agent_steps = people * design.last_step
    check_limit("fit_agent_steps", agent_steps,
                where=f"people x last observed step ({people:,} x {design.last_step:,})")
    cells = sum(int(t.values.size) for t in design.observed)
    batch = batch_size or simulator.batch_size() or 1
    per_run = model_bytes(people, ties) + 8 * cells
    features = len(flatten(summarise(design.observed, design.neighbours)))
    needed = (jobs * (WORKER + batch * per_run)
              + 8 * (settings.pilot * (features + len(simulator.names)) + draws * cells))
    check_memory(f"a fit of {scenario.name} ({people:,} people, batches of {batch:,} runs on "
                 f"{jobs} worker{'s' if jobs > 1 else ''})", needed)


def _manifest(scenario, design, priors, seed, settings) -> dict:
    try:
        pyabc_version = metadata.version("pyabc")
    except metadata.PackageNotFoundError:
        pyabc_version = None
    return {"format": FORMAT, "scenario": scenario.name, "scenario_toml": scenario.to_toml(),
            "data": data_digest(design), "data_sources": [t.source for t in design.observed],
            "data_kinds": design.kinds, "network": design.graph_source,
            "priors": {name: prior.record() for name, prior in priors.items()}, "seed": seed,
            **settings.record(), "summaries": SUMMARIES_VERSION,
            "contagion_version": __version__, "pyabc_version": pyabc_version,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def _history(db_url: str):
    import pyabc

    return pyabc.History(db_url, _id=1, create=False)


def _so_far(db_url: str) -> tuple[int, int]:
    """(simulations, populations) already in the database."""
    try:
        history = _history(db_url)
        return int(history.total_nr_simulations or 0), max(0, int(history.max_t) + 1)
    except Exception:  # noqa: BLE001 - no database yet, or not a complete one
        return 0, 0


def _result(scenario, history, priors, reason, before, start) -> FitResult:
    names = list(priors)
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    posterior = frame.reset_index(drop=True)[names].assign(weight=weights)
    populations = history.get_all_populations()
    populations = populations[populations["t"] >= 0].reset_index(drop=True)
    total = int(history.total_nr_simulations)
    return FitResult(scenario.name, posterior, posterior_summary(posterior, names),
                     identifiability(posterior, priors), populations, total, total - before,
                     time.perf_counter() - start, reason, 0)
