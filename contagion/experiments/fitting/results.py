"""Posterior tables from weighted particles: summary, weighted quantiles, correlations.

The posterior of ABC-SMC is the last population: particles with importance weights
that sum to 1. Quantiles are those of the weighted empirical distribution (the
smallest value whose cumulative weight reaches q).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["SUMMARY_COLUMNS", "posterior_summary", "resample", "weighted_correlation",
           "weighted_quantile"]

SUMMARY_COLUMNS = ["parameter", "mean", "sd", "q05", "q50", "q95"]


def weighted_quantile(values, weights, q) -> np.ndarray:
    """Quantiles ``q`` of the weighted sample (``values``, ``weights``)."""
    values, weights = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    cumulative /= cumulative[-1]
    positions = np.searchsorted(cumulative, np.atleast_1d(q) - 1e-12, side="left")
    return values[order][np.minimum(positions, len(values) - 1)]


def weighted_correlation(frame: pd.DataFrame, weights) -> pd.DataFrame:
    """The weighted correlation matrix of ``frame``'s columns (NaN for a constant one)."""
    x = frame.to_numpy(dtype=float)
    w = np.asarray(weights, dtype=float) / np.sum(weights)
    centred = x - w @ x
    cov = (centred * w[:, None]).T @ centred
    sd = np.sqrt(np.diag(cov))
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = cov / np.outer(sd, sd)
    return pd.DataFrame(corr, index=frame.columns, columns=frame.columns)


def posterior_summary(posterior: pd.DataFrame, names) -> pd.DataFrame:
    """``parameter, mean, sd, q05, q50, q95`` for each fitted parameter (weighted)."""
    w = posterior["weight"].to_numpy(dtype=float)
    w = w / w.sum()
    rows = []
    for name in names:
        x = posterior[name].to_numpy(dtype=float)
        mean = float(w @ x)
        q05, q50, q95 = weighted_quantile(x, w, [0.05, 0.5, 0.95])
        rows.append({"parameter": name, "mean": mean, "sd": float(np.sqrt(w @ (x - mean) ** 2)),
                     "q05": float(q05), "q50": float(q50), "q95": float(q95)})
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def resample(posterior: pd.DataFrame, names, draws: int, rng: np.random.Generator) -> list[dict]:
    """``draws`` parameter sets drawn from the weighted posterior."""
    w = posterior["weight"].to_numpy(dtype=float)
    picked = rng.choice(len(posterior), size=draws, replace=True, p=w / w.sum())
    return [{name: float(posterior[name].iloc[i]) for name in names} for i in picked]
