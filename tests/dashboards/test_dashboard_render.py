"""The Solara page rendered without a browser (solara.render): fast checks of the wiring."""

from __future__ import annotations

import math

import ipyvuetify as v
import numpy as np
import pytest
import solara

import contagion  # noqa: F401  (the engine first: `import scenarios` alone hits an import cycle)
import scenarios
from dashboards import app
from dashboards.address import open_session
from dashboards.app import Dashboard, Layout
from dashboards.inputs import parse_value


@solara.component
def InAppLayout():
    """The page inside its own layout, as ``solara run`` serves it."""
    Layout(children=[Dashboard()])


@pytest.fixture
def rendered():
    box, rc = solara.render(InAppLayout(), handle_error=False)
    yield rc
    rc.close()


def text_of(rc, css_class: str) -> str:
    return rc.find(v.Html, class_=css_class).widget.children[0]


def button(rc, css_class: str):
    return rc.find(v.Btn, class_=css_class).widget


def type_into(rc, label: str, text: str):
    field = rc.find(v.TextField, label=label).widget
    field.v_model = text
    field.fire_event("keyup.enter", None)
    return rc.find(v.TextField, label=label).widget


def test_step_and_goal_update_what_the_room_sees(rendered):
    assert text_of(rendered, "step-now") == "Step 0"
    assert text_of(rendered, "step-end") == "of 190"
    assert text_of(rendered, "step-length") == "(30 seconds each)"
    button(rendered, "step-button").click()
    rendered.find(v.Html, class_="step-now", children=["Step 1"]).assert_single()
    home = float(rendered.find(v.Html, class_="readout-value").widgets[0].children[0])
    rendered.find(v.Btn, children=["Goal home"]).widget.click()
    rendered.find(v.Html, class_="step-now", children=["Step 2"]).assert_single()
    assert float(rendered.find(v.Html, class_="readout-value").widgets[0].children[0]) > home + 0.2


def test_bad_seed_shows_its_message_and_keeps_the_model(rendered):
    button(rendered, "step-button").click()
    field = type_into(rendered, "seed (applies on Reset)", "abc")
    assert field.error
    assert text_of(rendered, "control-error seed-error").startswith("seed='abc' is not a whole number")
    assert text_of(rendered, "control-error seed-error").endswith("Still using 1.")
    button(rendered, "reset-button").click()
    rendered.find(v.Html, class_="status message").wait_for(timeout=10)
    assert "Not rebuilt: fix seed first" in text_of(rendered, "status message")
    rendered.find(v.Html, class_="step-now", children=["Step 1"]).assert_single()


def test_out_of_range_value_shows_the_range_and_the_value_still_used(rendered):
    field = type_into(rendered, "mirroring", "31.5")
    assert field.error and field.v_model == "31.5"  # what was typed stays visible
    assert text_of(rendered, "control-error error-mirroring") == (
        "mirroring=31.5 is out of range: allowed [0, 30]. Still using 2.")
    field = type_into(rendered, "mirroring", "0.8")
    assert not field.error
    rendered.find(v.Html, class_="control-error error-mirroring").assert_empty()


def test_pending_values_are_named_until_reset(rendered):
    type_into(rendered, "rows", "10")
    assert text_of(rendered, "status pending") == (
        "Changed: rows. Press Reset to rebuild with them.")
    button(rendered, "reset-button").click()
    rendered.find(v.Html, class_="status pending").wait_for("detached", timeout=20)
    rendered.find(v.Btn, class_="reset-button").assert_wait(lambda w: not w.disabled, timeout=20)


def test_play_pauses_when_no_browser_paints_its_frames(rendered, monkeypatch):
    monkeypatch.setattr(app, "UNSEEN_PAUSE", 2)  # nobody acknowledges frames here
    button(rendered, "play-button").click()
    play = rendered.find(v.Btn, class_="play-button")
    play.assert_wait(lambda w: "Pause" in w.children, timeout=10)
    play.assert_wait(lambda w: "Play" in w.children, timeout=20)
    steps = int(text_of(rendered, "step-now").split()[-1])
    assert 1 <= steps < 190  # it played, then stopped drawing for no one


def test_a_sidebar_that_fails_to_draw_shows_one_line_and_draws_again():
    attempts = []

    @solara.component
    def Flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("unknown parameter 'trained_share'")
        solara.Text("drawn", classes=["drawn"])

    box, rc = solara.render(app.Recovering(lambda: Flaky(), "controls"), handle_error=False)
    try:
        message = rc.find(v.Html, class_="control-error").widget.children[0]
        assert message == "The controls could not be drawn: unknown parameter 'trained_share'"
        button(rc, "redraw-button").click()
        rc.find(v.Html, class_="drawn").assert_single()
        assert not rc.find(v.Html, class_="control-error").widgets
    finally:
        rc.close()


def mount_slider(slider) -> None:
    """What Vuetify 2's VSlider does as the browser draws it (``beforeMount``).

    It sets its value to ``roundValue(clamp(v_model))`` (to the step, with as many
    decimals as the step has) and, where that differs from ``v_model``, sends the
    rounded value back as if the user had moved it. Unset props are Vuetify's
    defaults: min 0, max 100, step 1.
    """
    low = 0.0 if slider.min is None else float(slider.min)
    high = 100.0 if slider.max is None else float(slider.max)
    step = 1.0 if slider.step is None else float(slider.step)
    value = min(max(float(slider.v_model), low), high)
    if step > 0:
        text = np.format_float_positional(step, trim="-")
        decimals = len(text.split(".")[1]) if "." in text else 0
        offset = math.fmod(low, step)
        value = math.floor((value - offset) / step + 0.5) * step + offset
        value = float(f"{min(value, high):.{decimals}f}")
    if value != slider.v_model:
        slider.v_model = value


@solara.component
def Sidebar(session):
    app.Controls(session, app.State(False))


@pytest.mark.parametrize("name", scenarios.names())
def test_opening_a_scenario_leaves_every_value_as_declared(name):
    """The page opened on a scenario runs its declared values: no control rounds one."""
    declared = scenarios.get(name)
    session, _ = open_session(f"scenario={name}")
    box, rc = solara.render(Sidebar(session), handle_error=False)
    try:
        sliders = rc.find(v.Slider).widgets
        assert len(sliders) == sum(declared.parameter(n).kind != "goals" for n in session.names)
        for slider in sliders:
            mount_slider(slider)
        assert session.running() == {n: declared.parameter(n).value for n in session.names}
        assert session.model.scenario_spec.values() == declared.values()
        assert session.pending() == [] and session.changes == []
        for n in session.names:  # every field shows its value exactly
            field = rc.find(v.TextField, label=n).widget
            assert parse_value(declared.parameter(n), field.v_model) == declared.parameter(n).value
    finally:
        rc.close()
