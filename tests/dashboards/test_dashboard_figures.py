"""The pictures without a browser: drawn for their box, nothing cut off, text large enough."""

from __future__ import annotations

import numpy as np
import pytest

import contagion  # noqa: F401  (the engine first: `import scenarios` alone hits an import cycle)
import scenarios
from dashboards.canvas import TEXT_PX
from dashboards.curves import SeriesPlot, tick_text, window
from dashboards.figures import NetworkMap, SeatMap, layout, view_for
from dashboards.session import Session
from dashboards.views import stage_split
from dashboards.wave import WaveView

PNG = b"\x89PNG\r\n\x1a\n"
#: Stage boxes (CSS px) at 1280x720 and 1920x1080 in presentation mode with the sidebar.
STAGES = {"1280x720": (940, 400), "1920x1080": (1580, 720)}


@pytest.mark.parametrize("stage,split,presenting", [
    ("1280x720", False, True), ("1280x720", True, True), ("1920x1080", False, True),
    ("1920x1080", True, True), ("1280x720", False, False)])
def test_every_picture_fits_its_box_with_text_large_enough(stage, split, presenting):
    width, height = STAGES[stage]
    for name in scenarios.names():
        session = Session(name, split=split)
        for label in session.scenario.actions:
            session.trigger(label)
        session.step(12)
        crowd, curves = stage_split(width, split)
        models = session.models()
        view = view_for(session.scenario, models, (crowd, height), presenting, 1)
        series = SeriesPlot(models, (curves, height), presenting, scenario=session.scenario)
        kind = {"seats": SeatMap, "wave": WaveView}.get(session.scenario.view, NetworkMap)
        assert isinstance(view, kind)
        for canvas in (view, series):
            assert canvas.png(models).startswith(PNG)
            meta = canvas.meta()
            assert (meta["width"], meta["height"]) == canvas.figure.canvas.get_width_height()
            assert meta["outside"] == [], (name, type(canvas).__name__, meta["outside"])
            assert meta["min_text_px"] >= TEXT_PX[presenting] - 0.01
            for part, (left, top, right, bottom) in meta["parts"].items():
                assert -1 <= left < right <= meta["width"] + 1, (name, part)
                assert -1 <= top < bottom <= meta["height"] + 1, (name, part)
        key = "legend" if kind is WaveView else "colour bar"  # states, not a mood scale
        assert key in view.meta()["parts"] and "legend" in series.meta()["parts"]


def test_the_picture_is_drawn_at_the_screens_pixel_ratio():
    session = Session("leader_team")
    canvas = SeriesPlot([session.model], (400, 300), True, 2.0, scenario=session.scenario)
    assert canvas.figure.canvas.get_width_height() == (800, 600)
    meta = canvas.meta()
    assert (meta["width"], meta["height"], meta["min_text_px"]) == (400, 300, 18.0)


def test_frames_redraw_only_what_moves():
    session = Session("football_crowd")
    models = session.models()
    series = SeriesPlot(models, (500, 400), False, scenario=session.scenario)
    first = series.png(models)
    session.step(3)
    assert series.png(models) != first  # the curves moved


def test_axes_fit_the_data_and_only_grow():
    for data in ((-0.03, 0.04), (0.1, 0.1), (-0.2, 0.5), (0.41, 0.47)):
        low, high = window(*data, "valence")
        span = max(data[1] - data[0], 0.1)
        assert low <= data[0] - 0.1 * span and high >= data[1] + 0.1 * span  # a margin
        assert high - low <= 2.2 * span  # but zoomed in: the data fills most of it
        assert all(abs(end * 200 - round(end * 200)) < 1e-9 for end in (low, high))  # round
    assert window(-0.9, 0.95, "valence") == pytest.approx((-1.06, 1.06))  # the scale, a margin
    assert window(0.0, 0.1, "valence", current=(-0.5, 0.5)) == (-0.5, 0.5)  # it stays put
    assert window(0.2, 0.3, "arousal")[0] >= -0.03


def test_a_quiet_speaker_is_a_curve_not_a_flat_line():
    session = Session("speaker_listener")
    session.step(60)
    series = SeriesPlot([session.model], (500, 400), True, scenario=session.scenario)
    low, high = series.panels["valence"].get_ylim()
    values = np.asarray(session.model.datacollector.model_vars["speaker_valence"])
    assert high - low < 0.5 * 2.0  # zoomed in from the -1..1 scale
    assert (high - low) < 4 * max(np.ptp(values), 0.1)
    band = series.bands["valence"]
    assert band.get_y() == pytest.approx(low) and band.get_height() == pytest.approx(high - low)


def test_lines_that_coincide_both_stay_visible():
    session = Session("football_crowd")
    series = SeriesPlot([session.model], (500, 400), True, scenario=session.scenario)
    widths = {metric: line.get_linewidth() for metric, _, line in series.lines}
    assert widths["away_arousal"] < widths["home_arousal"]  # drawn on top, thinner
    zorder = {metric: line.get_zorder() for metric, _, line in series.lines}
    assert zorder["away_arousal"] > zorder["home_arousal"]


@pytest.mark.parametrize("value", [-0.001, -0.0, 0.0, 0.004, -0.25, 0.5])
def test_axis_numbers_never_read_minus_zero(value):
    text = tick_text(value)
    assert text != "-0.00" and len(text.lstrip("+-")) == 4


def test_layout_is_seeded_and_computed_from_the_model():
    a, b = Session("borderline_profile", seed=5), Session("borderline_profile", seed=5)
    pos_a, pos_b = layout(a.model, 5), layout(b.model, 5)
    assert all(np.allclose(pos_a[n], pos_b[n]) for n in a.model.nodes)
    team = Session("leader_team").model
    centre = layout(team, 1)[team.nodes[0]]  # the leader sits in the middle
    assert np.allclose(centre, 0.0)
