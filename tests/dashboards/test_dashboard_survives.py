"""In a real browser: a crash and restart with the page open, exports the CLI reruns, the split stage."""

from __future__ import annotations

import io
import time

import numpy as np
import pandas as pd
import pytest
from conftest import free_port, start_dashboard, stop_dashboard

import contagion  # noqa: F401  (the engine first: `import scenarios` alone hits an import cycle)
import scenarios
from contagion.cli import main
from dashboards.session import NULL_LABELS, build_null

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


def test_a_crashed_server_restarts_at_once_and_the_open_page_recovers(window):
    port = free_port()
    server = start_dashboard(port)
    try:
        board = window(1280, 720, "scenario=sad_film&seed=7&mirroring=0.55",
                       url=f"http://127.0.0.1:{port}/")
        page = board.page
        page.locator(".step-button").click()
        board.wait_step(1)
        page.evaluate("() => { window.notReloaded = true; }")
        address = page.url
        stop_dashboard(server, kill=True)  # a crash, with the page open and connected
        banner = page.locator(".offline-banner")  # unmistakable: large, and Play is off
        banner.wait_for(timeout=10_000)
        assert "reconnecting" in banner.inner_text()
        assert float(banner.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 24
        assert page.locator(".play-button").is_disabled()
        assert page.locator(".step-button").is_disabled()
        # at once, on the same port: "Address already in use" would end the process here
        server = start_dashboard(port)
        started = time.monotonic()
        board.wait_step(0)  # the app ran again: a fresh model of the same scenario...
        board.wait_idle()
        recovered_s = time.monotonic() - started
        assert page.evaluate("() => window.notReloaded === true")  # ...without a reload
        assert page.url == address
        assert page.locator(".scenario-title").inner_text() == scenarios.get("sad_film").title
        assert board.field("mirroring").input_value() == "0.55"
        assert board.field("seed (applies on Reset)").input_value() == "7"
        banner.wait_for(state="detached")
        assert not page.locator(".play-button").is_disabled()
        page.locator(".step-button").click()  # and it works
        board.wait_step(1)
    finally:
        stop_dashboard(server)
    assert recovered_s < 30, f"the page took {recovered_s:.0f} s to come back"


def _run_cli(tmp_path, capsys, toml, *extra) -> str:
    out = tmp_path / "cli.csv"
    assert main(["run", str(toml), "--no-progress", "--out", str(out), *extra]) == 0
    capsys.readouterr()
    return out.read_text()


def test_export_run_with_the_cli_gives_the_same_csv(window, tmp_path, capsys):
    board = window(1600, 1000, "scenario=football_crowd&seed=4")
    page = board.page
    board.type_into("mirroring", "2.5")  # at step 0: the crowd is built with it
    for _ in range(3):
        page.locator(".step-button").click()
    board.wait_step(3)
    page.get_by_role("button", name="Goal away", exact=True).click()  # plays step 4
    board.wait_step(4)
    board.type_into("rows", "12")  # pending: not in the run, named in the file
    toml = tmp_path / "room.toml"
    toml.write_bytes(board.download("Scenario (TOML)").read_bytes())
    csv = board.download("Run so far (CSV)").read_text()
    text = toml.read_text()
    assert "Pending, not in this run (Reset applies them): rows = 12." in text
    assert "'Goal away' at step 3" in text and scenarios.load(toml).seed == 4
    assert _run_cli(tmp_path, capsys, toml, "--steps", "4") == csv


def test_split_stage_left_and_right_differ_only_by_contagion(window, tmp_path, capsys):
    board = window(1280, 720, "scenario=leader_team&seed=3&present=1")
    page = board.page
    page.get_by_text("Split stage", exact=True).click()
    page.locator(".readout-null").first.wait_for()
    board.wait_idle()
    page.locator(".step-button").click()
    board.wait_step(1)
    page.get_by_role("button", name="Leader: grumpy").click()
    board.wait_step(2)
    page.locator(".step-button").click()
    board.wait_step(3)
    assert "split=1" in page.url
    toml = tmp_path / "split.toml"
    toml.write_bytes(board.download("Scenario (TOML)").read_bytes())
    csv = board.download("Run so far (CSV)").read_text()
    cli = _run_cli(tmp_path, capsys, toml, "--null", "--steps", "3").splitlines(keepends=True)
    # both sides, as the CLI's full and no_social models (it adds no_stimulus as well)
    assert "".join(line for line in cli if not line.endswith(",no_stimulus\n")) == csv

    frame = pd.read_csv(io.StringIO(csv))
    left, right = (frame[frame["model"] == label].reset_index(drop=True) for label in NULL_LABELS)
    assert list(left["step"]) == list(right["step"]) == [0, 1, 2, 3]
    scenario = scenarios.load(toml)  # the pressed button is one of its events, at its step
    null, full = build_null(scenario, 3, {}), scenario.build(3)
    assert not null.social and null.stimuli  # the fair null: people cut, stimuli kept
    for model, side in ((null, right), (full, left)):
        model.run(3)
        expected = model.dataframe()
        for column in scenario.key_metrics:
            assert np.allclose(side[column], expected[column], rtol=0, atol=1e-12), column
    assert not np.allclose(left["member_valence"], right["member_valence"])
