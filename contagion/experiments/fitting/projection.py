"""Semi-automatic summary statistics: the raw statistics projected onto the parameters.

Comparing dozens of noisy statistics at once buries the few that matter (every one
adds its noise to the distance). Following Fearnhead & Prangle (2012), a fit first
simulates a **pilot** of parameter sets drawn from the prior, then learns a ridge
regression from the raw statistics (:mod:`.summaries`) to the parameters; ABC then
compares the regression's predictions, one number per fitted parameter. A
combination the data cannot tell apart stays unpredictable, so the posterior stays
wide along it: the projection sharpens what is identified and hides nothing.

The regression is scikit-learn's ``RidgeCV`` (penalty chosen by leave-one-out
cross-validation, features standardised, constant ones dropped) inside pyabc's
:class:`pyabc.sumstat.PredictorSumstat`. The pilot is kept in the fit's folder
(``pilot.npz``), so a resumed fit projects with the very same regression.

References
----------
.. [1] Fearnhead, P., & Prangle, D. (2012). Constructing summary statistics for
   approximate Bayesian computation: semi-automatic approximate Bayesian computation.
   JRSS B, 74(3), 419-474. doi:10.1111/j.1467-9868.2011.01010.x
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from contagion.output import atomic_write

__all__ = ["KEY", "flatten", "load_or_run_pilot", "projection"]

#: The one key of the statistics dictionaries pyabc sees.
KEY = "summary"
#: Seed stream of the pilot's parameter draws.
_PILOT = 0x9170


def flatten(stats: dict) -> np.ndarray:
    """The statistics of :func:`.summaries.summarise` as one vector (keys sorted)."""
    return np.concatenate([np.atleast_1d(stats[key]).astype(float) for key in sorted(stats)])


def _draws(priors, size: int, root_seed: int) -> np.ndarray:
    rng = np.random.default_rng(np.random.SeedSequence(root_seed, spawn_key=(_PILOT,)))
    return np.column_stack([prior.frozen().rvs(size=size, random_state=rng)
                            for prior in priors.values()])


#: Pilot simulations per task given to a worker: each task is one ensemble batch
#: where the design allows (:func:`.design.simulate_observations`). A fixed number, so
#: the pilot does not depend on how many workers run it.
CHUNK = 100


def _chunk(job):
    simulator, many, batch, batch_size = job
    return simulator.vectors(many, batch=batch, batch_size=batch_size)


def run_pilot(simulator, priors, size: int, pool, *, batch: bool = True,
              batch_size: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``size`` simulations from the prior: (statistics (size, F), parameters (size, D)).

    Each task a worker takes is :data:`CHUNK` simulations (or ``batch_size``, if
    larger), simulated as ensembles unless ``batch`` is False.
    """
    Y = _draws(priors, size, simulator.root_seed)
    values = [dict(zip(priors, row)) for row in Y]
    step = max(CHUNK, batch_size or 0)
    jobs = [(simulator, values[i:i + step], batch, batch_size)
            for i in range(0, len(values), step)]
    X = np.vstack(list(pool.map(_chunk, jobs)))
    return X, Y


def load_or_run_pilot(path: Path | None, simulator, priors, size: int, pool, say=None, *,
                      batch: bool = True, batch_size: int | None = None):
    """The pilot kept at ``path``, or a new one (then written there atomically)."""
    if path is not None and path.is_file():
        try:
            with np.load(path) as saved:
                if saved["parameters"].shape == (size, len(priors)):
                    return saved["statistics"], saved["parameters"]
        except Exception:  # noqa: BLE001 - a damaged pilot is simulated again (it is seeded)
            pass
    if say:
        say(f"pilot: {size} simulations from the prior to learn the summary projection")
    X, Y = run_pilot(simulator, priors, size, pool, batch=batch, batch_size=batch_size)
    if path is not None:
        atomic_write(path, lambda tmp: _save(tmp, X, Y))
    return X, Y


def _save(tmp: str, X: np.ndarray, Y: np.ndarray) -> None:
    with open(tmp, "wb") as handle:
        np.savez(handle, statistics=X, parameters=Y)


def projection(X: np.ndarray, Y: np.ndarray):
    """A fitted :class:`pyabc.sumstat.PredictorSumstat`: statistics -> predicted parameters."""
    import pyabc
    from sklearn.feature_selection import VarianceThreshold
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    finite = np.isfinite(X).all(axis=1)
    if finite.sum() < max(10, Y.shape[1] + 2):
        raise ValueError(f"only {int(finite.sum())} of {len(X)} pilot simulations gave finite "
                         "statistics: the data's metrics are undefined in most of the prior")
    model = make_pipeline(VarianceThreshold(1e-20), StandardScaler(),
                          RidgeCV(alphas=np.logspace(-3, 4, 15)))
    predictor = pyabc.predictor.SimplePredictor(model, normalize_features=False,
                                                normalize_labels=True, log_pearson=False)
    predictor.fit(X[finite], Y[finite], None)
    return pyabc.sumstat.PredictorSumstat(predictor, fit_ixs=set(), fitted=True)
