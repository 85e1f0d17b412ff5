"""The key metrics over time: one panel per kind of quantity, axes that fit the data.

Each panel zooms to the range the run has reached (a speaker moving by 0.05 is
a curve, not a flat line); a strip beside it shows the whole scale (-1..+1 for
valence, 0..1 otherwise) with the zoomed window marked, so the zoom never
misleads. Lines of different groups get decreasing widths, so two that
coincide both stay visible; on a split stage the null is dashed.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from dashboards.canvas import Canvas

__all__ = ["SeriesPlot", "kind_of", "tick_text", "window"]

#: Label, full scale and the narrowest window of each kind of quantity.
KINDS = {"valence": ("valence", (-1.0, 1.0), 0.1),
         "arousal": ("arousal", (0.0, 1.0), 0.1),
         "other": ("level (0 to 1)", (0.0, 1.0), 0.1)}


def kind_of(metric: str) -> str:
    """``home_valence`` -> ``valence``; scores such as ``coordination`` -> ``other``."""
    return "valence" if "valence" in metric else "arousal" if "arousal" in metric else "other"


def subject_of(metric: str) -> str:
    """Whose metric it is (``home`` for home_valence): one colour per subject in every panel."""
    return metric.rsplit("_", 1)[0] if kind_of(metric) != "other" else metric


def tick_text(value: float, _=None, signed: bool = True) -> str:
    """Axis numbers with two decimals (``-0.25``, ``0.00``, ``+0.10``); never ``-0.00``.

    Every label of an axis has the same width, so the frozen layout fits them
    whatever window the data later asks for.
    """
    value = round(float(value), 2) + 0.0  # -0.0 becomes 0.0
    return f"{value:+.2f}" if signed and value != 0 else f"{value:.2f}"


def window(low: float, high: float, kind: str, current=None) -> tuple[float, float]:
    """A window with round ends that holds [low, high] with a margin, inside the full scale.

    It only grows: if ``current`` already holds the data it is kept, so the
    axes stay put while a run moves inside them.
    """
    _, (floor, ceiling), narrowest = KINDS[kind]
    if current is not None and current[0] <= low and high <= current[1]:
        return current
    if high - low < narrowest:  # a flat start still gets a readable window around it
        centre = (low + high) / 2
        low, high = centre - narrowest / 2, centre + narrowest / 2
    span = high - low
    low, high = low - 0.15 * span, high + 0.15 * span
    grid = 10 ** math.floor(math.log10((high - low) / 4))
    grid *= 5 if (high - low) / grid > 20 else 2 if (high - low) / grid > 8 else 1
    low, high = math.floor(low / grid) * grid, math.ceil(high / grid) * grid
    margin = 0.03 * (ceiling - floor)
    return max(low, floor - margin), min(high, ceiling + margin)


class SeriesPlot(Canvas):
    """The scenario's key metrics against step, for one run or a run beside its null."""

    def build(self, models, scenario=None):
        collected = models[0].datacollector.model_vars
        metrics = [m for m in scenario.key_metrics if m in collected]
        kinds = [k for k in KINDS if any(kind_of(m) == k for m in metrics)] or ["valence"]
        subjects = list(dict.fromkeys(subject_of(m) for m in metrics))
        grid = self.figure.add_gridspec(len(kinds), 2, width_ratios=(24, 1))
        self.panels, self.windows, self.bands = {}, {}, {}
        others = [m for m in metrics if kind_of(m) == "other"]
        for row, kind in enumerate(kinds):
            # a panel of other numbers is named by its one number, in words ("coordination")
            name = others[0].replace("_", " ") if kind == "other" and len(others) == 1 else None
            self.panels[kind] = self._panel(grid, row, kind, last=row == len(kinds) - 1,
                                            steps=scenario.steps, name=name)
        base = 3.0 if self.presenting else 2.0
        self.lines, handles = [], []
        for metric in metrics:
            k = subjects.index(subject_of(metric))
            width = base * max(0.5, 1.9 - 0.45 * k)  # later ones thinner, drawn on top
            for side, model in enumerate(models):
                line, = self.panels[kind_of(metric)].plot(
                    [], [], color=f"C{k % 10}", lw=width * (0.75 if side else 1.0),
                    ls=(0, (2.5, 1.5)) if side else "-", zorder=3 + k, solid_capstyle="butt")
                self.lines.append((metric, side, line))
        for k, subject in enumerate(subjects):
            handles.append(Line2D([], [], color=f"C{k % 10}", lw=base * max(0.5, 1.9 - 0.45 * k),
                                  label=subject.replace("_", " ")))
        if len(models) > 1:
            self.figure.suptitle("dashed lines: the null", fontsize="medium")
        self.legend(handles, handlelength=1.6)
        self._fit(models, force=True)
        return [line for _, _, line in self.lines]

    def _panel(self, grid, row: int, kind: str, last: bool, steps: int, name: str | None = None):
        """A panel for one kind of quantity and, beside it, its whole scale."""
        label, (floor, ceiling), _ = KINDS[kind]
        label = name or label
        ax = self.figure.add_subplot(grid[row, 0])
        ax.set(xlim=(0, steps), ylabel=label)
        ax.grid(alpha=0.3)
        ax.yaxis.set_major_locator(MaxNLocator(4 if self.height > 500 else 3,
                                               steps=[1, 2, 5, 10]))
        ax.yaxis.set_major_formatter(FuncFormatter(
            lambda v, _: tick_text(v, signed=kind == "valence")))
        ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
        ax.tick_params(labelbottom=last)
        if last:
            ax.set_xlabel("step")
        scale = self.figure.add_subplot(grid[row, 1])
        scale.set(xlim=(0, 1), ylim=(floor, ceiling), xticks=[])
        scale.yaxis.tick_right()
        scale.set_yticks([floor, ceiling], [f"{floor:+g}" if floor else "0",
                                            f"{ceiling:+g}" if kind == "valence" else "1"])
        scale.add_patch(Rectangle((0, floor), 1, ceiling - floor, color="#e0e0e0", zorder=0))
        self.bands[kind] = scale.add_patch(Rectangle((0, floor), 1, 0, color="#444444",
                                                     zorder=1))
        self.parts[f"panel {kind}"] = ax
        return ax

    def _fit(self, models, force: bool = False) -> bool:
        """Widen a panel's window where the data left it; True when any window moved."""
        moved = False
        for kind, ax in self.panels.items():
            values = [np.asarray(models[side].datacollector.model_vars[metric], dtype=float)
                      for metric, side, _ in self.lines if kind_of(metric) == kind]
            finite = np.concatenate(values) if values else np.array([])
            finite = finite[np.isfinite(finite)]
            low, high = (finite.min(), finite.max()) if finite.size else KINDS[kind][1]
            new = window(float(low), float(high), kind, None if force else self.windows.get(kind))
            if new != self.windows.get(kind):
                self.windows[kind] = new
                ax.set_ylim(*new)
                self.bands[kind].set_y(new[0])
                self.bands[kind].set_height(new[1] - new[0])
                moved = True
        return moved

    def describe(self, models) -> str:
        """One line: each key metric at the start and now (the null's now, on a split stage)."""
        parts = []
        for metric in dict.fromkeys(metric for metric, _, _ in self.lines):
            series = [np.asarray(m.datacollector.model_vars[metric], dtype=float) for m in models]
            signed = kind_of(metric) == "valence"
            text = (f"{metric.replace('_', ' ')} from {tick_text(series[0][0], signed=signed)} "
                    f"to {tick_text(series[0][-1], signed=signed)}")
            if len(series) > 1:
                text += f" (the null: {tick_text(series[1][-1], signed=signed)})"
            parts.append(text)
        steps = int(np.asarray(models[0].datacollector.model_vars["step"])[-1])
        return f"Key numbers over time, step 0 to {steps}: " + "; ".join(parts)

    def update(self, models) -> bool:
        for metric, side, line in self.lines:
            collected = models[side].datacollector.model_vars
            line.set_data(np.asarray(collected["step"], dtype=float),
                          np.asarray(collected[metric], dtype=float))
        return self._fit(models)
