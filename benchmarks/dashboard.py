"""Benchmark of the dashboard in a real browser: Step latency and frames per second while playing.

Run from the repository root (needs /usr/bin/chromium)::

    uv run python benchmarks/dashboard.py              # 20 steps, 2 x 6 s of Play
    uv run python benchmarks/dashboard.py --steps 40 --seconds 10

It starts ``contagion dashboard`` on a free localhost port, opens it in
Chromium with every non-localhost request blocked, and measures on the default
stadium (football_crowd, 2,000 fans):

1. *Step*: the time from the click on Step to the step counter showing the new
   step, and to both pictures (seat map and curves) showing the new frame and
   being decoded. Clicks and timers run inside the page (``performance.now``),
   sampled every animation frame, so the figure includes the browser's
   round trip, the server's step and redraw, and the browser's decode and paint.
2. *Play*: frames per second of the seat map (image updates) and steps per
   second, at the default speed (10 steps/s) and at the slider's maximum (30).

The issue's targets: one Step including the redraw under 200 ms, and Play at
5 frames per second or more. Nothing is written to disk. Exit status 0 when
both targets are met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

from contagion.cli.dashboard import check_address, server_command

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STEP_TARGET_MS, FPS_TARGET = 200.0, 5.0

STEP_JS = """
async (n) => {
  const pictures = () =>
    Array.from(document.querySelectorAll('.view-image img, .series-image img'));
  const counter = () => document.querySelector('.step-counter').textContent;
  const frame = () => new Promise(requestAnimationFrame);
  const out = [];
  for (let i = 0; i < n; i++) {
    const before = counter(), srcs = pictures().map(p => p.src);
    const t0 = performance.now();
    document.querySelector('.step-button').click();
    let counted = null;
    for (;;) {
      await frame();
      if (counted === null && counter() !== before) counted = performance.now();
      const now = pictures();
      if (counted !== null && now.every((p, k) => p.src !== srcs[k] && p.complete)) break;
    }
    out.push([counted - t0, performance.now() - t0]);
    await new Promise(r => setTimeout(r, 150));
  }
  return out;
}
"""

PLAY_JS = """
async (ms) => {
  const img = document.querySelector('.view-image img');
  const steps = () => +document.querySelector('.step-counter').textContent.split(' ')[1];
  let frames = 0;
  const watch = new MutationObserver(() => frames++);
  watch.observe(img, {attributes: true, attributeFilter: ['src']});
  document.querySelector('.play-button').click();
  const started = performance.now();
  while (frames < 2) {
    if (performance.now() - started > 20000) return {error: 'Play showed no frames in 20 s'};
    await new Promise(r => setTimeout(r, 10));
  }
  frames = 0;
  const s0 = steps(), t0 = performance.now();
  await new Promise(r => setTimeout(r, ms));
  const result = {frames, steps: steps() - s0, seconds: (performance.now() - t0) / 1000};
  watch.disconnect();
  document.querySelector('.play-button').click();
  return result;
}
"""


def start_server():
    host, port = check_address("127.0.0.1", 0, expose=False)
    command, env = server_command(host, port)
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://{host}:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the dashboard server did not start") from None
            time.sleep(0.3)


def open_page(playwright, url, blocked):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    page = browser.new_page(viewport={"width": 1600, "height": 1000})

    def route(r):
        if r.request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(url)
    page.locator(".step-counter").wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    return browser, page


def set_speed(page, key: str | None) -> int:
    """Press ``key`` on the speed slider (None: leave it); return the speed it shows."""
    thumb = page.locator(".speed [role=slider]")
    if key:
        thumb.focus()
        thumb.press(key)
        page.wait_for_timeout(300)
    return int(thumb.get_attribute("aria-valuenow"))


def summary(values) -> str:
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
    return (f"mean {statistics.mean(values):6.1f}  median {statistics.median(values):6.1f}  "
            f"p90 {p90:6.1f}  max {values[-1]:6.1f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=20, help="Step clicks to time (default 20)")
    parser.add_argument("--seconds", type=float, default=6.0,
                        help="Play time per speed (default 6)")
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    print(f"Machine: {platform.platform()}, {os.cpu_count()} logical cores, "
          f"load average {os.getloadavg()[0]:.2f}; Python {platform.python_version()}")
    server, url = start_server()
    blocked: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser, page = open_page(playwright, url, blocked)
            page.evaluate(STEP_JS, 3)  # warm up: first frames build caches
            times = page.evaluate(STEP_JS, args.steps)
            counter_ms, full_ms = [t[0] for t in times], [t[1] for t in times]
            print(f"\nStep on football_crowd (2,000 fans), {args.steps} clicks, ms:")
            print(f"  click -> step counter updated        {summary(counter_ms)}")
            print(f"  click -> both pictures redrawn       {summary(full_ms)}")
            plays = []
            for key in (None, "End"):  # the default speed, then the slider's maximum
                speed = set_speed(page, key)
                result = page.evaluate(PLAY_JS, int(args.seconds * 1000))
                if "error" in result:
                    raise SystemExit(result["error"])
                fps = result["frames"] / result["seconds"]
                plays.append(fps)
                print(f"\nPlay at speed {speed} steps/s for {result['seconds']:.1f} s: "
                      f"{fps:.1f} frames/s, {result['steps'] / result['seconds']:.1f} steps/s")
                page.wait_for_timeout(500)
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server group this script started
        server.wait(timeout=15)
    step_ok = statistics.mean(full_ms) < STEP_TARGET_MS
    fps_ok = plays[0] >= FPS_TARGET
    print(f"\nStep incl. redraw, mean {statistics.mean(full_ms):.0f} ms: "
          f"{'PASS' if step_ok else 'FAIL'} (< {STEP_TARGET_MS:.0f} ms required)")
    print(f"Play at the default speed, {plays[0]:.1f} frames/s: "
          f"{'PASS' if fps_ok else 'FAIL'} (>= {FPS_TARGET:.0f} required)")
    print(f"Non-local requests attempted: {len(blocked)}")
    return 0 if step_ok and fps_ok and not blocked else 1


if __name__ == "__main__":
    sys.exit(main())
