"""Keyboard and screen readers, in Chromium: shortcuts, the help overlay, a visible focus ring,
alternative text, named sliders, and axe-core finding nothing critical or serious.

axe-core is vendored (``vendor/axe.min.js``, the npm package ``axe-core`` with its
licence in ``vendor/LICENSE``), so the test needs no network.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageChops

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
#: Impacts a page may not have (axe-core's two highest of four).
BLOCKING = ("critical", "serious")


def axe_violations(page) -> list[str]:
    """axe-core's critical and serious violations on ``page`` now, one line each."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact,
            nodes: v.nodes.map(n => n.html.slice(0, 160))}));
    }""")
    return [f"{v['id']} ({v['impact']}): {v['nodes'][:3]}" for v in found
            if v["impact"] in BLOCKING]


def test_axe_finds_nothing_critical_or_serious(window):
    """Everyday and presentation mode, the split stage, folds and the help open, the game."""
    board = window(1280, 720)
    page = board.page
    board.wait_idle()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert axe_violations(page) == [], "everyday mode"

    page.get_by_role("button", name="About this scenario: what it models, references").click()
    page.get_by_role("button", name="...or paste a scenario file").click()
    page.get_by_label("TOML text").wait_for()
    page.get_by_role("button", name="Keyboard shortcuts (?)").click()
    page.get_by_role("dialog").wait_for()
    assert axe_violations(page) == [], "help and folds open"
    page.keyboard.press("Escape")

    presenting = window(1280, 720, "scenario=leader_team&present=1&split=1")
    presenting.page.locator(".readout-null").first.wait_for()
    presenting.wait_idle()
    assert axe_violations(presenting.page) == [], "presenting, split stage"

    game = presenting.page
    game.goto(presenting.url + "contagion")
    game.get_by_role("button", name="Reveal").wait_for(timeout=120_000)
    assert game.evaluate("document.documentElement.lang") == "en"
    assert axe_violations(game) == [], "the workshop game"
    back = game.get_by_role("link", name="Back to the dashboard")
    box = game.locator(".confounding-title").bounding_box()
    assert box["x"] >= 16, "the game's text starts at the window's edge"
    back.click()
    game.locator(".step-counter").wait_for(timeout=60_000)


def test_shortcuts_drive_the_run_and_the_help_lists_them(dashboard):
    page = dashboard.page
    page.locator(".picture img").first.wait_for()
    page.keyboard.press("ArrowRight")
    dashboard.wait_step(1)
    page.keyboard.press("Space")
    page.get_by_role("button", name="Pause").wait_for()
    page.wait_for_function(
        "() => +document.querySelector('.step-now').textContent.split(' ')[1] >= 3")
    page.keyboard.press("Space")
    page.get_by_role("button", name="Play").wait_for()
    page.keyboard.press("r")
    dashboard.wait_step(0)
    dashboard.wait_idle()

    page.keyboard.press("p")
    page.wait_for_function("() => location.search.includes('present=1')")
    page.keyboard.press("n")
    page.locator(".readout-null").first.wait_for()
    dashboard.wait_idle()
    page.keyboard.press("n")
    page.locator(".readout-null").first.wait_for(state="detached")
    dashboard.wait_idle()
    page.keyboard.press("p")
    page.wait_for_function("() => !location.search.includes('present=1')")

    # typing into a field never triggers a shortcut
    field = dashboard.field("mirroring")
    field.click()
    field.press("End")
    field.press("r")  # the field now reads "2r": not a Reset, not a step
    field.press("ArrowRight")
    page.wait_for_timeout(500)
    assert dashboard.step_count() == 0 and field.input_value() == "2r"
    assert page.locator(".status.busy").count() == 0

    page.locator(".scenario-title").click()  # focus leaves the field
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    dialog.wait_for()
    text = dialog.inner_text()
    for key, action in (("Space", "Play / Pause"), ("\u2192", "one step"), ("R", "Reset"),
                        ("N", "split stage"), ("P", "presentation mode")):
        assert re.search(rf"{re.escape(key)}\s+{re.escape(action)}", text), (key, text)
    assert page.evaluate("document.activeElement.textContent").startswith("Close")
    page.keyboard.press("ArrowRight")  # the help is open: no step behind it
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")
    assert dashboard.step_count() == 0


def test_tab_reaches_play_at_once_and_focus_is_visible_in_every_mode(window):
    board = window(1280, 720, "present=1")
    page = board.page
    board.wait_idle()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to Play")
    assert skip.evaluate("e => e === document.activeElement") and skip.is_visible()
    page.keyboard.press("Enter")
    play = page.locator(".play-button")
    assert play.evaluate("e => e === document.activeElement")
    assert_ring(page, play, "Play in presentation mode")
    page.keyboard.press("Tab")  # Step: Space on a keyboard-focused button presses it
    page.keyboard.press("Space")
    board.wait_step(1)
    for selector, name in ((".param-mirroring [role=slider]", "a slider"),
                           (".reset-button", "Reset"), (".event-button", "an event button")):
        target = page.locator(selector).first
        target.focus()
        page.keyboard.press("Shift")  # a key press marks the focus as the keyboard's
        assert_ring(page, target, f"{name} in presentation mode")
    page.keyboard.press("p")
    page.wait_for_function("() => !location.search.includes('present=1')")
    board.wait_idle()
    play.focus()
    page.keyboard.press("Shift")
    assert_ring(page, play, "Play in everyday mode")


def assert_ring(page, locator, label: str, margin: int = 8) -> None:
    """Focused, ``locator`` gets a ring: many pixels around it change strongly (>= 150/255)."""
    box = locator.bounding_box()
    clip = {"x": max(0, box["x"] - margin), "y": max(0, box["y"] - margin),
            "width": box["width"] + 2 * margin, "height": box["height"] + 2 * margin}
    focused = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("L")
    locator.evaluate("e => e.blur()")
    page.wait_for_timeout(100)
    plain = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("L")
    locator.focus()
    page.keyboard.press("Shift")
    changed = sum(1 for d in ImageChops.difference(focused, plain).getdata() if d >= 150)
    perimeter = 2 * (box["width"] + box["height"])
    assert changed >= perimeter, (
        f"{label}: only {changed} pixels change strongly when focused (ring: {perimeter:.0f}+)")


def test_pictures_say_what_they_show_and_sliders_have_names(dashboard):
    page = dashboard.page
    images = page.locator(".picture img")
    images.nth(1).wait_for()
    page.wait_for_function("() => [...document.querySelectorAll('.picture img')]"
                           ".every(i => (i.alt || '').startsWith('Step 0 of'))")
    crowd, curves = images.nth(0).get_attribute("alt"), images.nth(1).get_attribute("alt")
    assert "Seat map of 2,000 people" in crowd and "home stand" in crowd
    assert "Key numbers over time" in curves and "home valence" in curves
    page.get_by_role("button", name="Goal home", exact=True).click()
    dashboard.wait_step(1)
    page.wait_for_function("() => document.querySelector('.picture img').alt"
                           ".startsWith('Step 1 of')")
    home = dashboard.readout("home_valence")
    assert f"home valence from " in images.nth(1).get_attribute("alt")
    assert f"to {home:+.2f}" in images.nth(1).get_attribute("alt")

    thumbs = page.locator(".sidebar [role=slider]")
    names = [t.get_attribute("aria-label") for t in thumbs.all()]
    assert names and all(names), names
    assert "mirroring slider" in names and "rows slider" in names
    mirroring = page.locator(".param-mirroring [role=slider]")
    assert mirroring.get_attribute("aria-valuetext") == dashboard.field("mirroring").input_value()


def test_a_step_slower_than_300_ms_shows_that_it_is_busy(dashboard):
    """The note waits 0.3 s (a quick step shows none), then stays until the counter moves."""
    page = dashboard.page
    page.locator(".picture img").first.wait_for()
    note = page.locator(".step-wait")
    # a step asked for whose frame has not come yet: as a slow step looks to the page
    shown_after_ms = page.evaluate("""async () => {
        const start = performance.now();
        document.dispatchEvent(new CustomEvent('contagion-step'));
        for (;;) {
            await new Promise(requestAnimationFrame);
            const note = document.querySelector('.step-wait');
            if (note && getComputedStyle(note).visibility === 'visible') {
                return performance.now() - start;
            }
            if (performance.now() - start > 3000) return -1;
        }
    }""")
    assert 290 <= shown_after_ms <= 1500, shown_after_ms  # not before 0.3 s, then at once
    assert "Working on the next step" in note.inner_text()
    page.wait_for_timeout(500)
    assert note.is_visible()  # until the counter moves
    page.keyboard.press("ArrowRight")
    dashboard.wait_step(1)
    note.wait_for(state="detached", timeout=5_000)
