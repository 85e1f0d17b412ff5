"""The pictures: a seat map, a network and the metrics over time, as PNG bytes.

Each picture is a matplotlib figure built once per model with fixed axes; a
new frame only updates the artists that move (the seat colours, the node
colours and sizes, the lines) and blits them onto the saved background, which
is several times faster than drawing the whole figure. Colours are fixed:
valence -1..+1 on a diverging scale, so a colour means the same in every frame.
"""

from __future__ import annotations

import io
import threading

import matplotlib
import networkx as nx
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image

__all__ = ["NetworkMap", "SeatMap", "SeriesPlot", "view_for"]

CMAP = matplotlib.colormaps["RdBu"].with_extremes(bad="#dcdcdc")
NORM = Normalize(-1.0, 1.0)
DPI = 100
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
VALENCE_TICKS = {-1: "-1\nunpleasant", -0.5: "-0.5", 0: "0\nneutral", 0.5: "+0.5",
                 1: "+1\npleasant"}


def rc(presenting: bool) -> dict:
    """Matplotlib settings: larger type and heavier lines for a projector."""
    size = 15 if presenting else 11
    return {"font.size": size, "axes.titlesize": size + 2, "axes.labelsize": size,
            "legend.fontsize": size - 1, "xtick.labelsize": size - 1, "ytick.labelsize": size - 1,
            "lines.linewidth": 3.2 if presenting else 2.2,
            "axes.linewidth": 1.4 if presenting else 1.0,
            "text.color": "black", "axes.labelcolor": "black", "xtick.color": "black",
            "ytick.color": "black", "axes.edgecolor": "black"}


class Canvas:
    """A figure whose moving artists are redrawn by blitting; ``png(model)`` gives a frame."""

    size = (8.0, 6.0)

    def __init__(self, model, presenting: bool = False, **options):
        self.presenting = presenting
        self._lock = threading.Lock()
        with matplotlib.rc_context(rc(presenting)):
            self.figure = Figure(figsize=self.size, dpi=DPI, facecolor="white")
            FigureCanvasAgg(self.figure)
            self.moving = list(self.build(model, **options))
        for artist in self.moving:
            artist.set_animated(True)
        self._background = None

    def build(self, model, **options):  # pragma: no cover - abstract
        raise NotImplementedError

    def update(self, model) -> bool:  # pragma: no cover - abstract
        """Set the moving artists' data; True when the background must be redrawn too."""
        raise NotImplementedError

    def png(self, model) -> bytes:
        """The current frame as PNG."""
        with self._lock, matplotlib.rc_context(rc(self.presenting)):
            canvas = self.figure.canvas
            if self.update(model) or self._background is None:
                canvas.draw()
                self._background = canvas.copy_from_bbox(self.figure.bbox)
            else:
                canvas.restore_region(self._background)
            for artist in self.moving:
                self.figure.draw_artist(artist)
            image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
            out = io.BytesIO()
            image.convert("RGB").save(out, format="png", compress_level=1)
            return out.getvalue()

    def colorbar(self, mappable, rect=(0.2, 0.12, 0.6, 0.03)):
        """The fixed valence scale, labelled in words."""
        cax = self.figure.add_axes(rect)
        bar = self.figure.colorbar(mappable, cax=cax, orientation="horizontal")
        bar.set_ticks(list(VALENCE_TICKS), labels=list(VALENCE_TICKS.values()))
        bar.set_label("valence (mood): red = unpleasant, blue = pleasant", labelpad=4)
        cax.xaxis.set_label_position("top")
        return bar


class SeatMap(Canvas):
    """A heat map of seats (node attribute ``pos`` = (column, row)), one square per person."""

    def build(self, model):
        pos = [model.graph.nodes[n]["pos"] for n in model.nodes]
        cols = np.array([int(round(p[0])) for p in pos])
        rows = np.array([int(round(p[1])) for p in pos])
        self.index = (rows, cols)
        self.grid = np.full((rows.max() + 1, cols.max() + 1), np.nan)
        ax = self.figure.add_axes((0.03, 0.25, 0.94, 0.6))
        self.grid[self.index] = model.valence
        image = ax.imshow(self.grid, cmap=CMAP, norm=NORM, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title("Mood in every seat (one square = one person)",
                     pad=36 if self.presenting else 28)
        for code, group in enumerate(model.group_names):
            members = model.group_codes == code
            ax.annotate(f"{group.upper()} ({members.sum():,})", (cols[members].mean(), 1.01),
                        xycoords=("data", "axes fraction"), ha="center", va="bottom",
                        fontweight="bold")
        self.colorbar(image)
        return [image]

    def update(self, model) -> bool:
        self.grid[self.index] = model.valence
        self.moving[0].set_data(self.grid)
        return False


def layout(model, seed: int) -> dict:
    """Node positions, computed once per model and never unseeded.

    Small networks with a few central people (a leader, a speaker, the person
    on stage) put them in the middle and everyone else on a circle, grouped;
    other networks get a seeded spring layout; very large ones a circle.
    """
    graph, n = model.graph, model.n_agents
    groups = [np.flatnonzero(model.group_codes == code) for code in range(len(model.group_names))]
    few = [idx for idx in groups if len(idx) <= 3]
    if n <= 80 and few and len(few) < len(groups):
        centre = [model.nodes[i] for idx in few for i in idx]
        ring = [model.nodes[i] for idx in groups if len(idx) > 3 for i in idx]
        return nx.shell_layout(graph, nlist=[centre, ring])
    if n > 1500:
        return nx.circular_layout(graph)
    return nx.spring_layout(nx.Graph(graph), seed=seed, iterations=60)


class NetworkMap(Canvas):
    """People as dots: colour = valence, size = arousal, marker = group; lines = who sees whom."""

    def build(self, model, seed: int = 0):
        where = layout(model, seed)
        xy = np.array([where[node] for node in model.nodes], dtype=float).reshape(-1, 2)
        ax = self.figure.add_axes((0.02, 0.29, 0.96, 0.62))
        ax.set_axis_off()
        ax.set_title("Each dot is a person: colour = mood, size = how excited")
        ties = self._ties(ax, model, xy)
        pad = 0.08 * max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), 1e-9)
        ax.set_xlim(xy[:, 0].min() - pad, xy[:, 0].max() + pad)
        ax.set_ylim(xy[:, 1].min() - pad, xy[:, 1].max() + pad)
        ax.set_aspect("equal", adjustable="box")
        dots, handles = self._groups(ax, model, xy)
        if ties:
            handles.append(Line2D([], [], color="#7a7a7a", lw=1.5, label="sees (a tie)"))
        self.figure.legend(handles=handles, loc="center", bbox_to_anchor=(0.5, 0.225),
                           ncol=min(len(handles), 4), frameon=False, columnspacing=1.5)
        self.colorbar(dots[0])
        return dots

    @staticmethod
    def _ties(ax, model, xy) -> bool:
        """Draw who sees whom, faintly; not at all where nearly everyone sees everyone."""
        index = model.node_index
        edges = [(xy[index[u]], xy[index[v]]) for u, v in model.graph.edges()]
        if len(edges) > 6 * model.n_agents:
            ax.text(0.5, -0.01, f"{len(edges):,} ties not drawn: nearly everyone sees everyone",
                    transform=ax.transAxes, ha="center", va="top", color="#444444")
            return False
        if edges:
            alpha = float(np.clip(8 / np.sqrt(len(edges)), 0.12, 0.6))
            ax.add_collection(LineCollection(edges, colors="#7a7a7a", linewidths=0.8,
                                             alpha=alpha, zorder=1))
        return bool(edges)

    def _groups(self, ax, model, xy):
        """One scatter per group: its own marker; few-member groups (a leader) large and bold."""
        groups = model.group_names or ["everyone"]
        sizes = [int((model.group_codes == code).sum()) for code in range(len(groups))]
        self.base = float(np.clip(6000 / max(model.n_agents, 1), 24, 420)) * (
            1.4 if self.presenting else 1.0)
        self.members, dots, handles = [], [], []
        for code, group in enumerate(groups):
            idx = np.flatnonzero(model.group_codes == code)
            few = len(idx) <= 3 and len(groups) > 1
            edge = 2.5 if few else 0.5 if sizes[code] == max(sizes) else 1.3
            marker = MARKERS[code % len(MARKERS)]
            dots.append(ax.scatter(xy[idx, 0], xy[idx, 1], s=self.base, marker=marker,
                                   c=model.valence[idx], cmap=CMAP, norm=NORM, zorder=3 + few,
                                   edgecolors="black", linewidths=edge))
            self.members.append((idx, 2.2 if few else 1.0))
            handles.append(Line2D([], [], ls="", marker=marker, markersize=12, color="#bdbdbd",
                                  markeredgecolor="black", markeredgewidth=edge,
                                  label=f"{group} ({len(idx)})"))
        return dots, handles

    def update(self, model) -> bool:
        for dots, (idx, scale) in zip(self.moving, self.members):
            dots.set_array(model.valence[idx])
            dots.set_sizes(self.base * scale * (0.35 + 1.65 * model.arousal[idx]))
        return False


def _kind(metric: str) -> str:
    return "valence" if "valence" in metric else "arousal" if "arousal" in metric else "other"


def _subject(metric: str) -> str:
    """Whose metric it is (``home`` for home_valence): one colour per subject in every panel."""
    return metric.rsplit("_", 1)[0] if _kind(metric) != "other" else metric


_AXES = {"valence": ("valence", (-1.05, 1.05)), "arousal": ("arousal", (0, 1.03)),
         "other": ("score", (0, 1.03))}
_NOTES = {"valence": "valence: -1 unpleasant .. +1 pleasant",
          "arousal": "arousal: 0 calm .. 1 excited", "other": "scores: 0 .. 1"}


class SeriesPlot(Canvas):
    """The scenario's key metrics against step: one panel for valence, arousal, other scores."""

    size = (7.0, 6.0)

    def build(self, model, scenario=None):
        metrics = [m for m in scenario.key_metrics if m in model.datacollector.model_vars]
        present = {_kind(m) for m in metrics}
        kinds = [k for k in ("valence", "arousal", "other") if k in present] or ["valence"]
        self.xmax = max(10, scenario.steps)
        self.axes = self._panels(kinds, legend_rows=-(-len(metrics) // 2))
        subjects = list(dict.fromkeys(_subject(m) for m in metrics))
        self.lines = []
        for metric in metrics:
            line, = self.axes[_kind(metric)].plot(
                [], [], color=f"C{subjects.index(_subject(metric)) % 10}",
                label=metric.replace("_", " "))
            self.lines.append((metric, line))
        lines = [line for _, line in self.lines]
        if lines:
            self.figure.legend(handles=lines, loc="lower center", ncol=2, frameon=False,
                               bbox_to_anchor=(0.55, 0.0), handlelength=1.5, columnspacing=1.5)
        return lines

    def _panels(self, kinds: list[str], legend_rows: int) -> dict:
        """One panel per kind of quantity, stacked, with fixed axes and the legend below."""
        bottom = (0.12 if self.presenting else 0.1) + legend_rows * (0.06 if self.presenting
                                                                    else 0.045)
        top, gap = (0.87, 0.07) if self.presenting else (0.89, 0.055)
        height = (top - bottom - gap * (len(kinds) - 1)) / len(kinds)
        axes = {}
        for k, kind in enumerate(kinds):
            ax = self.figure.add_axes((0.14, top - (k + 1) * height - k * gap, 0.82, height))
            label, ylim = _AXES[kind]
            ax.set(ylabel=label, ylim=ylim, xlim=(0, self.xmax))
            ax.set_title(_NOTES[kind], loc="right", fontsize="small", color="#333333")
            ax.grid(alpha=0.3)
            if kind == "valence":
                ax.axhline(0, color="black", lw=0.8)
                ax.set_yticks([-1, -0.5, 0, 0.5, 1] if len(kinds) < 3 else [-1, 0, 1])
            ax.tick_params(labelbottom=k == len(kinds) - 1)
            axes[kind] = ax
        axes[kinds[-1]].set_xlabel("step")
        self.figure.text(0.02, 0.975, "Key metrics over time", va="top", ha="left",
                         fontsize="large")
        return axes

    def update(self, model) -> bool:
        collected = model.datacollector.model_vars
        steps = np.asarray(collected["step"], dtype=float)
        stale = False
        if len(steps) and steps[-1] > self.xmax:
            self.xmax = int(steps[-1] * 1.5)
            for ax in self.axes.values():
                ax.set_xlim(0, self.xmax)
            stale = True
        for metric, line in self.lines:
            values = np.asarray(collected[metric], dtype=float)
            line.set_data(steps, values)
            ax = line.axes
            low, high = ax.get_ylim()
            finite = values[np.isfinite(values)]
            if finite.size and (finite.min() < low or finite.max() > high):
                ax.set_ylim(min(low, finite.min()), max(high, finite.max()))
                stale = True
        return stale


def view_for(scenario, model, presenting: bool, seed: int) -> Canvas:
    """The picture for ``scenario.view``: seats as a heat map, anything else as a network."""
    if scenario.view == "seats" and all("pos" in model.graph.nodes[n] for n in model.nodes):
        return SeatMap(model, presenting)
    return NetworkMap(model, presenting, seed=seed)
