"""The study's figure: estimate against network distance, one panel per truth.

Both estimators are in the same units (percent increase in the probability of being
happy), so they share each panel: the observational estimate (circles), the
experimental estimate (squares), each with its 95% interval, the experiment's true
effect (open diamonds) and the published Fowler & Christakis figures (crosses).
"""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.figure import Figure

from contagion.experiments.studies.observational import PUBLISHED

__all__ = ["TITLES", "plot_confounding", "truth_title"]

COLOURS = {"observational": "#1f5fa8", "experimental": "#d9730d"}
LABELS = {"observational": "observational (Fowler & Christakis)",
          "experimental": "randomised experiment"}
TITLES = {"contagion": "contagion only", "homophily": "homophily only",
          "environment": "shared environment only"}
OFFSET = {"observational": -0.08, "experimental": 0.08}


def truth_title(truth: str) -> str:
    """A panel title for ``truth``: 'contagion only', or the mechanisms joined by ' + '."""
    return TITLES.get(truth, truth.replace("+", " + "))


def _panel(ax, rows: pd.DataFrame) -> None:
    ax.axhline(0.0, color="0.4", linewidth=1)
    ax.plot(list(PUBLISHED), list(PUBLISHED.values()), "x", color="black", markersize=9,
            markeredgewidth=2, label="published (Fowler & Christakis 2008)")
    for estimator, marker in (("observational", "o"), ("experimental", "s")):
        part = rows[rows["estimator"] == estimator].sort_values("distance")
        x = part["distance"] + OFFSET[estimator]
        below = part["estimate"] - part["ci_low"]
        above = part["ci_high"] - part["estimate"]
        ax.errorbar(x, part["estimate"], yerr=[below, above], fmt=marker, color=COLOURS[estimator],
                    markersize=7, capsize=3, linewidth=2, label=LABELS[estimator])
        if estimator == "experimental":
            ax.plot(x, part["true_effect"], "D", markerfacecolor="none", markersize=10,
                    markeredgewidth=1.5, color="black", label="true effect of the experiment")
    ax.set_xticks(sorted(rows["distance"].unique()))
    ax.set_xlabel("network distance")
    ax.grid(alpha=0.3)


def plot_confounding(table: pd.DataFrame) -> Figure:
    """One panel per truth: both estimators' estimates and intervals against distance."""
    truths = list(dict.fromkeys(table["truth"]))
    columns = min(4, len(truths))
    rows = math.ceil(len(truths) / columns)
    figure = Figure(figsize=(3.4 * columns + 0.6, 3.6 * rows + 1.0), dpi=100)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for ax, truth in zip(axes, truths):
        _panel(ax, table[table["truth"] == truth])
        ax.set_title(truth_title(truth), fontsize=12)
    for ax in axes[len(truths):]:
        ax.set_visible(False)
    for ax in axes[::columns]:
        ax.set_ylabel("% more likely to be happy")
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncol=4, frameon=False, fontsize=10)
    figure.suptitle("Is it contagion? Two estimators against known truths", fontsize=13)
    figure.tight_layout(rect=(0, 0.08, 1, 1))
    return figure
