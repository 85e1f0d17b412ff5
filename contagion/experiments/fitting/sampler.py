"""A pyabc sampler that simulates whole batches of particles as one ensemble.

pyabc hands a sampler ``simulate_one``: draw one parameter from the current proposal,
simulate it, compare it with the data, accept or reject. Called once per particle,
that runs one model per simulation. :func:`batch_sampler` takes the same function
apart (it is a :func:`functools.partial` of pyabc's own
:func:`pyabc.inference_util.generate_valid_proposal` and evaluation, and its
arguments are the proposal, distance, epsilon and acceptor of the population):

1. it draws a batch of candidates from the proposal, in the order and from the same
   generator pyabc's single-core sampler would draw them;
2. simulates them together (:meth:`.design.Simulator.vectors`: one ensemble per
   batch; local worker processes or Dask workers each take whole batches);
3. computes the summary projection and the distances of the whole batch as arrays
   (the same weighted p-norm as :class:`pyabc.distance.PNormDistance`; any other
   distance or acceptor is called per candidate, as pyabc would);
4. walks the candidates in order and keeps them until ``n`` are accepted, exactly as
   :class:`pyabc.sampler.SingleCoreSampler` does: the candidates after the ``n``-th
   acceptance are dropped unseen, so they neither count as evaluations nor bias the
   population.

Each candidate's model seed derives from the root seed and its values, and the
proposal generator is reseeded from the root seed before each population, so a
batched fit gives the posterior of the one-at-a-time fit with one worker, whatever
the batch size or the number of workers (to the ensemble's rounding, about 1e-15).

How many candidates a round draws: enough for the particles still missing at the
acceptance rate seen so far (the previous population's at first), at most
``batch_size`` per worker, never more than the evaluations left.
"""

from __future__ import annotations

import math
import functools
from functools import partial

import numpy as np

__all__ = ["batch_distances", "batch_sampler", "population_seed"]

#: At least this many candidates per round (a very high acceptance rate still fills a batch).
MIN_ROUND = 16


def population_seed(root_seed: int, t: int) -> int:
    """The seed of numpy's global generator for population ``t`` (-1: calibration)."""
    state = np.random.SeedSequence(root_seed, spawn_key=(0x5EED, t + 2)).generate_state(1)
    return int(state[0])


def _simulate_chunk(job):
    """A worker's task: one whole batch of candidates -> their statistics (rows)."""
    simulator, values, batch, batch_size = job
    return simulator.vectors(values, batch=batch, batch_size=batch_size)


def batch_sampler(simulator, root_seed: int, pool=None, workers: int = 1,
                  batch_size: int | None = None, batch: bool = True):
    """A :class:`BatchSampler` (a ``pyabc.sampler.Sampler``; see the module docstring).

    ``pool`` is a ``concurrent.futures`` executor (local processes or Dask's) whose
    ``workers`` each take whole batches; None simulates in this process. ``batch_size``
    is the number of runs per ensemble (default: :func:`auto_batch_size` of the
    model); ``batch=False`` simulates one model per candidate (the reference path,
    same sampling).
    """
    return _sampler_class()(simulator, root_seed, pool, workers, batch_size, batch)


@functools.cache
def _sampler_class():
    return _make_class()


def _make_class():
    import pyabc
    from pyabc.inference_util.inference_util import (
        _simulate_one, _simulate_one_from_prior, generate_valid_proposal)
    from pyabc.population import Particle

    from contagion.experiments.fitting.projection import KEY

    class BatchSampler(pyabc.sampler.Sampler):
        """Simulates whole batches of candidates as ensembles; accepts as pyabc does."""

        def __init__(self, simulator, root_seed: int, pool=None, workers: int = 1,
                     batch_size: int | None = None, batch: bool = True):
            super().__init__()
            self.simulator, self.root_seed, self.pool = simulator, int(root_seed), pool
            self.workers = max(1, int(workers))
            self.batch, self.batch_size = bool(batch), batch_size
            self.rate = 0.5  # the previous population's acceptance rate
            self.simulated = 0  # simulations run, dropped candidates included
            self.vectorised = 0  # candidates whose distance was computed as arrays
            if batch_size is None and batch:
                self.batch_size = simulator.batch_size()
            self.per_worker = self.batch_size or 100

        # -- pyabc's interface -------------------------------------------------------
        def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf,
                                    all_accepted=False, ana_vars=None):
            np.random.seed(population_seed(self.root_seed, t))
            sample = self._create_empty_sample()
            if not isinstance(simulate_one, partial) or simulate_one.func not in (
                    _simulate_one, _simulate_one_from_prior) or (
                    simulate_one.func is _simulate_one
                    and not simulate_one.keywords.get("evaluate", True)):
                return self._one_by_one(n, simulate_one, max_eval, sample)
            prior = simulate_one.func is _simulate_one_from_prior
            kw = simulate_one.keywords
            accepted = evaluated = 0
            while accepted < n and evaluated < max_eval:
                size = self._round(n - accepted, accepted, evaluated, max_eval, prior)
                proposals = [self._propose(kw, prior) for _ in range(size)]
                stats = self._simulate([self.simulator.values(theta) for _, theta in proposals])
                self.simulated += len(proposals)
                if prior:
                    for (m, theta), row in zip(proposals, stats):
                        sample.append(Particle(m=m, parameter=theta, weight=1.0,
                                               sum_stat={KEY: row}, distance=np.inf,
                                               accepted=True, proposal_id=0, preliminary=False))
                        accepted += 1
                        evaluated += 1
                        if accepted >= n or evaluated >= max_eval:
                            break
                    continue
                for particle in self._evaluate(kw, t, proposals, stats):
                    sample.append(particle)
                    evaluated += 1
                    accepted += bool(particle.accepted)
                    if accepted >= n or evaluated >= max_eval:
                        break
            self.nr_evaluations_ = evaluated
            if evaluated:
                self.rate = max(accepted / evaluated, 1e-4)
            if sample.n_accepted < n:
                sample.ok = False
            return sample

        # -- the pieces --------------------------------------------------------------
        def _round(self, missing, accepted, evaluated, max_eval, prior) -> int:
            rate = 1.0 if prior else (accepted / evaluated if accepted else self.rate) \
                if evaluated else self.rate
            wanted = math.ceil(missing / max(rate, 1e-4) * 1.1) + 1
            cap = self.per_worker * self.workers
            size = max(min(wanted, cap), min(MIN_ROUND, cap))
            if math.isfinite(max_eval):
                size = min(size, int(max_eval) - evaluated)
            return max(1, size)

        @staticmethod
        def _propose(kw, prior):
            if prior:
                m = int(kw["model_prior"].rvs())
                return m, kw["parameter_priors"][m].rvs()
            return generate_valid_proposal(
                t=kw["t"], m=kw["m"], p=kw["p"], model_prior=kw["model_prior"],
                parameter_priors=kw["parameter_priors"],
                model_perturbation_kernel=kw["model_perturbation_kernel"],
                transitions=kw["transitions"])

        def _simulate(self, values: list[dict]) -> np.ndarray:
            """Statistics of each candidate (rows, in order); whole batches per worker."""
            if self.pool is None or self.workers == 1 or len(values) <= 1:
                return self.simulator.vectors(values, batch=self.batch,
                                              batch_size=self.batch_size)
            share = math.ceil(len(values) / self.workers)
            jobs = [(self.simulator, values[i:i + share], self.batch, self.batch_size)
                    for i in range(0, len(values), share)]
            return np.vstack(list(self.pool.map(_simulate_chunk, jobs)))

        def _evaluate(self, kw, t, proposals, stats):
            """Distances, acceptance and weights of a batch, in order (a generator)."""
            distance, acceptor, eps = kw["distance_function"], kw["acceptor"], kw["eps"]
            x_0, weight_of, proposal_id = kw["x_0"], kw["weight_function"], kw["proposal_id"]
            known = batch_distances(distance, acceptor, stats, x_0, t)
            if known is not None:
                self.vectorised += len(proposals)
                threshold = eps(t)
            for k, (m, theta) in enumerate(proposals):
                x = {KEY: stats[k]}
                if known is not None:
                    d, ok, acceptance_weight = float(known[k]), bool(known[k] <= threshold), 1.0
                else:
                    result = acceptor(distance_function=distance, eps=eps, x=x, x_0=x_0, t=t,
                                      par=theta)
                    d, ok, acceptance_weight = result.distance, result.accept, result.weight
                weight = weight_of(m, theta, acceptance_weight) if ok else 0
                yield Particle(m=m, parameter=theta, weight=weight, sum_stat=x, distance=d,
                               accepted=ok, proposal_id=proposal_id, preliminary=False)

        def _one_by_one(self, n, simulate_one, max_eval, sample):
            """Any other ``simulate_one`` (none of this package's fits): as SingleCoreSampler."""
            evaluated = 0
            while sample.n_accepted < n and evaluated < max_eval:
                sample.append(simulate_one())
                evaluated += 1
            self.nr_evaluations_ = evaluated
            self.simulated += evaluated
            if sample.n_accepted < n:
                sample.ok = False
            return sample

    return BatchSampler


def batch_distances(distance, acceptor, stats: np.ndarray, x_0: dict, t: int):
    """The distances of every row of ``stats`` to ``x_0`` as one array, where that is exact.

    Exact for pyabc's p-norm distances (fixed or adaptive weights) over a summary
    projection (:class:`pyabc.sumstat.PredictorSumstat`) or the identity, with the
    uniform acceptor on the current population: the same formula
    :meth:`pyabc.distance.PNormDistance.__call__` applies to one row. None for
    anything else (then the acceptor is called per candidate).
    """
    import pyabc
    from pyabc.acceptor import UniformAcceptor
    from pyabc.distance import PNormDistance
    from pyabc.sumstat import IdentitySumstat, PredictorSumstat

    if type(acceptor) is not UniformAcceptor or acceptor.use_complete_history:
        return None
    if type(distance) not in (PNormDistance, pyabc.distance.AdaptivePNormDistance):
        return None
    sumstat = distance.sumstat
    if len(x_0) != 1 or stats.ndim != 2:
        return None
    if type(sumstat) is PredictorSumstat and sumstat.fitted \
            and type(sumstat.pre) is IdentitySumstat and sumstat.pre.trafos is None:
        s = sumstat.predictor.predict(stats, normalize=sumstat.normalize_labels)
    elif type(sumstat) is IdentitySumstat and sumstat.trafos is None:
        s = stats
    else:
        return None
    s0 = np.asarray(sumstat(x_0)).flatten()
    weights = distance.get_weights(t=t)
    if s.shape[1] != s0.shape[0] or (weights.shape and weights.shape != s0.shape):
        return None
    parts = np.abs(weights * (s - s0))
    if distance.p == np.inf:
        return parts.max(axis=1)
    return (parts**distance.p).sum(axis=1) ** (1 / distance.p)
