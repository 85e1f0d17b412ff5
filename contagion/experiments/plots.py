"""Figures of runs and sweeps.

:func:`plot_curves` draws a run's key curves against step; :func:`plot_sweep` a metric
against a parameter, mean and 95% interval over replicates.

The interval is Student's t-interval of the mean, ``mean +- t(0.975, n-1) * sd / sqrt(n)``
over the n runs at each point (the replicates). It assumes the run-to-run spread
is roughly normal, which holds for means over many agents; a point with a single
run gets no interval.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from contagion.output import check_png_path, save_figure
from contagion.experiments.store import read_dataset, read_manifest

__all__ = ["default_plot_path", "load_table", "plot_curves", "plot_sweep", "summarise"]


def load_table(source, warn=None) -> tuple[pd.DataFrame, dict | None]:
    """(table, manifest or None) from a DataFrame, a sweep folder, or a .parquet/.csv file."""
    if isinstance(source, pd.DataFrame):
        return source, None
    path = Path(source)
    if path.is_dir():
        return read_dataset(path, warn), read_manifest(path)
    if not path.exists():
        raise ValueError(f"{str(path)!r} does not exist: give a sweep folder or a table file")
    if path.suffix.lower() == ".csv":
        return pd.read_csv(path), None
    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path), None
    raise ValueError(f"{str(path)!r}: give a sweep folder, a .parquet or a .csv file")


def default_plot_path(x: str, y: str, hue: str | None = None) -> Path:
    """``<y>_by_<x>[_and_<hue>].png`` in the current folder."""
    return Path(f"{y}_by_{x}" + (f"_and_{hue}" if hue else "") + ".png")


def summarise(frame: pd.DataFrame, x: str, y: str, hue: str | None = None) -> pd.DataFrame:
    """Mean, sd, n and the 95% t-interval of ``y`` for each (hue, x)."""
    from scipy import stats

    keys = [hue, x] if hue else [x]
    table = frame.groupby(keys, sort=True)[y].agg(["mean", "std", "count"]).reset_index()
    n = table["count"].to_numpy()
    t = np.where(n > 1, stats.t.ppf(0.975, np.maximum(n - 1, 1)), np.nan)
    half = t * table["std"].to_numpy() / np.sqrt(n)
    return table.assign(low=table["mean"] - half, high=table["mean"] + half)


def _check_columns(frame: pd.DataFrame, names) -> None:
    for name in names:
        if name is not None and name not in frame:
            raise ValueError(f"column {name!r} is not in the table; columns: "
                             + ", ".join(map(str, frame.columns)))


def _select(frame: pd.DataFrame, where: Mapping | None) -> pd.DataFrame:
    for name, value in (where or {}).items():
        _check_columns(frame, [name])
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValueError(f"where {name}={value!r}: give one value (a number or a word)")
        column = frame[name]
        keep = (np.isclose(column.astype(float), float(value))
                if pd.api.types.is_numeric_dtype(column) and not isinstance(value, str)
                else column.astype(str) == str(value))
        if not keep.any():
            raise ValueError(f"no runs with {name}={value}; values: "
                             + ", ".join(map(str, sorted(column.unique())[:20])))
        frame = frame[keep]
    return frame


def _label(value) -> str:
    return f"{value:g}" if isinstance(value, float | np.floating) else str(value)


def plot_sweep(source, x: str, y: str, hue: str | None = None, out=None,
               where: Mapping | None = None, warn=None) -> Path:
    """Draw ``y`` against ``x`` (one line per ``hue`` value) to a PNG; return its path.

    ``source`` is a sweep folder, a table file or a DataFrame. ``where`` keeps only
    runs with the given parameter values. With a per-step table (``every``), ``x``
    may be ``step``; otherwise each run's last step is used.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = check_png_path(out if out is not None else default_plot_path(x, y, hue))
    frame, manifest = load_table(source, warn)
    _check_columns(frame, [x, y, hue])
    if not pd.api.types.is_numeric_dtype(frame[y]) or pd.api.types.is_bool_dtype(frame[y]):
        raise ValueError(f"y={y!r} is not a numeric column: plot a metric, e.g. "
                         + ", ".join(c for c in frame.columns
                                     if pd.api.types.is_float_dtype(frame[c]))[:200])
    frame = _select(frame, where)
    if "step" in frame and x != "step":
        last = frame.groupby("run_id")["step"].transform("max")
        frame = frame[frame["step"] == last]
    table = summarise(frame, x, y, hue)
    numeric_x = pd.api.types.is_numeric_dtype(table[x])
    positions = None if numeric_x else {v: i for i, v in enumerate(table[x].unique())}
    levels = list(table[hue].unique()) if hue else [None]
    colours = (plt.get_cmap("viridis")(np.linspace(0, 0.9, len(levels))) if len(levels) > 10
               else [f"C{i}" for i in range(len(levels))])
    figure, ax = plt.subplots(figsize=(8, 5))
    for level, colour in zip(levels, colours):
        part = table if hue is None else table[table[hue] == level]
        xs = part[x].to_numpy() if numeric_x else part[x].map(positions).to_numpy()
        label = "mean" if hue is None else _label(level)
        ax.plot(xs, part["mean"], marker="o", color=colour, lw=2, label=label)
        ax.fill_between(xs, part["low"], part["high"], color=colour, alpha=0.2, lw=0,
                        label="95% t-interval" if hue is None else None)
    if positions is not None:
        ax.set_xticks(list(positions.values()), [str(k) for k in positions], rotation=20)
    ax.set_xlabel(x.replace("_", " "))
    ax.set_ylabel(y.replace("_", " "))
    ax.grid(alpha=0.3)
    ax.legend(title=hue.replace("_", " ") if hue else None, fontsize=9, frameon=False,
              loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(_title(table, manifest, x, y, hue, frame, where), fontsize=10)
    try:
        return save_figure(figure, out)
    finally:
        plt.close(figure)


def _title(table, manifest, x, y, hue, frame, where) -> str:
    scenario = f"{manifest['scenario']}: " if manifest else ""
    counts = table["count"]
    n = f"{counts.min()}" if counts.min() == counts.max() else f"{counts.min()}-{counts.max()}"
    lines = [f"{scenario}{y} by {x}", f"mean and 95% t-interval over {n} runs per point"]
    varying = [name for name in (manifest or {}).get("grid", {})
               if name not in (x, hue, *(where or {})) and name in frame
               and frame[name].astype(str).nunique() > 1]
    if varying:
        lines.append("pooled over " + ", ".join(varying) + " (use --where to fix them)")
    if where:
        lines.append(", ".join(f"{k} = {v}" for k, v in where.items()))
    return "\n".join(lines)


_LABELS = {"valence": "valence (-1 unpleasant .. +1 pleasant)", "arousal": "arousal (0 calm .. 1 excited)"}


def _kind(column: str) -> str:
    return "valence" if "valence" in column else "arousal" if "arousal" in column else "other"


def plot_curves(frame: pd.DataFrame, columns: list[str], path: str | Path, title: str,
                null_frame: pd.DataFrame | None = None, save=None) -> Path:
    """Plot ``columns`` of a per-step table against step, one panel per kind of quantity.

    Valence, arousal and other metrics get their own panel and axis label; the
    null model's curves (if given) are dashed in the same colour. ``save(figure, path)``
    replaces the atomic write (e.g. :meth:`contagion.output.Outputs.figure`).
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
        if save is not None:
            save(figure, Path(path))
            return Path(path)
        return save_figure(figure, path)
    finally:
        plt.close(figure)
