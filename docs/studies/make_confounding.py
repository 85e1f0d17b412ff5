"""Figures and generated tables of docs/studies/confounding.md.

Run from the repository root::

    uv run python docs/studies/make_confounding.py              # the default run (about a minute)
    uv run python docs/studies/make_confounding.py --calibrate  # also the calibration grids (slow)

The default run is ``contagion study confounding`` with its defaults (seed 0): it
writes ``docs/figures/confounding.png`` and ``docs/figures/confounding-workshop.png``
and refreshes the blocks between ``<!-- BEGIN name -->`` and ``<!-- END name -->`` in
the page: ``fields`` (every design number), ``table`` (the result), ``verdict`` (the
printed verdict), ``closeness`` (truth 1 against the published figures) and
``runtime``. ``--calibrate`` also
refreshes ``calibration``: the grids behind the default design, each point averaged
over seeds 0 and 1.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from contagion import studies
from contagion.experiments.studies.calibrate import calibrate, distance_to_published
from contagion.experiments.studies.design import FIELDS, Design
from contagion.output import save_figure

DOCS = Path(__file__).resolve().parents[1]
PAGE = DOCS / "studies" / "confounding.md"
FIGURES = DOCS / "figures"
#: The grids behind the default design: one or two knobs per truth.
GRIDS = {
    "contagion": {"mirroring_per_week": [1.0, 1.5, 2.0, 3.0], "mood_noise": [0.25, 0.3, 0.35]},
    "homophily": {"homophily_share": [0.4, 0.5, 0.6]},
    "environment": {"climate_sd": [0.2, 0.25, 0.3]},
}
CALIBRATION_SEEDS = (0, 1)


def fields_table() -> str:
    """Markdown table of every design number: name, default, range, meaning."""
    lines = ["| name | default | range | meaning |", "|---|---|---|---|"]
    for f in FIELDS.values():
        lines.append(f"| `{f.name}` | {f.default:g} | {f.low:g} to {f.high:g} | {f.description} |")
    return "\n".join(lines)


def result_table(table: pd.DataFrame) -> str:
    """Markdown table of the study's result, one row per truth, estimator and distance."""
    lines = ["| truth | estimator | distance | estimate % | 95% CI | true effect % |",
             "|---|---|---|---|---|---|"]
    for r in table.itertuples():
        true = "" if pd.isna(r.true_effect) else f"{r.true_effect:+.1f}"
        lines.append(f"| {r.truth} | {r.estimator} | {r.distance} | {r.estimate:+.1f} | "
                     f"{r.ci_low:+.1f} to {r.ci_high:+.1f} | {true} |")
    return "\n".join(lines)


def closeness(table: pd.DataFrame) -> str:
    """Truth 1's observational estimates against Fowler & Christakis's, distance by distance."""
    rows = table[(table["truth"] == "contagion") & (table["estimator"] == "observational")]
    found = rows.set_index("distance")
    lines = ["| distance | published % | contagion only: estimate % (95% CI) | difference |",
             "|---|---|---|---|"]
    for d, value in studies.PUBLISHED.items():
        r = found.loc[d]
        lines.append(f"| {d} | {value:.1f} | {r.estimate:.1f} ({r.ci_low:.1f} to {r.ci_high:.1f}) "
                     f"| {r.estimate - value:+.1f} |")
    rms = distance_to_published({d: found.loc[d, "estimate"] for d in studies.PUBLISHED})
    lines += ["", f"Root mean square difference over distances 1-3: {rms:.1f} percentage points."]
    return "\n".join(lines)


def markdown(frame: pd.DataFrame) -> str:
    """A DataFrame as a Markdown table (numbers as pandas prints them)."""
    rows = [[str(x) for x in frame.columns]] + [[f"{x:g}" for x in r] for r in frame.to_numpy()]
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join([lines[0], "|" + "---|" * len(frame.columns), *lines[1:]])


def _point(row: pd.Series, names) -> str:
    return ", ".join(f"{name}={row[name]:g}" for name in names)


def calibration_tables(progress: bool = True) -> str:
    """The calibration grids, one table per truth, and where the default design sits in each."""
    design, parts = Design(), []
    for truth, grid in GRIDS.items():
        table = calibrate(grid, seeds=CALIBRATION_SEEDS, truth=truth, progress=progress)
        best = table.loc[table["rms"].idxmin()]
        default = table[np.logical_and.reduce([np.isclose(table[n], getattr(design, n))
                                               for n in grid])]
        parts += [f"**{truth}** (mean over seeds {', '.join(map(str, CALIBRATION_SEEDS))}):", "",
                  markdown(table.round(2)), ""]
        where = (f"the default design's point ({_point(default.iloc[0], grid)}) has rms "
                 f"{default['rms'].iloc[0]:.2f}" if len(default) else "the default design is "
                 "not a point of this grid")
        parts += [f"Best point: {_point(best, grid)} (rms {best['rms']:.2f}); {where}.", ""]
    return "\n".join(parts)


def refresh(block: str, text: str) -> None:
    """Replace the generated ``block`` of the page with ``text``."""
    pattern = re.compile(rf"(<!-- BEGIN {block} -->\n).*?(<!-- END {block} -->)", re.DOTALL)
    old = PAGE.read_text(encoding="utf-8")
    if not pattern.search(old):
        raise SystemExit(f"{PAGE} has no block {block!r}")
    new = pattern.sub(lambda m: m[1] + text.strip() + "\n" + m[2], old)
    if new != old:
        PAGE.write_text(new, encoding="utf-8")


def workshop_picture() -> None:
    """The workshop view's picture after the reveal (round 0), as the room sees it."""
    from contagion.experiments.studies.workshop import workshop_round
    from dashboards.confounding import draw_round

    game = workshop_round(0)
    path = FIGURES / "confounding-workshop.png"
    path.write_bytes(draw_round(game, revealed=True))


def main(argv: list[str]) -> None:
    started = time.perf_counter()
    result = studies.confounding(seed=0, progress=True)
    seconds = time.perf_counter() - started
    save_figure(result.figure(), FIGURES / "confounding.png")
    refresh("fields", fields_table())
    refresh("table", result_table(result.table))
    refresh("closeness", closeness(result.table))
    refresh("verdict", "```\n" + result.verdict() + "\n```")
    refresh("runtime", f"The default run took {seconds:.0f} s on the machine that last "
                       f"regenerated this page ({os.cpu_count()} cores).")
    workshop_picture()
    if "--calibrate" in argv:
        refresh("calibration", calibration_tables())
    print(result.verdict())


if __name__ == "__main__":
    main(sys.argv[1:])
