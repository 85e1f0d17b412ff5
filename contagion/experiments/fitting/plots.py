"""Figures of a fit: the posterior (marginals and pairs) and the posterior predictive check."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from contagion.output import save_figure

__all__ = ["plot_posterior", "plot_predictive", "predictive_series"]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_posterior(posterior: pd.DataFrame, priors, path, title: str, truth=None) -> Path:
    """Marginal posteriors on the diagonal (prior dashed), pairs of particles below it.

    Axes span each prior's support; ``truth`` (name -> value), where known, is marked.
    """
    plt = _pyplot()
    names = list(priors)
    n = len(names)
    weights = posterior["weight"].to_numpy(dtype=float)
    weights = weights / weights.sum()
    size = min(2.6, 9.0 / n) if n > 1 else 4.0
    figure, axes = plt.subplots(n, n, figsize=(size * n + 1, size * n + 0.6), squeeze=False)
    for i, a in enumerate(names):
        low, high = priors[a].low, priors[a].high
        for j, b in enumerate(names):
            ax = axes[i, j]
            if j > i:
                ax.axis("off")
                continue
            if i == j:
                grid = np.linspace(low, high, 200)
                ax.hist(posterior[a], bins=25, range=(low, high), weights=weights, density=True,
                        color="C0", alpha=0.6, label="posterior")
                ax.plot(grid, priors[a].frozen().pdf(grid), "k--", lw=1, label="prior")
                ax.set_yticks([])
            else:
                ax.scatter(posterior[b], posterior[a], s=6, c="C0",
                           alpha=np.clip(weights / weights.max(), 0.08, 1.0), lw=0)
                ax.set_xlim(priors[b].low, priors[b].high)
                ax.set_ylim(low, high)
                if truth and a in truth and b in truth:
                    ax.plot(truth[b], truth[a], "r+", ms=12, mew=2)
            if i == j:
                ax.set_xlim(low, high)
                if truth and a in truth:
                    ax.axvline(truth[a], color="r", lw=1.5, label="true value")
            if i == n - 1:
                ax.set_xlabel(b)
            if j == 0 and i > 0:
                ax.set_ylabel(a)
    axes[0, 0].legend(fontsize=8, frameon=False, loc="upper left",
                      bbox_to_anchor=(1.02, 1.0) if n > 1 else None)
    figure.suptitle(title, fontsize=10)
    try:
        return save_figure(figure, path)
    finally:
        plt.close(figure)


def predictive_series(table) -> dict[str, np.ndarray]:
    """The curves a predictive check shows for one table: group metrics, or panel mean and sd."""
    if table.kind == "group":
        return {name: table.values[:, j] for j, name in enumerate(table.names)}
    out = {}
    for j, name in enumerate(table.names):
        out[f"{name}, mean over agents"] = table.values[j].mean(axis=1)
        out[f"{name}, sd over agents"] = table.values[j].std(axis=1)
    return out


def plot_predictive(observed, simulated, path, title: str, dt: float = 1.0,
                    unit: str = "step") -> Path:
    """Observed curves over the 5-95 % band (and median) of the simulated ones.

    ``observed``: the data tables; ``simulated``: one tuple of tables per posterior draw.
    """
    plt = _pyplot()
    panels = []
    for k, table in enumerate(observed):
        seen = predictive_series(table)
        runs = [predictive_series(sim[k]) for sim in simulated]
        for name, curve in seen.items():
            panels.append((table.steps * dt, name, curve, np.array([r[name] for r in runs])))
    columns = 2 if len(panels) > 1 else 1
    rows = int(np.ceil(len(panels) / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(6.0 * columns, 2.8 * rows + 0.6),
                                squeeze=False)
    for ax, (x, name, curve, band) in zip(axes.ravel(), panels):
        low, mid, high = np.nanquantile(band, [0.05, 0.5, 0.95], axis=0)
        ax.fill_between(x, low, high, color="C0", alpha=0.25, lw=0,
                        label=f"simulated, 5-95 % of {len(band)} posterior draws")
        ax.plot(x, mid, color="C0", lw=1.2, label="simulated, median")
        ax.plot(x, curve, "k.", ms=4, label="observed")
        ax.set_title(name.replace("_", " "), fontsize=9)
        ax.grid(alpha=0.3)
    for ax in axes.ravel()[len(panels):]:
        ax.axis("off")
    for ax in axes[-1]:
        ax.set_xlabel(unit if unit == "step" else f"{unit}s")
    axes[0, 0].legend(fontsize=7, frameon=False)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    try:
        return save_figure(figure, path)
    finally:
        plt.close(figure)
