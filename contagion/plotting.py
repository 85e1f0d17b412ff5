"""Figures for the command line: labelled, readable, written atomically as PNG."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from contagion.output import atomic_write

__all__ = ["check_png_path", "plot_curves", "save_figure"]

_LABELS = {"valence": "valence (-1 unpleasant .. +1 pleasant)", "arousal": "arousal (0 calm .. 1 excited)"}


def check_png_path(path: str | Path) -> Path:
    """Validate a figure path before any work is done."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"plot={str(path)!r} must end in .png")
    return path


def save_figure(figure, path: str | Path) -> Path:
    """Save a matplotlib figure to ``path`` as PNG, atomically."""
    path = check_png_path(path)
    return atomic_write(path, lambda tmp: figure.savefig(tmp, dpi=120, bbox_inches="tight",
                                                         format="png"))


def _kind(column: str) -> str:
    return "valence" if "valence" in column else "arousal" if "arousal" in column else "other"


def plot_curves(frame: pd.DataFrame, columns: list[str], path: str | Path, title: str,
                null_frame: pd.DataFrame | None = None) -> Path:
    """Plot ``columns`` of a per-step table against step, one panel per kind of quantity.

    Valence, arousal and other metrics get their own panel and axis label; the
    null model's curves (if given) are dashed in the same colour.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    missing = [c for c in columns if c not in frame]
    if missing:
        raise ValueError(f"columns {missing} are not in the table: available {list(frame.columns)}")
    kinds = list(dict.fromkeys(_kind(c) for c in columns))
    figure, axes = plt.subplots(len(kinds), 1, figsize=(9, 3.2 * len(kinds)), sharex=True,
                                squeeze=False)
    for ax, kind in zip(axes[:, 0], kinds):
        for i, column in enumerate(c for c in columns if _kind(c) == kind):
            label = column.replace("_", " ")
            ax.plot(frame["step"], frame[column], color=f"C{i}", lw=2, label=label)
            if null_frame is not None:
                ax.plot(null_frame["step"], null_frame[column], color=f"C{i}", lw=1.5, ls="--",
                        label=f"{label}, null (mirroring 0)")
        ax.set_ylabel(_LABELS.get(kind, "value"))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    axes[-1, 0].set_xlabel("step")
    axes[0, 0].set_title(title)
    try:
        return save_figure(figure, path)
    finally:
        plt.close(figure)
