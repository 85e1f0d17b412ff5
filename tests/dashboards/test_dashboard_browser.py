"""The dashboard in a real browser, offline: what a presenter does and what the room sees."""

from __future__ import annotations

from pathlib import Path

import pytest

import contagion  # noqa: F401  (the engine first: `import scenarios` alone hits an import cycle)
import scenarios

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


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
    assert dashboard.readout("home_valence") > home + 0.2
    assert dashboard.readout("away_valence") < away - 0.2
    dashboard.screenshot("dashboard-goal")
    assert "Traceback" not in page.locator("body").inner_text()


def test_live_slider_acts_at_once_and_export_has_it(dashboard):
    page = dashboard.page
    slider = page.locator(".param-mirroring .v-slider")
    box = slider.bounding_box()
    page.mouse.click(box["x"] + 0.8 * box["width"], box["y"] + box["height"] / 2)
    field = dashboard.field("mirroring")
    page.wait_for_function("el => parseFloat(el.value) > 0.6", arg=field.element_handle())
    chosen = float(field.input_value())
    assert 0.6 < chosen <= 1.0
    assert page.locator(".pending").count() == 0  # live: nothing waits for Reset

    page.locator(".step-button").click()
    dashboard.wait_step(1)
    with page.expect_download() as download:
        page.get_by_role("button", name="Scenario (TOML)").click()
    exported = scenarios.loads(Path(download.value.path()).read_text(), "download")
    assert exported.name == "football_crowd"
    assert exported.parameter("mirroring").value == pytest.approx(chosen)

    with page.expect_download() as download:
        page.get_by_role("button", name="Run so far (CSV)").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0].startswith("scenario,seed,step,")
    assert len(lines) == 3  # header, step 0, step 1


def test_reset_rebuilds_with_values_that_wait_for_it(dashboard):
    page = dashboard.page
    page.locator(".step-button").click()
    dashboard.wait_step(1)
    dashboard.type_into("rows", "10")
    page.locator(".pending", has_text="rows").wait_for()
    page.locator(".reset-button").click()
    dashboard.wait_step(0)
    page.locator(".pending").wait_for(state="detached")
    assert page.locator(".view-image img").count() == 1


def test_bad_input_shows_a_message_and_the_run_goes_on(dashboard):
    page = dashboard.page
    page.locator(".step-button").click()
    dashboard.wait_step(1)

    dashboard.type_into("seed (applies on Reset)", "12ab")
    page.get_by_text("seed='12ab' is not a whole number").wait_for()
    dashboard.type_into("mirroring", "7")
    page.get_by_text("mirroring=7 is out of range: allowed [0, 1]").wait_for()
    page.locator(".reset-button").click()
    page.locator(".message", has_text="Not rebuilt: fix mirroring, seed first").wait_for()
    page.locator(".step-button").click()
    dashboard.wait_step(2)  # the last good model is still running

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
        dashboard.screenshot(f"dashboard-{name}")


def test_play_pause_and_presentation_mode(dashboard):
    page = dashboard.page
    normal = page.locator(".readout-value").first.evaluate("e => getComputedStyle(e).fontSize")
    page.get_by_text("Presentation mode").click()
    page.wait_for_function(
        "s => getComputedStyle(document.querySelector('.readout-value')).fontSize !== s",
        arg=normal)
    page.locator(".play-button").click()
    page.wait_for_function(
        "() => +document.querySelector('.step-counter').textContent.split(' ')[1] >= 5")
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for()
    page.wait_for_timeout(300)  # a frame already on its way may still arrive
    stopped = dashboard.step_count()
    page.wait_for_timeout(700)
    assert dashboard.step_count() == stopped
    page.get_by_role("button", name="Goal away", exact=True).click()
    dashboard.wait_step(stopped + 1)
    assert dashboard.readout("away_valence") > dashboard.readout("home_valence") + 0.4
    dashboard.screenshot("dashboard-presentation")
