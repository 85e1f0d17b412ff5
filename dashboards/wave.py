"""The wave view: an oval stadium seen from above, every fan coloured by its state.

For scenarios of the excitable rule whose people sit in rows round a ring (node
attributes ``row`` and ``seat``, seat numbers growing clockwise), such as
``mexican_wave`` (``view = "wave"``). Each fan is one cell of an oval ring of rows:
resting fans grey, standing (active) fans dark blue, fans who just sat down
(refractory) pale blue. ``WaveView(models, size).png(models)`` gives a frame as PNG
bytes; the oval is drawn once and each new frame only recolours the cells (blitting).
On a split stage the null's stadium stands beside the full model's. The dashboard
shows it for a scenario with ``view = "wave"`` when :func:`applies` is true.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.patches import Patch

from dashboards.canvas import SIDES, Canvas

__all__ = ["COLOURS", "WaveView", "applies", "oval", "seat_grid"]

#: Colours of resting, active (standing) and refractory fans; empty cells white.
COLOURS = ("#d9d9d9", "#08306b", "#9ecae1")
_CMAP = ListedColormap(COLOURS).with_extremes(bad="white")
_NORM = BoundaryNorm([-0.5, 0.5, 1.5, 2.5], _CMAP.N)


def applies(scenario, model) -> bool:
    """True for a model of the excitable rule whose every node has ``row`` and ``seat``."""
    if getattr(model, "rule", None) != "excitable":
        return False
    nodes = model.graph.nodes
    return all("row" in nodes[n] and "seat" in nodes[n] for n in model.nodes)


def _places(model) -> tuple[np.ndarray, np.ndarray]:
    nodes = model.graph.nodes
    rows = np.array([int(nodes[n]["row"]) for n in model.nodes])
    seats = np.array([int(nodes[n]["seat"]) for n in model.nodes])
    return rows, seats


def seat_grid(model, places=None) -> np.ndarray:
    """The fans' states (0 resting, 1 active, 2 refractory) as rows x seats, NaN where empty."""
    rows, seats = _places(model) if places is None else places
    grid = np.full((rows.max() + 1, seats.max() + 1), np.nan)
    grid[rows, seats] = model.state
    return grid


def oval(rows: int, seats: int, inner: tuple[float, float] = (1.0, 0.55),
         depth: float = 0.35) -> tuple[np.ndarray, np.ndarray]:
    """Corner coordinates (rows + 1) x (seats + 1) of the cells of an oval ring of rows.

    Row 0 is the front row (on the inner ellipse with half-axes ``inner``), the last row
    at ``depth`` further out. Seat 0 is at the top and seat numbers grow clockwise.
    """
    radius = np.linspace(0.0, depth, rows + 1)[:, None]
    angle = np.pi / 2 - 2 * np.pi * np.arange(seats + 1)[None, :] / seats
    return (inner[0] + radius) * np.cos(angle), (inner[1] + radius) * np.sin(angle)


class WaveView(Canvas):
    """The stadium from above, one oval per model (a run, or a run beside its null)."""

    def build(self, models):
        self.places = _places(models[0])
        axes = self.figure.subplots(1, len(models), squeeze=False)[0]
        self.meshes, self.clocks = [], []
        for side, (ax, model) in enumerate(zip(axes, models)):
            grid = seat_grid(model, self.places)
            x, y = oval(*grid.shape)
            self.meshes.append(ax.pcolormesh(x, y, np.ma.masked_invalid(grid), cmap=_CMAP,
                                        norm=_NORM, shading="flat"))
            ax.set_aspect("equal")
            ax.set_axis_off()
            ax.set_title(SIDES[side] if len(models) > 1 else
                         f"The stadium from above: {int(np.isfinite(grid).sum()):,} fans", pad=4)
            ax.annotate("", xy=(0.35, 0.25), xytext=(-0.35, 0.25),
                        arrowprops={"arrowstyle": "->", "color": "0.4", "lw": 1.5})
            ax.text(0.0, 0.1, "clockwise", ha="center", color="0.4")
            self.clocks.append(ax.text(0.0, -0.12, "", ha="center"))
            self.parts[f"stadium {side + 1}"] = ax
        self.legend([Patch(facecolor=colour, edgecolor="0.3", label=label)
                     for colour, label in zip(COLOURS, ("resting", "standing", "just sat down"))])
        self.update(models)
        return [*self.meshes, *self.clocks]

    def describe(self, models) -> str:
        """One line: how many fans stand, on each side of a split stage."""
        def standing(model):
            return (f"{int(np.count_nonzero(model.state == 1)):,} of {model.n_agents:,} fans "
                    "standing")

        text = "; ".join(standing(m) if len(models) == 1 else f"{side.lower()}: {standing(m)}"
                         for side, m in zip(SIDES, models))
        return f"The stadium from above, each fan a cell of an oval ring of rows; {text}"

    def update(self, models) -> bool:
        """Recolour the cells and set each side's clock from its model's current state."""
        for mesh, clock, model in zip(self.meshes, self.clocks, models):
            mesh.set_array(np.ma.masked_invalid(seat_grid(model, self.places)).ravel())
            standing = int(np.count_nonzero(model.state == 1))
            time = model.steps * float(getattr(model, "dt", 1.0))
            clock.set_text(f"{time:.1f} {getattr(model, 'time_unit', 'step')}s, "
                           f"{standing:,} standing")
        return False
