"""The crowd: a seat map or a network, for one run or for a run beside its null.

Colours are fixed (valence -1..+1, :data:`dashboards.canvas.NORM`), so a
colour means the same mood in every frame, every scenario and on both sides of
a split stage. The curves are in :mod:`dashboards.curves`.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from dashboards.canvas import CMAP, NORM, SIDES, Canvas
from dashboards.curves import SeriesPlot
from dashboards.wave import WaveView, applies

__all__ = ["NetworkMap", "SeatMap", "SeriesPlot", "SIDES", "layout", "mood", "view_for"]

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def mood(value: float) -> str:
    """A valence in words and numbers: ``pleasant (+0.41)``, ``neutral (0.00)``."""
    value = round(float(value), 2) + 0.0
    word = "pleasant" if value > 0.1 else "unpleasant" if value < -0.1 else "neutral"
    return f"{word} ({value:+.2f})" if value else f"{word} (0.00)"


def sides(models, each) -> str:
    """``each(model)`` for one run, or for both sides of a split stage, named."""
    if len(models) == 1:
        return each(models[0])
    return "; ".join(f"{side.lower()}: {each(model)}" for side, model in zip(SIDES, models))


class SeatMap(Canvas):
    """A heat map of seats (node attribute ``pos`` = (column, row)), one square per person."""

    def build(self, models):
        model = models[0]
        pos = [model.graph.nodes[n]["pos"] for n in model.nodes]
        cols = np.array([int(round(p[0])) for p in pos])
        rows = np.array([int(round(p[1])) for p in pos])
        self.index = (rows, cols)
        axes = self.figure.subplots(1, len(models), squeeze=False)[0]
        self.grids, images = [], []
        for side, (ax, each) in enumerate(zip(axes, models)):
            grid = np.full((rows.max() + 1, cols.max() + 1), np.nan)
            grid[self.index] = each.valence
            # colours per seat, not per screen pixel: the image is then only scaled up
            images.append(ax.imshow(CMAP(NORM(grid)), interpolation="nearest"))
            self.grids.append(grid)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(SIDES[side] if len(models) > 1 else "Mood in every seat", pad=4)
            ax.set_xlabel("   ".join(self._stands(model, cols)), labelpad=4)
            self.parts[f"seats {side + 1}"] = ax
        self.colorbar(ScalarMappable(NORM, CMAP), list(axes))
        self.shape = self.grids[0].shape
        for ax in axes:
            ax.set_aspect("auto")  # square seats come in settle(), after the layout
        return images

    def settle(self) -> None:
        """Square seats: each map shrinks, centred, to the grid's shape (titles move with it)."""
        rows, cols = self.shape
        for name, ax in self.parts.items():
            if not name.startswith("seats"):
                continue
            box = ax.get_position()
            fig_w, fig_h = self.figure.get_size_inches()
            width, height = box.width * fig_w, box.height * fig_h
            scale = min(width / cols, height / rows)
            new_w, new_h = cols * scale / fig_w, rows * scale / fig_h
            ax.set_position((box.x0 + (box.width - new_w) / 2, box.y0 + (box.height - new_h) / 2,
                             new_w, new_h))

    @staticmethod
    def _stands(model, cols):
        """``HOME 1,000`` under the home half, in seat order from left to right."""
        names = sorted(range(len(model.group_names)),
                       key=lambda code: cols[model.group_codes == code].mean())
        return [f"{model.group_names[code].upper()} "
                f"{int((model.group_codes == code).sum()):,}" for code in names]

    def describe(self, models) -> str:
        """One line: what the seat map shows now (each stand's average mood)."""
        model = models[0]

        def stands(each):
            return ", ".join(f"{model.group_names[code]} stand "
                             f"{mood(each.valence[each.group_codes == code].mean())}"
                             for code in range(len(model.group_names))
                             if np.any(each.group_codes == code))

        return (f"Seat map of {model.n_agents:,} people, one square per seat coloured by mood "
                f"from red (unpleasant) to blue (pleasant); {sides(models, stands)}")

    def update(self, models) -> bool:
        for image, grid, model in zip(self.moving, self.grids, models):
            grid[self.index] = model.valence
            image.set_data(CMAP(NORM(grid)))
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

    def build(self, models, seed: int = 0):
        model = models[0]
        where = layout(model, seed)
        xy = np.array([where[node] for node in model.nodes], dtype=float).reshape(-1, 2)
        axes = self.figure.subplots(1, len(models), squeeze=False)[0]
        dots, handles, ties = [], [], False
        for side, (ax, each) in enumerate(zip(axes, models)):
            ax.set_axis_off()
            ax.set_title(SIDES[side] if len(models) > 1 else "Each dot is a person, coloured "
                         "by mood", pad=4)
            ties = self._ties(ax, each, xy)
            pad = 0.1 * max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), 1e-9)
            ax.set_xlim(xy[:, 0].min() - pad, xy[:, 0].max() + pad)
            ax.set_ylim(xy[:, 1].min() - pad, xy[:, 1].max() + pad)
            side_dots, handles = self._groups(ax, each, xy)
            dots.extend(side_dots)
            self.parts[f"network {side + 1}"] = ax
        handles.append(Line2D([], [], ls="", marker="o", markersize=6, color="#bdbdbd",
                              markeredgecolor="black", label="bigger = more excited"))
        if ties:
            handles.append(Line2D([], [], color="#7a7a7a", lw=1.5, label="sees (a tie)"))
        self.colorbar(dots[0], list(axes))
        self.legend(handles)
        self.sides = len(models)
        return dots

    @staticmethod
    def _ties(ax, model, xy) -> bool:
        """Draw who sees whom, faintly; not at all where nearly everyone sees everyone."""
        index = model.node_index
        edges = [(xy[index[u]], xy[index[v]]) for u, v in model.graph.edges()]
        if len(edges) > 6 * model.n_agents:
            ax.text(0.5, -0.02, "too many ties to draw", transform=ax.transAxes,
                    ha="center", va="top", color="#333333")
            return False
        if edges:
            alpha = float(np.clip(8 / np.sqrt(len(edges)), 0.12, 0.6))
            ax.add_collection(LineCollection(edges, colors="#7a7a7a", linewidths=0.8,
                                             alpha=alpha, zorder=1))
        return bool(edges)

    def settle(self) -> None:
        """Equal scales on both axes (a circle stays round), filling each panel."""
        for name, ax in self.parts.items():
            if not name.startswith("network"):
                continue
            box = ax.get_window_extent()
            (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
            per_pixel = max((x1 - x0) / box.width, (y1 - y0) / box.height)
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            ax.set_xlim(cx - per_pixel * box.width / 2, cx + per_pixel * box.width / 2)
            ax.set_ylim(cy - per_pixel * box.height / 2, cy + per_pixel * box.height / 2)

    def _groups(self, ax, model, xy):
        """One scatter per group: its own marker; few-member groups (a leader) large and bold."""
        groups = model.group_names or ["everyone"]
        sizes = [int((model.group_codes == code).sum()) for code in range(len(groups))]
        area = self.width * self.height / max(1, len(ax.figure.axes))
        self.base = float(np.clip(area / 60 / max(model.n_agents, 1), 12, 520))
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
                                  label=f"{group} {len(idx)}"))
        return dots, handles

    def describe(self, models) -> str:
        """One line: how many people the dots show and how many are in a good or bad mood."""
        model = models[0]

        def shares(each):
            v = np.asarray(each.valence, dtype=float)
            return (f"{np.mean(v > 0.1):.0%} pleasant, {np.mean(v < -0.1):.0%} unpleasant, "
                    f"average {mood(v.mean())}")

        return (f"{model.n_agents:,} people as dots coloured by mood from red (unpleasant) to "
                f"blue (pleasant), larger when more excited; {sides(models, shares)}")

    def update(self, models) -> bool:
        per_side = len(self.members)
        for k, dots in enumerate(self.moving):
            model = models[k // per_side]
            idx, scale = self.members[k % per_side]
            dots.set_array(model.valence[idx])
            dots.set_sizes(self.base * scale * (0.35 + 1.65 * model.arousal[idx]))
        return False


def view_for(scenario, models, size, presenting: bool, seed: int, ratio: float = 1.0) -> Canvas:
    """The picture for ``scenario.view``: seats as a heat map, a stadium's oval for a
    wave, anything else as a network."""
    model = models[0]
    if scenario.view == "wave" and applies(scenario, model):
        return WaveView(models, size, presenting, ratio)
    if scenario.view == "seats" and all("pos" in model.graph.nodes[n] for n in model.nodes):
        return SeatMap(models, size, presenting, ratio)
    return NetworkMap(models, size, presenting, ratio, seed=seed)
