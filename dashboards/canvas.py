"""A picture drawn for the size it is shown at: text in screen pixels, moving parts blitted.

Each picture is a matplotlib figure made for the exact box the browser reports
(CSS pixels, times the screen's pixel ratio), so 18 px text in the figure is
18 px on the projector. The layout is computed once per build (constrained
layout), then frozen: a new frame only updates the moving artists and blits
them onto the saved background. :meth:`Canvas.meta` tells the page (and the
tests) the size of the smallest text and where the legend and colour bar lie.
"""

from __future__ import annotations

import io
import threading

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import FuncNorm
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

__all__ = ["CMAP", "NORM", "Canvas", "TEXT_PX", "rc"]

CMAP = matplotlib.colormaps["RdBu"].with_extremes(bad="#dcdcdc")


def _stretch(v):
    """Small moods get visible colour: +-0.25 sits halfway to the end of the scale."""
    v = np.asarray(v, dtype=float)
    return np.sign(v) * np.sqrt(np.abs(v))


def _unstretch(v):
    v = np.asarray(v, dtype=float)
    return np.sign(v) * v * v


#: Valence -1..+1 to colour, the same in every frame and every scenario.
NORM = FuncNorm((_stretch, _unstretch), vmin=-1.0, vmax=1.0)
VALENCE_TICKS = {-1: "-1\nunpleasant", -0.25: "-0.25", 0: "0\nneutral", 0.25: "+0.25",
                 1: "+1\npleasant"}
#: Smallest text on screen, in CSS pixels: presentation mode / everyday.
TEXT_PX = {True: 18.0, False: 13.0}
CSS_DPI = 100.0  # figure inches are 100 CSS pixels


def points(px: float) -> float:
    """Font size in points for ``px`` CSS pixels."""
    return px * 72.0 / CSS_DPI


def rc(presenting: bool) -> dict:
    """Matplotlib settings: text no smaller than :data:`TEXT_PX`, heavier lines for a projector.

    Text is drawn as written (no mathtext, no TeX): group and metric names are a
    scenario file's, and a stray ``$`` must not break or restyle the picture.
    """
    size = points(TEXT_PX[presenting])
    return {"font.size": size, "axes.titlesize": size * 1.12, "axes.labelsize": size,
            "legend.fontsize": size, "xtick.labelsize": size, "ytick.labelsize": size,
            "figure.titlesize": size * 1.2, "lines.linewidth": 3.0 if presenting else 2.0,
            "axes.linewidth": 1.4 if presenting else 1.0, "text.color": "black",
            "axes.labelcolor": "black", "xtick.color": "black", "ytick.color": "black",
            "axes.edgecolor": "black", "axes.unicode_minus": False,
            # names come from scenario files: "$" is a dollar sign, never mathtext
            "text.parse_math": False, "text.usetex": False,
            "figure.constrained_layout.h_pad": 0.06, "figure.constrained_layout.w_pad": 0.06}


#: Titles of the two sides of a split stage.
SIDES = ("With social contagion", "Without: the null")


class Canvas:
    """A figure of ``size`` CSS pixels whose moving artists are redrawn by blitting."""

    def __init__(self, models, size: tuple[int, int], presenting: bool = False,
                 ratio: float = 1.0, **options):
        self.presenting, self.ratio = presenting, float(ratio)
        self.width, self.height = (max(120, int(size[0])), max(120, int(size[1])))
        self._lock = threading.Lock()
        self.parts: dict[str, object] = {}  # name -> artist whose box the page may check
        with matplotlib.rc_context(rc(presenting)):
            self.figure = Figure(figsize=(self.width / CSS_DPI, self.height / CSS_DPI),
                                 dpi=CSS_DPI * self.ratio, facecolor="white",
                                 layout="constrained")
            FigureCanvasAgg(self.figure)
            self.moving = list(self.build(models, **options))
            for artist in self.moving:
                artist.set_animated(True)
            self.figure.canvas.draw()  # constrained layout places everything once...
            self.figure.set_layout_engine("none")  # ...then it stays put: frames only blit
            self.settle()
        self._background = None

    def build(self, models, **options):  # pragma: no cover - abstract
        raise NotImplementedError

    def settle(self) -> None:
        """After the layout is fixed: adjust what depends on the panels' final size."""

    def update(self, models) -> bool:  # pragma: no cover - abstract
        """Set the moving artists' data; True when the background must be redrawn too."""
        raise NotImplementedError

    def describe(self, models) -> str:  # pragma: no cover - abstract
        """One line for the picture's alternative text: what it shows now, in words."""
        raise NotImplementedError

    def png(self, models) -> bytes:
        """The current frame as PNG, ``size`` CSS pixels times the pixel ratio."""
        with self._lock, matplotlib.rc_context(rc(self.presenting)):
            canvas = self.figure.canvas
            if self.update(models) or self._background is None:
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

    def colorbar(self, mappable, axes):
        """The fixed valence scale under ``axes``, labelled in words."""
        bar = self.figure.colorbar(mappable, ax=axes, location="bottom", shrink=0.9,
                                   aspect=28, pad=0.02)
        bar.set_ticks(list(VALENCE_TICKS), labels=list(VALENCE_TICKS.values()))
        self.parts["colour bar"] = bar.ax
        return bar

    def legend(self, handles, **options):
        """A legend under the pictures with as many columns as fit the figure's width."""
        renderer = self.figure.canvas.get_renderer()
        for columns in range(len(handles), 0, -1):
            legend = self.figure.legend(handles=handles, loc="outside lower center",
                                        ncol=columns, frameon=False, columnspacing=1.0,
                                        handletextpad=0.4, **options)
            if legend.get_window_extent(renderer).width <= 0.98 * self.width * self.ratio:
                break
            legend.remove()
        self.parts["legend"] = legend
        return legend

    def meta(self) -> dict:
        """What the page checks: size, smallest text and boxes (CSS px from the top left).

        ``min_text_px`` is the smallest font size of any text in the figure;
        ``outside`` counts texts that stick out of the figure (cut off on
        screen); ``parts`` are the boxes of the legend, colour bar, panels.
        """
        with self._lock, matplotlib.rc_context(rc(self.presenting)):
            renderer = self.figure.canvas.get_renderer()
            texts = [t for t in self.figure.findobj(Text) if t.get_text().strip()]
            sizes = [t.get_fontsize() * CSS_DPI / 72.0 for t in texts]
            every, drawn = _tick_labels(self.figure)
            shown = [t for t in texts if (t in drawn if t in every else t.get_visible())]
            outside = [t.get_text() for t in shown
                       if not _inside(self._box(t.get_window_extent(renderer)), self.width,
                                      self.height)]
            parts = {name: self._box(_extent(artist, renderer))
                     for name, artist in self.parts.items()}
        return {"width": self.width, "height": self.height, "ratio": self.ratio,
                "min_text_px": round(min(sizes), 2) if sizes else None,
                "outside": outside, "parts": parts}

    def _box(self, bbox) -> list[float]:
        """A display bbox as [left, top, right, bottom] in CSS px of the shown image."""
        h = self.height * self.ratio
        return [round(v / self.ratio, 1) for v in (bbox.x0, h - bbox.y1, bbox.x1, h - bbox.y0)]


def _extent(artist, renderer):
    tight = getattr(artist, "get_tightbbox", None)
    return tight(renderer) if tight is not None else artist.get_window_extent(renderer)


def _tick_labels(figure) -> tuple[set, set]:
    """All tick labels of the figure, and those that are drawn (axis on, tick in range)."""
    every, drawn = set(), set()
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                for label in (tick.label1, tick.label2):
                    every.add(label)
                    loc = tick.get_loc()
                    if (ax.axison and label.get_visible() and loc is not None
                            and low - 1e-9 <= loc <= high + 1e-9):
                        drawn.add(label)
    return every, drawn


def _inside(box: list[float], width: float, height: float, slack: float = 1.0) -> bool:
    left, top, right, bottom = box
    return left >= -slack and top >= -slack and right <= width + slack and bottom <= height + slack
