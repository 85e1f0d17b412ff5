"""Writing a fit's outputs into its folder, each file atomically."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from contagion.experiments.fitting.design import simulate_observations
from contagion.experiments.fitting.plots import plot_posterior, plot_predictive
from contagion.experiments.fitting.projection import CHUNK
from contagion.experiments.fitting.results import resample
from contagion.output import atomic_write, write_table

__all__ = ["predictive_draws", "write_outputs"]

#: Seed stream of the predictive check's draws (apart from the model seeds).
_PREDICTIVE = 0xD7A


def _chunk(job):
    simulator, runs, batch, batch_size = job
    return simulate_observations(simulator.scenario, runs, simulator.design, batch=batch,
                                 batch_size=batch_size)


def predictive_draws(simulator, posterior, draws: int, pool, *, batch: bool = True,
                     batch_size: int | None = None) -> list:
    """Simulate ``draws`` parameter sets drawn from the posterior (seeded by the root seed).

    Each draw's model seed is that of its values with replicate ``i + 1``: a new run,
    not the one the particle was accepted with. The draws run as ensembles (one per
    ``CHUNK`` draws a worker takes) unless ``batch`` is False.
    """
    rng = np.random.default_rng(np.random.SeedSequence(simulator.root_seed,
                                                       spawn_key=(_PREDICTIVE,)))
    picked = resample(posterior, simulator.names, draws, rng)
    runs = [(values, simulator.seed(values, i + 1)) for i, values in enumerate(picked)]
    step = max(CHUNK, batch_size or 0)
    jobs = [(simulator, runs[i:i + step], batch, batch_size) for i in range(0, len(runs), step)]
    return [tables for chunk in pool.map(_chunk, jobs) for tables in chunk]


def write_outputs(result, out: Path, design, priors, simulated, truth=None,
                  clock: tuple[float, str] = (1.0, "step")) -> list[Path]:
    """posterior.parquet, summary.csv, report.txt, report.json and, with ``simulated``, the figures.

    ``clock`` is (step length, unit) for the predictive check's time axis.
    """
    files = [write_table(result.posterior, out / "posterior.parquet"),
             write_table(result.summary, out / "summary.csv")]
    text = result.report.text() + "\n"
    files.append(atomic_write(out / "report.txt",
                              lambda tmp: Path(tmp).write_text(text, encoding="utf-8")))
    record = {"scenario": result.scenario, "simulations": result.simulations,
              "populations": len(result.populations), "stop_reason": result.stop_reason,
              "summary": result.summary.to_dict(orient="records"), **result.report.record()}
    blob = json.dumps(record, indent=2, default=float) + "\n"
    files.append(atomic_write(out / "report.json",
                              lambda tmp: Path(tmp).write_text(blob, encoding="utf-8")))
    if simulated is not None:
        title = (f"{result.scenario}: posterior after {len(result.populations)} populations, "
                 f"{result.simulations} simulations")
        files.append(plot_posterior(result.posterior, priors, out / "posterior.png", title, truth))
        files.append(plot_predictive(design.observed, simulated, out / "predictive.png",
                                     f"{result.scenario}: posterior predictive check", *clock))
    return files
