"""What the room watches: the step counter, the key numbers and the stage (pictures).

The stage measures the box the page gives it and draws its pictures for
exactly that size, so nothing is scaled down and nothing is cut off; each
picture carries its measurements (smallest text, legend and colour bar boxes)
in a hidden element that the layout tests read.
"""

from __future__ import annotations

import html
import json
import logging

import solara

from contagion.clock import duration_text

from dashboards.browser import AltText, StageSize
from dashboards.curves import kind_of
from dashboards.figures import SeriesPlot, view_for
from dashboards.inputs import signed
from dashboards.session import Session, one_line

__all__ = ["Readouts", "Stage", "StepCounter", "metric_label", "stage_split"]

log = logging.getLogger("dashboards")
GAP = 12  # CSS pixels between two pictures


def metric_label(metric: str) -> str:
    """``home_valence`` -> ``home valence``."""
    return metric.replace("_", " ")


@solara.component
def StepCounter(session: Session, frame: solara.Reactive[int]):
    """The step the model has reached, of the scenario's duration."""
    _ = frame.value  # redraw on every model change
    with solara.Div(classes=["step-counter"]):
        solara.Text(f"Step {session.model.steps}", classes=["step-now"])
        solara.Text(f"of {session.end}", classes=["step-end"])
        scenario = session.scenario  # rates are per minute: the room sees how long a step is
        solara.Text(f"({duration_text(scenario.dt, scenario.time_unit)} each)",
                    classes=["step-length"])


@solara.component
def Readouts(session: Session, frame: solara.Reactive[int]):
    """The latest value of each key metric (and its null's), large enough to read from the back."""
    _ = frame.value
    with session.lock:
        values, nulls = session.readouts(), session.null_readouts()
    with solara.Row(gap="8px", classes=["readouts"]):
        for metric, value in values.items():
            with solara.Div(classes=["readout", f"readout-{metric}"]):
                solara.Text(metric_label(metric), classes=["readout-label"])
                with solara.Div(classes=["readout-line"]):
                    solara.Text(number(metric, value), classes=["readout-value"])
                    if metric in nulls:
                        solara.Text(f"null {number(metric, nulls[metric])}",
                                    classes=["readout-null"])


def number(metric: str, value: float) -> str:
    """A readout: valence with its sign (``+0.41``, ``0.00``), other scores plain (``0.40``)."""
    text = signed(value)
    return text.lstrip("+") if kind_of(metric) != "valence" else text


def stage_split(width: int, split: bool) -> tuple[int, int]:
    """Widths of the crowd picture and of the curves in a stage ``width`` pixels wide."""
    share = 0.6 if split else 0.5
    crowd = int((width - GAP) * share)
    return crowd, width - GAP - crowd


def _canvases(session: Session, models, size, presenting: bool):
    width, height, ratio = size
    if width < 100 or height < 100:
        return None, None  # not measured yet: the browser reports the box first
    crowd, curves = stage_split(width, len(models) > 1)
    try:
        return (view_for(session.scenario, models, (crowd, height), presenting,
                         session.built_seed, ratio),
                SeriesPlot(models, (curves, height), presenting, ratio,
                           scenario=session.scenario)), None
    except Exception as exc:  # noqa: BLE001 - a picture that cannot be drawn is one line
        log.exception("dashboard: could not draw")
        return None, f"The picture could not be drawn: {one_line(exc)}"


@solara.component
def Stage(session: Session, frame: solara.Reactive[int], presenting: bool, busy: str):
    """The scenario's crowd (seat map or network) beside its key metrics over time."""
    _ = frame.value
    size, set_size = solara.use_state((0, 0, 1.0))
    with session.lock:
        models, builds = session.models(), session.builds
    canvases, error = solara.use_memo(
        lambda: _canvases(session, models, size, presenting), [builds, presenting, size])
    metas = solara.use_memo(lambda: [c.meta() for c in canvases or ()], [canvases])
    with solara.Div(classes=["stage"] + (["stage-busy"] if busy else [])):
        StageSize(on_size=lambda value: set_size(tuple(value)))
        if canvases is not None:
            try:
                with session.lock:
                    pictures = [canvas.png(models) for canvas in canvases]
                    where = f"Step {session.model.steps} of {session.end}. "
                    texts = [where + canvas.describe(models) + "." for canvas in canvases]
            except Exception as exc:  # noqa: BLE001
                log.exception("dashboard: could not draw")
                pictures, error = None, f"The picture could not be drawn: {one_line(exc)}"
        if error:
            solara.Text(error, classes=["message"])
        elif canvases is not None:
            Pictures(pictures, canvases, metas, texts)
        if busy:
            solara.Text(busy, classes=["busy-note"])


@solara.component
def Pictures(pictures, canvases, metas, texts):
    """The pictures side by side, each at the size it was drawn for, with its measurements
    and its alternative text (what it shows now, in one line)."""
    with solara.Row(gap=f"{GAP}px", classes=["pictures"]):
        for name, picture, canvas, meta, text in zip(("view", "series"), pictures, canvases,
                                                     metas, texts):
            with solara.Div(classes=[f"{name}-image", "picture"]):
                solara.Image(picture, format="png", width=f"{canvas.width}px")
                AltText(text)
                solara.HTML("div", unsafe_innerHTML=html.escape(json.dumps(meta)),
                            classes=["picture-meta"], style="display: none")
