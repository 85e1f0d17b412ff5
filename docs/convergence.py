"""Convergence of every documented finding in the integrator's tolerance and in dt.

Each finding of ``docs/findings.py`` (full model and its social part, full minus the
fair null on the same seed) is computed on seeds 0-2 at the default tolerance and at
half, a quarter and an eighth of it (twice, four and eight times the sub-steps), at
the scenario's own dt. The integrator is of order 2, so the limit is estimated by
Richardson extrapolation from the two finest, ``f(t/8) + (f(t/8) - f(t/4)) / 3``, and
a finding passes when its value at the default tolerance lies within
``max(0.005, 5 % of the limit)`` of it.

Then the same in the step ``dt`` (real time: every event, window and choice stays at
its time when dt changes): each finding at the scenario's dt and at dt/2, dt/4, dt/8
with noise 0 (so the runs at different steps share the same people and the same
choices), the limit extrapolated at first order, ``f(dt/8) + (f(dt/8) - f(dt/4))``,
because what depends on dt now is sampling (rows an outcome averages, a held pin), not
the integration.

Only the mirroring rule is integrated this way; the excitable and SISa rules
(mexican_wave, happiness_framingham) step discrete states once per step and are not in
the table (their dependence on dt is on their pages).

    uv run python docs/convergence.py                  # writes docs/convergence.md
    uv run python docs/convergence.py leader_team      # prints one scenario's rows
"""

from __future__ import annotations

import functools
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import findings  # noqa: E402  (docs/findings.py: the documented findings)

import scenarios  # noqa: E402
from contagion import rules  # noqa: E402

SEEDS = range(3)
FACTORS = (1, 2, 4, 8)  # tolerance = default / factor
_TOLERANCE = [rules.TOLERANCE]  # what the findings' runs use now


@functools.lru_cache(maxsize=1024)
def _frame(toml: str, seed: int, null: str | None, tolerance: float):
    scenario = scenarios.loads(toml)
    model = scenario.build(seed, null=null)
    model.tolerance = tolerance
    return model.run(scenario.steps)


def _tolerant_frame(scenario, seed, null):
    return _frame(scenario.to_toml(), seed, null, _TOLERANCE[0])


findings.frame = _tolerant_frame  # every finding reads its runs through this


def mirroring_scenarios() -> list[str]:
    return [name for name in findings.FINDINGS if scenarios.get(name).rule == "mirroring"]


def rows_for(name: str, axis: str = "tolerance") -> list[dict]:
    """One row per finding and quantity (full, social part) with its values per tolerance
    (``axis="tolerance"``) or per step (``axis="dt"``, noise 0)."""
    scenario = scenarios.get(name)
    rows = []
    for finding in findings.FINDINGS[name]:
        per = {"full": [], "social part": []}
        for factor in FACTORS:
            at = scenario  # the scenario as the finding sees it (its outcomes read its dt)
            if axis == "tolerance":
                _TOLERANCE[0] = scenario.tolerance / factor
            else:
                _TOLERANCE[0] = scenario.tolerance
                at = scenario.replace(dt=scenario.dt / factor, noise=0.0)
            full = np.array([finding.compute(at, s, None) for s in SEEDS], dtype=float)
            null = np.array([finding.compute(at, s, "social") for s in SEEDS], dtype=float)
            per["full"].append(float(np.nanmean(full)))
            per["social part"].append(float(np.nanmean(full - null)))
        for quantity, values in per.items():
            order = 2 if axis == "tolerance" else 1
            limit = values[-1] + (values[-1] - values[-2]) / (2 ** order - 1)
            error = abs(values[0] - limit)
            allowed = max(0.005, 0.05 * abs(limit))
            rows.append({"scenario": name, "finding": finding.label, "quantity": quantity,
                         "tolerance": scenario.tolerance if axis == "tolerance" else scenario.dt,
                         "values": values, "limit": limit,
                         "error": error, "allowed": allowed,
                         "ok": bool(error <= allowed) if np.isfinite(error) else None})
    _TOLERANCE[0] = rules.TOLERANCE
    return rows


def _n(x: float) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:+.4f}" if abs(x) < 10 else f"{x:+.2f}"


def table(rows: list[dict], axis: str = "tol") -> str:
    head = " | ".join(f"{axis} / {f}" for f in FACTORS[1:])
    lines = [f"| scenario | finding | quantity | {axis} | at {axis} | {head} | limit | error at "
             f"{axis} | allowed | within |", "|---" * (8 + len(FACTORS) - 1) + "|"]
    for r in rows:
        values = " | ".join(_n(v) for v in r["values"])
        within = "n/a" if r["ok"] is None else "yes" if r["ok"] else "**no**"
        error = f"{r['error']:.1e}" if np.isfinite(r["error"]) else "n/a"
        lines.append(f"| {r['scenario']} | {r['finding']} | {r['quantity']} | {r['tolerance']:g} "
                     f"| {values} | {_n(r['limit'])} | {error} | {r['allowed']:.3f} | {within} |")
    return "\n".join(lines)


PAGE = """# Convergence of the findings

Generated by `uv run python docs/convergence.py` ({seconds:.0f} s on this machine);
do not edit by hand.

The mirroring rule is integrated in sub-steps whose length the tolerance sets (see
[model.md](model.md), "One step"). Every documented finding of `docs/findings.py` is
computed here on seeds {seeds} at the scenarios' own dt with the scenario's tolerance
(default {tolerance:g}) and with half, a quarter and an eighth of it; the integrator is of
order 2, so the limit is extrapolated from the two finest (Richardson). A finding is
converged when its value at the default tolerance lies within max(0.005, 5 % of the
limit) of that limit.

**{passed} of {total}** rows with a value are within that bound; the one closest to
its bound is {largest_row} (error {largest:.1e}, allowed {allowed:.3f}). Rows marked n/a have no value
(a lag is undefined in the null, where nobody follows the speaker). A scenario whose
findings need finer sub-steps declares its own `tolerance` (sad_film: 0.25); the table
gives it in the column "tol".

What this does not show: the excitable and SISa rules (mexican_wave,
happiness_framingham) step discrete states once per step, so their results depend on
dt through the step itself (on their pages).

{table}

## In the step dt

Every time a scenario declares is real ([scenario-files.md](scenario-files.md), "Time is
real"), so a run at dt/2 has the same events, windows and choices as one at dt. Here
each finding is computed at the scenario's own dt and at dt/2, dt/4 and dt/8, with
noise 0 so that the runs share the same people, the same stories and matches, and the
same choices (noise is a fresh draw per step, so with it two step lengths would give two
different sample paths). What still depends on dt is sampling: the rows an outcome
averages or takes the lowest of, a pinned script read at each step, an event's edges
rounded to the nearest step. That is first order, so the limit is extrapolated from the
two finest at first order, `f(dt/8) + (f(dt/8) - f(dt/4))`, with the same bound
max(0.005, 5 % of the limit).

**{dt_passed} of {dt_total}** rows with a value are within that bound at the scenario's
own dt.{dt_failed}

{dt_table}
"""


def main(names: list[str]) -> None:
    start = time.process_time()
    rows = [row for name in names for row in rows_for(name)]
    dt_rows = [row for name in names for row in rows_for(name, "dt")]
    if len(names) < len(mirroring_scenarios()):
        print(table(rows))
        print(table(dt_rows, "dt"))
        return
    dt_valued = [r for r in dt_rows if r["ok"] is not None]
    failed = [r for r in dt_valued if not r["ok"]]
    dt_failed = ("" if not failed else " Outside it: " + "; ".join(
        f"{r['scenario']}: {r['finding']}, {r['quantity']} (error {r['error']:.1e}, allowed "
        f"{r['allowed']:.3f})" for r in failed) + ". These findings need a finer step than "
        "the scenario's own to be stated to that precision.")
    valued = [r for r in rows if r["ok"] is not None]
    worst = max(valued, key=lambda r: r["error"] / r["allowed"])
    page = PAGE.format(seconds=time.process_time() - start,
                       seeds=f"{SEEDS.start}-{SEEDS.stop - 1}", tolerance=rules.TOLERANCE,
                       passed=sum(r["ok"] for r in valued), total=len(valued),
                       largest=worst["error"], allowed=worst["allowed"],
                       largest_row=f"{worst['scenario']}: {worst['finding']}, {worst['quantity']}",
                       table=table(rows), dt_passed=sum(r["ok"] for r in dt_valued),
                       dt_total=len(dt_valued), dt_failed=dt_failed,
                       dt_table=table(dt_rows, "dt"))
    (Path(__file__).parent / "convergence.md").write_text(page, encoding="utf-8")
    print(f"wrote docs/convergence.md: {sum(bool(r['ok']) for r in rows)} of "
          f"{sum(r['ok'] is not None for r in rows)} within bound in tolerance, "
          f"{len(dt_valued) - len(failed)} of {len(dt_valued)} in dt")


if __name__ == "__main__":
    main(sys.argv[1:] or mirroring_scenarios())
