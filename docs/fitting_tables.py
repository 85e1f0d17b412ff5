"""Tables and the recovery figure of docs/fitting.md, from the study's results (fitting_study.py)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from contagion.output import save_figure


def recovery_figure(rows: pd.DataFrame, truth: dict, designs: dict, path: Path) -> Path:
    """One panel per parameter: every data set's 90 % interval and mean, by design."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(truth)
    figure, axes = plt.subplots(1, len(names), figsize=(4.2 * len(names), 4.4), squeeze=False)
    for ax, name in zip(axes[0], names):
        part = rows[rows["parameter"] == name]
        for k, design in enumerate(designs):
            runs = part[part["design"] == design].sort_values("dataset")
            if runs.empty:
                continue
            x = k + np.linspace(-0.35, 0.35, len(runs))
            colours = np.where(runs["covered"], f"C{k + (k >= 3)}", "red")  # C3 is red
            ax.vlines(x, runs["q05"], runs["q95"], colors=colours, lw=1.6)
            ax.plot(x, runs["mean"], "k.", ms=3)
        ax.axhline(truth[name], color="k", lw=1, ls="--", label="true value")
        ax.set_xticks(range(len(designs)), [label.split(")")[0] + ")" for label in designs.values()])
        ax.set_title(name, fontsize=10)
        ax.grid(alpha=0.3, axis="y")
    axes[0, 0].legend(fontsize=8, frameon=False)
    figure.suptitle("90 % posterior intervals of every synthetic data set (red: misses the true "
                    "value); dots: posterior means", fontsize=10)
    figure.tight_layout()
    try:
        return save_figure(figure, path)
    finally:
        plt.close(figure)


def recovery_table(rows: pd.DataFrame, designs: dict) -> str:
    """Markdown: coverage, width ratio, posterior means and verdicts per design and parameter."""
    lines = ["| design | parameter | true | posterior mean (mean ± sd over data sets) | "
             "90 % intervals covering the truth | width ratio (median) | identified |",
             "|---|---|---|---|---|---|---|"]
    for design, label in designs.items():
        part = rows[rows["design"] == design]
        for name, block in part.groupby("parameter", sort=False):
            n = len(block)
            covered = int(block["covered"].sum())
            identified = int((block["verdict"] == "identified").sum())
            lines.append(f"| {label} | {name} | {block['truth'].iloc[0]:g} | "
                         f"{block['mean'].mean():.3f} ± {block['mean'].std():.3f} | "
                         f"{covered}/{n} ({covered / n:.0%}) | {block['width_ratio'].median():.2f} | "
                         f"{identified}/{n} |")
    return "\n".join(lines)


def ridge_table(records: list[dict], designs: dict) -> str:
    """Markdown: the ridges the report named, and in how many data sets."""
    lines = ["| design | ridge named by the report | data sets |", "|---|---|---|"]
    for design, label in designs.items():
        mine = [r for r in records if r["design"] == design]
        counts = Counter(re.sub(r" \(correlation.*", "", words) for r in mine
                         for words in r["ridges"])
        if not counts:
            lines.append(f"| {label} | none | 0/{len(mine)} |")
        for words, count in counts.most_common():
            lines.append(f"| {label} | {words} | {count}/{len(mine)} |")
    return "\n".join(lines)


def cost_table(runs: pd.DataFrame, designs: dict) -> str:
    """Markdown: simulations and wall time per fit."""
    lines = ["| design | fits | populations (median) | simulations per fit (median) | "
             "seconds per fit (median) |", "|---|---|---|---|---|"]
    for design, label in designs.items():
        part = runs[runs["design"] == design]
        if part.empty:
            continue
        lines.append(f"| {label} | {len(part)} | {part['populations'].median():.0f} | "
                     f"{part['simulations'].median():.0f} | {part['seconds'].median():.0f} |")
    return "\n".join(lines)


def update_page(page: Path, rows, runs, records, designs, narrowed) -> None:
    """Replace the generated blocks of ``page`` (``<!-- BEGIN name -->`` .. ``<!-- END name -->``)."""
    blocks = {"recovery": recovery_table(rows, designs), "ridges": ridge_table(records, designs),
              "cost": cost_table(runs, designs)}
    if not page.exists():
        return
    text = page.read_text(encoding="utf-8")
    for name, block in blocks.items():
        pattern = re.compile(rf"(<!-- BEGIN {name} -->\n)(?:.*?\n)?(<!-- END {name} -->)", re.S)
        text = pattern.sub(lambda m: m[1] + block + "\n" + m[2], text)
    page.write_text(text, encoding="utf-8")
