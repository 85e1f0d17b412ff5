"""What the room watches: the step counter, the key numbers, the picture and the curves."""

from __future__ import annotations

import logging

import ipyvuetify as v
import solara
import traitlets

from dashboards.figures import SeriesPlot, view_for
from dashboards.session import Session, one_line

__all__ = ["FrameAck", "Readouts", "Stage", "StepCounter", "metric_label"]

log = logging.getLogger("dashboards")


def metric_label(metric: str) -> str:
    """``home_valence`` -> ``home valence``."""
    return metric.replace("_", " ")


@solara.component
def StepCounter(session: Session, frame: solara.Reactive[int]):
    """The step the model has reached."""
    _ = frame.value  # redraw on every model change
    solara.Text(f"Step {session.model.steps}", classes=["step-counter"])


@solara.component
def Readouts(session: Session, frame: solara.Reactive[int]):
    """The latest value of each key metric, large enough to read from the back."""
    _ = frame.value
    with solara.Row(gap="10px", classes=["readouts"]):
        for metric, value in session.readouts().items():
            with solara.Div(classes=["readout", f"readout-{metric}"]):
                solara.Text(metric_label(metric), classes=["readout-label"])
                solara.Text("n/a" if value != value else f"{value:+.2f}",
                            classes=["readout-value"])


def _canvases(session: Session, model, presenting: bool):
    try:
        return (view_for(session.scenario, model, presenting, session.built_seed),
                SeriesPlot(model, presenting, scenario=session.scenario)), None
    except Exception as exc:  # noqa: BLE001 - a picture that cannot be drawn is one line
        log.exception("dashboard: could not draw")
        return None, f"The picture could not be drawn: {one_line(exc)}"


@solara.component
def Stage(session: Session, frame: solara.Reactive[int], presenting: solara.Reactive[bool]):
    """The scenario's view (seat map or network) beside its key metrics over time."""
    _ = frame.value
    with session.lock:
        model, builds = session.model, session.builds
    canvases, error = solara.use_memo(lambda: _canvases(session, model, presenting.value),
                                      [builds, presenting.value])
    if canvases is not None:
        try:
            pictures = [canvas.png(model) for canvas in canvases]
        except Exception as exc:  # noqa: BLE001
            log.exception("dashboard: could not draw")
            pictures, error = None, f"The picture could not be drawn: {one_line(exc)}"
    if error:
        solara.Text(error, classes=["message"])
        return
    with solara.Row(gap="12px", style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with solara.Div(classes=["view-image"]):
            solara.Image(pictures[0], format="png", width="100%")
        with solara.Div(classes=["series-image"]):
            solara.Image(pictures[1], format="png", width="100%")


class _FrameAck(v.VuetifyTemplate):
    """Reports back which frame the browser has painted (two animation frames after it came)."""

    template = traitlets.Unicode("""
<template><span style="display: none" class="frame-ack">{{ frame }}</span></template>
<script>
module.exports = {
  watch: {
    frame(value) {
      requestAnimationFrame(() => requestAnimationFrame(() => { this.shown = value; }));
    },
  },
};
</script>
""").tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)
    shown = traitlets.Int(0).tag(sync=True)


@solara.component
def FrameAck(session: Session, frame: solara.Reactive[int]):
    """Tells ``session`` when the browser has painted a frame, so Play never outruns the screen."""
    return _FrameAck.element(frame=frame.value, on_shown=session.report_shown)
