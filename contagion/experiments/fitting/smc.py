"""Running pyabc's ABC-SMC: the sampler, seeding, progress, and resuming from the database.

pyabc draws proposals from numpy's global generator. The samplers here seed it from
the root seed and the population's index before each population, and each
simulation's model seed derives from the root seed and its parameters
(:class:`.design.Simulator`), so the same seed gives the same posterior, whether the
candidates are simulated in batches (:mod:`.sampler`, the default) or one model at a
time, by one worker or several, locally or on Dask: the batched sampler draws and
accepts candidates in the order pyabc's single-core sampler does. A population that
was cut off is sampled again from the same seed when the fit resumes. numpy's global
state is restored after the fit."""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from contagion.experiments.fitting.projection import projection
from contagion.experiments.fitting.sampler import batch_sampler, population_seed

__all__ = ["Progress", "SmcSettings", "make_sampler", "population_seed", "run_smc"]

_LOGGER = "ABC"


@dataclass(frozen=True)
class SmcSettings:
    """How to run ABC-SMC: particles, stopping rules, and how populations adapt."""

    particles: int = 200
    populations: int = 8
    pilot: int = 1000
    min_acceptance: float = 0.02
    min_epsilon: float = 0.0
    adaptive_particles: bool = False

    def record(self) -> dict:
        """The settings that shape the posterior (a resumed fit must match them)."""
        return {"particles": self.particles, "adaptive_particles": self.adaptive_particles,
                "pilot": self.pilot}


def make_sampler(jobs: int, root_seed: int, simulator=None, pool=None, *, batch: bool = True,
                 batch_size: int | None = None):
    """The sampler of a fit.

    Batched (:func:`.sampler.batch_sampler`): candidates drawn in batches, each batch
    simulated as one ensemble, by this process or by the ``jobs`` workers of ``pool``
    (local processes or a Dask cluster), accepted in order. With ``batch=False`` and
    one local worker: pyabc's own single-core sampler, one model per simulation (the
    reference the batched sampler is compared with); with ``batch=False`` and several
    workers: the batched sampler's scheduling with one model per candidate.
    """
    import pyabc

    if batch or pool is not None and jobs > 1:
        return batch_sampler(simulator, root_seed, pool, jobs, batch_size, batch)

    class SeededSingleCoreSampler(pyabc.sampler.SingleCoreSampler):
        """pyabc's single-core sampler, reseeded from the root seed per population."""

        def sample_until_n_accepted(self, n, simulate_one, t, **kwargs):
            np.random.seed(population_seed(root_seed, t))
            return super().sample_until_n_accepted(n, simulate_one, t, **kwargs)

    return SeededSingleCoreSampler(check_max_eval=True)


class Progress(logging.Handler):
    """Turns pyabc's log messages into one progress line per population."""

    def __init__(self, write: Callable[[str], None] | None):
        super().__init__(level=logging.INFO)
        self.write, self.stop_reason, self.lines = write, "", []
        self._t, self._eps, self._started = -1, float("nan"), 0.0

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if match := re.match(r"t: (\d+), eps: (\S+)\.$", message):
            self._t, self._eps, self._started = int(match[1]), float(match[2]), time.perf_counter()
        elif match := re.match(r"Accepted: (\d+) / (\d+) = (\S+), ESS: (\S+)\.$", message):
            accepted, simulated = int(match[1]), int(match[2])
            line = (f"population {self._t}: epsilon {self._eps:.4g}, accepted {accepted} of "
                    f"{simulated} simulations ({accepted / simulated:.1%}), ESS "
                    f"{float(match[4]):.0f}, {time.perf_counter() - self._started:.1f} s")
            self._say(line)
        elif message.startswith("Calibration sample"):
            self._say("calibrating the distance on simulations from the prior")
        elif message.startswith("Stop"):
            self.stop_reason = _REASONS.get(message, message)
        elif record.levelno >= logging.WARNING:
            self._say(f"pyabc: {message}")

    def _say(self, line: str) -> None:
        self.lines.append(line)
        if self.write is not None:
            self.write(line)


_REASONS = {
    "Stop: Maximum number of generations.": "the most populations asked for",
    "Stop: Minimum epsilon.": "epsilon reached its minimum",
    "Stop: Minimum acceptance rate.": "the acceptance rate fell below its minimum",
    "Stopping: sample not ok.": ("the acceptance rate fell below its minimum (the last "
                                 "population was not completed)"),
    "Stop: Total simulations budget.": "the simulation budget",
}


@contextlib.contextmanager
def _quiet_pyabc(handler: Progress):
    """Route pyabc's logging to ``handler`` only; restore everything afterwards."""
    logger = logging.getLogger(_LOGGER)
    saved = (logger.level, logger.propagate, list(logger.handlers))
    logger.handlers, logger.propagate = [handler], False
    logger.setLevel(logging.INFO)
    state = np.random.get_state()
    try:
        yield
    finally:
        logger.setLevel(saved[0])
        logger.propagate, logger.handlers = saved[1], saved[2]
        np.random.set_state(state)


def run_smc(simulator, priors, observed_stats, pilot, db_url: str, settings: SmcSettings,
            sampler, root_seed: int, progress: Callable[[str], None] | None):
    """Run (or continue) ABC-SMC into ``db_url``; return ``(history, stop reason)``.

    ``observed_stats`` is what ``simulator`` returns for the data; ``pilot`` the
    (statistics, parameters) the summary projection is learnt from (:mod:`.projection`).

    A database that already holds populations of this fit is continued: pyabc loads
    it (:meth:`pyabc.ABCSMC.load`) and samples the populations still missing.
    """
    import pyabc

    handler = Progress(progress)
    population_size = settings.particles
    if settings.adaptive_particles:
        population_size = pyabc.AdaptivePopulationSize(
            settings.particles, mean_cv=0.05, max_population_size=4 * settings.particles,
            min_population_size=max(10, settings.particles // 2))
    with _quiet_pyabc(handler):
        sumstat = projection(*pilot)
        abc = pyabc.ABCSMC(
            simulator, pyabc.Distribution(**{name: p.rv() for name, p in priors.items()}),
            distance_function=pyabc.AdaptivePNormDistance(p=2, sumstat=sumstat),
            population_size=population_size, sampler=sampler)
        done = _populations_done(db_url)
        if done is None:
            history = abc.new(db_url, observed_stats)
            done = 0
        else:
            history = abc.load(db_url, 1)
        remaining = settings.populations - done
        if remaining > 0:
            np.random.seed(population_seed(root_seed, 10_000 + done))
            history = abc.run(minimum_epsilon=settings.min_epsilon, max_nr_populations=remaining,
                              min_acceptance_rate=settings.min_acceptance)
        else:
            handler.stop_reason = _REASONS["Stop: Maximum number of generations."]
    return history, handler.stop_reason


def _populations_done(db_url: str) -> int | None:
    """Populations stored in the database; None where there is no fit to continue.

    A database cut off before its first population is removed: nothing in it is
    worth keeping, and pyabc cannot continue it.
    """
    import pyabc

    path = _db_path(db_url)
    if path is None or not path.is_file():
        return None
    try:
        history = pyabc.History(db_url, _id=1, create=False)
        done = history.max_t if history.all_runs() else None
    except Exception:  # noqa: BLE001 - an unreadable file: start over
        done = None
    if done is None or done < 0:
        path.unlink()
        return None
    return int(done) + 1


def _db_path(db_url: str):
    from pathlib import Path

    return None if db_url == "sqlite://" else Path(db_url.removeprefix("sqlite:///"))
