"""The dashboard screenshots in the docs: presentation mode at 1280x720, as a projector shows it.

Run from the repository root (needs /usr/bin/chromium)::

    uv run python docs/dashboard_screenshots.py

It serves ``contagion dashboard`` on a free localhost port, opens it in
Chromium with every non-localhost request blocked, plays each scenario to the
step named below and writes ``docs/figures/dashboard-<name>.png``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from contagion.cli.dashboard import CHROMIUM, CHROMIUM_FLAGS, offline_page, serve_locally

FIGURES = Path(__file__).resolve().parent / "figures"
#: file name -> (page address, buttons to press at given steps, step to stop at)
SHOTS = {
    "football": ("scenario=football_crowd&present=1", {}, 100),
    "split": ("scenario=football_crowd&present=1&split=1", {}, 100),
    "leader_team": ("scenario=leader_team&present=1&split=1", {5: "Leader: grumpy"}, 30),
}
READY = """() => {
  const metas = document.querySelectorAll('.picture-meta');
  const stage = document.querySelector('.stage');
  if (metas.length !== 2 || !stage || document.querySelector('.status.busy')) return false;
  const sizes = [...metas].map(m => JSON.parse(m.textContent));
  const box = stage.getBoundingClientRect();
  return Math.abs(sizes[0].width + sizes[1].width + 12 - box.width) < 6
      && sizes.every(m => Math.abs(m.height - box.height) < 6);
}"""


def step_to(page, target: int, presses: dict[int, str]) -> None:
    """Step until ``target``, pressing each button when its step is reached."""
    step = lambda: int(page.locator(".step-now").inner_text().split()[-1])  # noqa: E731
    while (now := step()) < target:
        if now in presses:
            page.get_by_role("button", name=presses.pop(now)).click()
        else:
            page.locator(".step-button").click()
        page.wait_for_function("n => +document.querySelector('.step-now').textContent"
                               ".split(' ')[1] > n", arg=now)


def main() -> int:
    from playwright.sync_api import sync_playwright

    with serve_locally() as url:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            for name, (search, presses, target) in SHOTS.items():
                page = offline_page(browser, {"width": 1280, "height": 720})
                page.goto(f"{url}?{search}")
                page.wait_for_function(READY, timeout=120_000)
                step_to(page, target, dict(presses))
                page.wait_for_function(READY, timeout=60_000)
                page.wait_for_timeout(500)  # the last frame painted
                path = FIGURES / f"dashboard-{name}.png"
                page.screenshot(path=str(path))
                print(f"wrote {path}")
                page.context.close()
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
