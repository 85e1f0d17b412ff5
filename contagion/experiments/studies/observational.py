"""The observational estimator of Fowler & Christakis (2008), applied at network distance d.

For each ego-alter pair at distance exactly d and each pair of consecutive waves
(t, t+1), one row::

    logit P(ego happy at t+1) = b0 + b1 ego(t) + b2 alter(t+1) + b3 alter(t)

with the ego's own state at t and the alter's at t and t+1, as in the paper. The
model is fitted as a generalised estimating equation (GEE) with an independence
working correlation and robust (sandwich) standard errors clustered on the ego, the
specification Fowler & Christakis used. With an independence working correlation
the GEE estimates are the logistic regression's, and its robust covariance is the
cluster-robust one; it is fitted as such (statsmodels ``Logit`` with
``cov_type="cluster"``), which is many times faster and gives the same numbers
(tests/experiments/test_confounding.py checks this against statsmodels' ``GEE``).

The effect is reported as they reported it: the percent increase in the probability
that the ego is happy when the alter is happy at t+1 rather than not, all other
variables held at their means, ``100 (P1 / P0 - 1)``; its mean and 95% interval
come from ``draws`` sets of coefficients drawn from their estimated distribution
(King, Tomz & Wittenberg 2000), as in the paper.

The pairs: every person is an ego; at each distance up to ``alters_per_ego`` alters
at that distance are drawn at random (all of them where there are fewer).

References
----------
.. [1] Fowler, J. H., & Christakis, N. A. (2008). Dynamic spread of happiness in a
   large social network: longitudinal analysis over 20 years in the Framingham Heart
   Study. BMJ, 337, a2338.
.. [2] King, G., Tomz, M., & Wittenberg, J. (2000). Making the most of statistical
   analyses: improving interpretation and presentation. American Journal of
   Political Science, 44(2), 347-361.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

from contagion.experiments.studies.estimate import Estimate

__all__ = ["PUBLISHED", "fowler_christakis", "panel_rows", "sample_alters"]

#: Fowler & Christakis (2008), Results: percent more likely to be happy when a person
#: at 1, 2 and 3 degrees of separation is happy (their comparison with networks in
#: which happiness was reassigned at random).
PUBLISHED = {1: 15.3, 2: 9.8, 3: 5.6}

#: Columns of the regression, in order (after the constant).
REGRESSORS = ("ego_t", "alter_t1", "alter_t")


def sample_alters(ring: sp.csr_array, per_ego: int, rng: np.random.Generator):
    """``(ego, alter)`` index arrays: up to ``per_ego`` random alters from each row of ``ring``."""
    ring = sp.csr_array(ring)
    counts = np.diff(ring.indptr)
    rows = np.repeat(np.arange(ring.shape[0]), counts)
    order = np.lexsort((rng.random(ring.nnz), rows))
    rank = np.arange(ring.nnz) - ring.indptr[rows]
    keep = order[rank < per_ego]
    return rows[keep], ring.indices[keep]


def panel_rows(happy: np.ndarray, ego: np.ndarray, alter: np.ndarray):
    """``(y, X, groups)``: one row per pair and pair of consecutive waves; X has a constant."""
    outcome, columns = [], []
    for t in range(happy.shape[0] - 1):
        outcome.append(happy[t + 1, ego])
        columns.append(np.column_stack([np.ones(len(ego)), happy[t, ego], happy[t + 1, alter],
                                        happy[t, alter]]))
    groups = np.tile(ego, happy.shape[0] - 1)
    return np.concatenate(outcome).astype(float), np.vstack(columns).astype(float), groups


def _fit(y: np.ndarray, X: np.ndarray, groups: np.ndarray):
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import PerfectSeparationError, PerfectSeparationWarning

    varying = [name for name, column in zip(REGRESSORS, X[:, 1:].T) if column.min() != column.max()]
    if y.min() == y.max() or len(varying) < len(REGRESSORS):
        raise ValueError("the panel is too uniform for the regression (everyone happy or "
                         "nobody, at some wave): use more people or another happy_share")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence chatter; separation is an error
            warnings.simplefilter("error", PerfectSeparationWarning)
            fit = sm.Logit(y, X).fit(disp=0, cov_type="cluster", cov_kwds={"groups": groups})
    except (PerfectSeparationError, PerfectSeparationWarning, np.linalg.LinAlgError) as exc:
        raise ValueError(f"the regression cannot be fitted ({exc}): use more people") from None
    return np.asarray(fit.params), np.asarray(fit.cov_params())


def fowler_christakis(happy: np.ndarray, ego: np.ndarray, alter: np.ndarray, draws: int,
                      rng: np.random.Generator) -> Estimate:
    """The percent increase in P(ego happy) with a happy alter, and its 95% interval.

    ``happy`` is a bool array (waves, people); ``ego`` and ``alter`` index the pairs.
    """
    y, X, groups = panel_rows(happy, ego, alter)
    params, cov = _fit(y, X, groups)
    sample = rng.multivariate_normal(params, cov, size=draws)
    at_means = X.mean(axis=0)
    happy_alter, unhappy_alter = at_means.copy(), at_means.copy()
    happy_alter[2], unhappy_alter[2] = 1.0, 0.0
    effect = 100.0 * (expit(sample @ happy_alter) / expit(sample @ unhappy_alter) - 1.0)
    low, high = np.percentile(effect, [2.5, 97.5])
    return Estimate(float(effect.mean()), float(low), float(high), len(y))
