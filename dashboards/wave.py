"""The wave view: an oval stadium seen from above, every fan coloured by its state.

For scenarios of the excitable rule whose people sit in rows round a ring (node
attributes ``row`` and ``seat``, seat numbers growing clockwise), such as
``mexican_wave`` (``view = "wave"``). Each fan is one cell of an oval ring of rows:
resting fans grey, standing (active) fans dark blue, fans who just sat down
(refractory) pale blue. ``WaveView(model).png(model)`` gives a frame as PNG bytes; the
oval is drawn once and each new frame only recolours the cells (blitting), so a frame
of the 20,480-seat stadium takes a few tens of milliseconds.

The component stands alone (matplotlib and PIL only): the dashboard shows it for a
scenario when :func:`applies` is true.
"""

from __future__ import annotations

import io
import threading

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from PIL import Image

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


class WaveView:
    """A top view of the stadium; ``png(model)`` draws the current frame."""

    size = (8.0, 5.6)

    def __init__(self, model, presenting: bool = False, dpi: int = 100):
        self._lock = threading.Lock()
        self.places = _places(model)
        grid = seat_grid(model, self.places)
        x, y = oval(*grid.shape)
        self.figure = Figure(figsize=self.size, dpi=dpi, facecolor="white")
        FigureCanvasAgg(self.figure)
        ax = self.figure.add_axes((0.02, 0.1, 0.96, 0.8))
        self.mesh = ax.pcolormesh(x, y, np.ma.masked_invalid(grid), cmap=_CMAP, norm=_NORM,
                                  shading="flat", animated=True)
        ax.set_aspect("equal")
        ax.set_axis_off()
        size = 16 if presenting else 12
        ax.set_title(f"The stadium from above: {int(np.isfinite(grid).sum()):,} fans",
                     fontsize=size + 2)
        ax.annotate("", xy=(0.35, 0.25), xytext=(-0.35, 0.25),
                    arrowprops={"arrowstyle": "->", "color": "0.4", "lw": 1.5})
        ax.text(0.0, 0.12, "clockwise", ha="center", color="0.4", fontsize=size)
        for colour, label, x0 in zip(COLOURS, ("resting", "standing", "just sat down"),
                                     (0.15, 0.42, 0.69)):
            self.figure.patches.append(_legend_box(self.figure, x0, colour))
            self.figure.text(x0 + 0.035, 0.04, label, fontsize=size, va="center")
        self.clock = ax.text(0.0, -0.1, "", ha="center", fontsize=size, animated=True)
        self._background = None

    def update(self, model) -> None:
        """Recolour the cells and the clock from the model's current state."""
        self.mesh.set_array(np.ma.masked_invalid(seat_grid(model, self.places)).ravel())
        standing = int(np.count_nonzero(model.state == 1))
        time = model.steps * float(getattr(model, "dt", 1.0))
        self.clock.set_text(f"{time:.1f} {getattr(model, 'time_unit', 'step')}s, "
                            f"{standing:,} standing")

    def png(self, model) -> bytes:
        """The current frame as PNG bytes."""
        with self._lock:
            canvas = self.figure.canvas
            self.update(model)
            if self._background is None:
                canvas.draw()
                self._background = canvas.copy_from_bbox(self.figure.bbox)
            else:
                canvas.restore_region(self._background)
            self.figure.draw_artist(self.mesh)
            self.figure.draw_artist(self.clock)
            image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
            out = io.BytesIO()
            image.convert("RGB").save(out, format="png", compress_level=1)
            return out.getvalue()


def _legend_box(figure, x0: float, colour: str):
    from matplotlib.patches import Rectangle

    return Rectangle((x0, 0.025), 0.025, 0.03, transform=figure.transFigure, facecolor=colour,
                     edgecolor="0.3", figure=figure)
