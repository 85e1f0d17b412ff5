"""The Solara page rendered without a browser (solara.render): fast checks of the wiring."""

from __future__ import annotations

import ipyvuetify as v
import pytest
import solara

from dashboards.app import Page


@solara.component
def InAppLayout():
    """The page inside the layout ``solara run`` gives it (so the sidebar renders too)."""
    with solara.AppLayout():
        Page()


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
    assert text_of(rendered, "step-counter") == "Step 0"
    button(rendered, "step-button").click()
    rendered.find(v.Html, class_="step-counter", children=["Step 1"]).assert_single()
    home = float(rendered.find(v.Html, class_="readout-value").widgets[0].children[0])
    rendered.find(v.Btn, children=["Goal home"]).widget.click()
    rendered.find(v.Html, class_="step-counter", children=["Step 2"]).assert_single()
    assert float(rendered.find(v.Html, class_="readout-value").widgets[0].children[0]) > home + 0.2


def test_bad_seed_shows_its_message_and_keeps_the_model(rendered):
    button(rendered, "step-button").click()
    field = type_into(rendered, "seed (applies on Reset)", "abc")
    assert field.error and field.messages[0].startswith("seed='abc' is not a whole number")
    button(rendered, "reset-button").click()
    assert "Not rebuilt: fix seed first" in text_of(rendered, "message")
    rendered.find(v.Html, class_="step-counter", children=["Step 1"]).assert_single()


def test_out_of_range_value_shows_the_range_next_to_the_field(rendered):
    field = type_into(rendered, "mirroring", "1.7")
    assert field.error and field.messages == ["mirroring=1.7 is out of range: allowed [0, 1]"]
    assert field.v_model == "1.7"  # what was typed stays visible with its message
    field = type_into(rendered, "mirroring", "0.8")
    assert not field.error and not field.messages
