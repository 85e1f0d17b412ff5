"""The dashboard in a real browser, offline: what a presenter does and what the room sees."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

import pytest

import contagion  # noqa: F401  (the engine first: `import scenarios` alone hits an import cycle)
import scenarios
from dashboards.inputs import control_names, parse_value

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


def test_goal_lifts_the_home_stand(dashboard):
    page = dashboard.page
    assert page.locator(".scenario-title").inner_text() == "Football crowd"
    assert "mirror neurons" in page.locator(".caveat").inner_text()
    assert dashboard.step_count() == 0

    page.locator(".step-button").click()
    dashboard.wait_step(1)
    home, away = dashboard.readout("home_valence"), dashboard.readout("away_valence")

    page.get_by_role("button", name="Goal home", exact=True).click()
    dashboard.wait_step(2)  # paused: an event button also plays the next step
    assert dashboard.wait_readout("home_valence", lambda v: v > home + 0.2) > home + 0.2
    assert dashboard.wait_readout("away_valence", lambda v: v < away - 0.2) < away - 0.2
    dashboard.screenshot("dashboard-goal")
    assert "Traceback" not in page.locator("body").inner_text()


def test_live_slider_acts_at_once_and_export_has_it(dashboard):
    page = dashboard.page
    slider = page.locator(".param-mirroring .v-slider")
    box = slider.bounding_box()
    page.mouse.click(box["x"] + 0.8 * box["width"], box["y"] + box["height"] / 2)
    field = dashboard.field("mirroring")
    # a rate per minute (0..30, default 2): its slider steps along 0.01 ... 30
    page.wait_for_function("el => parseFloat(el.value) > 2", arg=field.element_handle())
    chosen = float(field.input_value())
    assert 3 <= chosen <= 10
    assert page.locator(".status.pending").count() == 0  # live: nothing waits for Reset

    page.locator(".step-button").click()
    dashboard.wait_step(1)
    exported = scenarios.load(dashboard.download("Scenario (TOML)"))
    assert exported.name == "football_crowd" and exported.seed == 1
    assert exported.parameter("mirroring").value == pytest.approx(chosen)
    lines = dashboard.download("Run so far (CSV)").read_text().splitlines()
    assert lines[0].startswith("scenario,seed,step,")
    assert len(lines) == 3  # header, step 0, step 1


def test_reset_rebuilds_with_values_that_wait_for_it(dashboard):
    page = dashboard.page
    page.locator(".step-button").click()
    dashboard.wait_step(1)
    dashboard.type_into("rows", "10")
    page.locator(".status.pending", has_text="rows").wait_for()
    page.locator(".reset-button").click()
    dashboard.wait_step(0)
    page.locator(".status.pending").wait_for(state="detached")
    dashboard.wait_idle()
    assert "rows=10" in page.url


def test_bad_input_shows_a_message_and_the_run_goes_on(dashboard):
    page = dashboard.page
    page.locator(".step-button").click()
    dashboard.wait_step(1)

    dashboard.type_into("seed (applies on Reset)", "12ab")
    page.locator(".seed-error", has_text="seed='12ab' is not a whole number").wait_for()
    dashboard.type_into("mirroring", "31")
    error = page.locator(".error-mirroring")
    error.wait_for()
    assert error.inner_text() == "mirroring=31 is out of range: allowed [0, 30]. Still using 2."
    assert error.evaluate("e => e.scrollWidth <= e.clientWidth")  # not clipped
    page.locator(".reset-button").click()
    page.locator(".status.message", has_text="Not rebuilt: fix mirroring, seed first").wait_for()
    page.locator(".step-button").click()
    dashboard.wait_step(2)  # the last good model is still running
    dashboard.type_into("mirroring", "0.5")
    dashboard.type_into("seed (applies on Reset)", "12")
    page.locator(".status.message").wait_for(state="detached")  # fixed: the message goes

    page.get_by_text("...or paste a scenario file").click()
    page.get_by_label("TOML text").fill('name = "broken"\ntitle = "Broken"\nmirroring = 2\n')
    page.get_by_role("button", name="Load pasted scenario").click()
    error = page.locator(".upload-error")
    error.wait_for()
    assert error.inner_text().startswith("pasted text: ")
    assert page.locator(".scenario-title").inner_text() == "Football crowd"
    assert dashboard.step_count() == 2
    dashboard.screenshot("dashboard-bad-input")
    assert "Traceback" not in page.locator("body").inner_text()


def test_every_scenario_has_its_view_and_buttons(dashboard):
    page = dashboard.page
    dashboard.set_speed("End")
    for name in scenarios.names():
        scenario = scenarios.get(name)
        dashboard.choose_scenario(scenario.title)
        dashboard.wait_step(0)
        buttons = page.locator(".event-button")
        assert [t.strip() for t in buttons.all_inner_texts()] == list(scenario.actions)
        for metric in scenario.key_metrics:
            assert page.locator(f".readout-{metric}").count() == 1
        dashboard.play_until(16)
        if scenario.actions:
            n = dashboard.step_count()
            buttons.last.click()
            dashboard.wait_step(n + 1)
        assert "-0.00" not in page.locator(".readouts").inner_text()
        dashboard.screenshot(f"dashboard-{name}")


def test_opening_every_scenario_keeps_its_declared_values(dashboard):
    """No slider rounds a value as the page draws it: the session runs what the file says."""
    page = dashboard.page
    for name in scenarios.names():
        declared = scenarios.get(name)
        names = control_names(declared)
        dashboard.open(f"scenario={name}")
        page.locator(".param .v-slider").nth(
            sum(declared.parameter(n).kind != "goals" for n in names) - 1).wait_for()
        dashboard.wait_idle()  # what a slider sent back as it was drawn has arrived
        asked = {k: v[-1] for k, v in parse_qs(page.evaluate("location.search[0] === '?' "
                                                             "? location.search.slice(1) : ''")
                                               ).items()}
        assert asked.get("scenario") == name
        running = {n: parse_value(declared.parameter(n), asked[n]) for n in names if n in asked}
        assert running == {n: declared.parameter(n).value for n in names}, name
        exported = scenarios.load(dashboard.download("Scenario (TOML)"))
        assert exported.values() == declared.values(), name
        assert page.locator(".status.pending").count() == 0, name


def test_play_stops_at_the_end_with_a_clear_end_state(window):
    board = window(1600, 1000, "scenario=leader_team")
    page = board.page
    board.set_speed("End")
    play = page.locator(".play-button")
    width = play.bounding_box()["width"]
    play.click()
    page.get_by_role("button", name="Pause").wait_for()
    assert play.bounding_box()["width"] == pytest.approx(width, abs=1)  # the row does not shift
    end = scenarios.get("leader_team").steps
    page.locator(".status.ended", has_text=f"The end: step {end} of {end}").wait_for(
        timeout=60_000)
    assert board.step_count() == end
    for button in (".play-button", ".step-button", ".event-button"):
        assert page.locator(button).first.is_disabled()
    page.wait_for_timeout(500)
    assert board.step_count() == end  # nothing past the end
    page.locator(".reset-button").click()
    board.wait_step(0)
    assert not page.locator(".play-button").is_disabled()


def test_play_pause_and_presentation_mode(dashboard):
    page = dashboard.page
    normal = page.locator(".readout-value").first.evaluate("e => getComputedStyle(e).fontSize")
    page.get_by_text("Presenting").click()
    page.wait_for_function(
        "s => getComputedStyle(document.querySelector('.readout-value')).fontSize !== s",
        arg=normal)
    page.wait_for_function("() => location.search.includes('present=1')")
    page.locator(".play-button").click()
    page.wait_for_function(
        "() => +document.querySelector('.step-now').textContent.split(' ')[1] >= 5")
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for()
    page.wait_for_timeout(300)  # a frame already on its way may still arrive
    stopped = dashboard.step_count()
    page.wait_for_timeout(700)
    assert dashboard.step_count() == stopped
    page.get_by_role("button", name="Goal away", exact=True).click()
    dashboard.wait_step(stopped + 1)
    home = dashboard.readout("home_valence")
    assert dashboard.wait_readout("away_valence", lambda v: v > home + 0.4) > home + 0.4
    dashboard.screenshot("dashboard-presentation")


def test_each_page_is_its_own_session(window):
    first, second = window(1280, 720), window(1280, 720)
    first.page.locator(".step-button").click()
    first.wait_step(1)
    first.type_into("mirroring", "0.9")
    first.page.wait_for_function("() => location.search.includes('mirroring=0.9')")
    assert second.step_count() == 0
    assert second.field("mirroring").input_value() == "2"
    second.choose_scenario(scenarios.get("sad_film").title)
    assert first.page.locator(".scenario-title").inner_text() == "Football crowd"


def _box(locator) -> dict:
    return locator.evaluate("e => { const r = e.getBoundingClientRect(); "
                            "return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; }")


def check_room_layout(board, label: str) -> None:
    """Everything the room needs lies inside the window, clear of the sidebar; text >= 18 px."""
    page = board.page
    size = page.viewport_size
    sidebar = _box(page.locator(".sidebar"))
    needed = [".scenario-title", ".play-button", ".step-button", ".reset-button",
              ".step-counter", ".readout", ".event-button", ".picture img"]
    for selector in needed:
        for element in page.locator(selector).all():
            box = _box(element)
            where = f"{label}: {selector} {box}"
            assert box["left"] >= sidebar["right"] - 0.5, f"{where} under the sidebar"
            assert box["right"] <= size["width"] + 0.5 and box["bottom"] <= size["height"] + 0.5, (
                f"{where} outside the {size['width']}x{size['height']} window")
            assert box["top"] >= -0.5
    for picture in page.locator(".picture").all():
        meta = json.loads(picture.locator(".picture-meta").text_content())
        image = _box(picture.locator("img"))
        scale = (image["right"] - image["left"]) / meta["width"]
        assert scale == pytest.approx(1.0, abs=0.01), f"{label}: the picture is scaled"
        assert meta["outside"] == [], f"{label}: text cut off: {meta['outside']}"
        assert meta["min_text_px"] * scale >= 18.0 - 0.01, f"{label}: text below 18 px"
        for part, (left, top, right, bottom) in meta["parts"].items():
            on_screen = (image["left"] + left * scale, image["top"] + top * scale,
                         image["left"] + right * scale, image["top"] + bottom * scale)
            assert on_screen[0] >= image["left"] - 1 and on_screen[2] <= image["right"] + 1, (
                f"{label}: {part} {on_screen} sticks out of its picture")
            assert on_screen[3] <= size["height"] + 0.5, f"{label}: {part} below the window"
    title = page.locator(".scenario-title")
    assert title.evaluate("e => e.scrollWidth <= e.clientWidth"), f"{label}: title cut off"
    for readout in page.locator(".readout").all():  # number and null inside their box
        assert readout.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), (
            f"{label}: {readout.inner_text()!r} spills out of its box")
    assert page.locator(".caveat").is_visible()
    parts = [name for p in page.locator(".picture-meta").all()
             for name in json.loads(p.text_content())["parts"]]
    # moods have a colour bar; the stadium's three states (resting, standing, just sat
    # down) have their key in the legend instead
    assert "legend" in parts and ("colour bar" in parts or "stadium 1" in parts), (
        f"{label}: {parts}")


@pytest.mark.parametrize("width,height", [(1280, 720), (1920, 1080)])
def test_presentation_mode_fits_the_room_for_every_scenario(window, width, height):
    board = window(width, height, "present=1")
    page = board.page
    board.wait_idle()
    for name in scenarios.names():
        board.choose_scenario(scenarios.get(name).title)
        check_room_layout(board, f"{name} at {width}x{height}")
        if width == 1280:  # the tightest box: the split stage must fit too
            page.get_by_text("Split stage", exact=True).click()
            page.locator(".readout-null").first.wait_for()
            board.wait_idle()
            check_room_layout(board, f"{name} split at {width}x{height}")
            board.screenshot(f"room-{name}-split-{width}")
            page.get_by_text("Split stage", exact=True).click()
            page.locator(".readout-null").first.wait_for(state="detached")
            board.wait_idle()
        board.screenshot(f"room-{name}-{width}")
    assert not re.search(r"-0\.00\b", page.locator("body").inner_text())


def test_a_long_rebuild_shows_that_it_is_busy_and_keeps_reset_disabled(window):
    board = window(1280, 720, "present=1")
    page = board.page
    board.type_into("rows", "200")
    board.type_into("cols", "200")
    page.locator(".reset-button").click()
    note = "Building the crowd (up to 40,000 people)..."
    page.locator(".status.busy", has_text=note).wait_for()
    assert page.locator(".reset-button").is_disabled()
    page.locator(".busy-note", has_text=note).wait_for()  # over the dimmed old run
    board.wait_idle()
    assert not page.locator(".reset-button").is_disabled()
    assert "rows=200&cols=200" in page.url
