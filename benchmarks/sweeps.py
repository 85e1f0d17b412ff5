"""Benchmark of sweeps (issue 4): runs per second of ``contagion.sweep`` vs ``mesa.batch_run``.

Run from the repository root::

    uv run python benchmarks/sweeps.py            # full: 200 runs of football_crowd, ~4 minutes
    uv run python benchmarks/sweeps.py --quick    # smoke test: 20 small runs, ~30 s

The sweep: ``football_crowd`` at its default size (2,000 fans, 95 steps), mirroring
at 10 values from 0 to 0.6, 20 replicates each: 200 runs, metrics collected every
step, only the final row kept. It is timed

1. with ``contagion.sweep(..., jobs=1)`` (in this process),
2. with ``contagion.sweep(..., jobs=2)`` (two spawned worker processes; the time
   includes starting them, since a user waits for that too),
3. with ``mesa.batch_run(scenario.model_class(), ...)`` on the same 200 parameter
   combinations with the vectorised engine (``number_processes=1``),
4. with ``mesa.batch_run`` and ``engine="agents"`` (every agent's own ``step``). That
   engine is about 100x slower, so only the first ``--agents-runs`` runs (default 4)
   are timed and the time for 200 runs is extrapolated from them.

batch_run gets explicit seeds (``rng=[...]``, 20 of them crossed with the 10
mirroring values), so its runs are not the sweep's runs but the same amount of work.
The agents engine must end each run where the vectorised one ends (checked).
Nothing is written to disk. Exit status 0 when the checks pass, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import mesa
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from engine import machine  # noqa: E402 - the same machine report as the engine benchmark

import scenarios  # noqa: E402
from contagion import sweep  # noqa: E402

#: Agents and vectorised engine must end a run within this (float64, same seed).
AGREEMENT = 1e-9
FULL = {"values": 10, "reps": 20, "overrides": {}}
QUICK = {"values": 4, "reps": 5, "overrides": {"rows": 10, "cols": 20}}
METRICS = ["home_valence", "away_valence", "home_arousal"]


def _timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def time_sweeps(scenario, grid: dict, reps: int) -> dict:
    """Both sweeps; checks that they give the same table."""
    kwargs = dict(reps=reps, seed=2026, progress=False)
    one, t1 = _timed(lambda: sweep(scenario, grid, jobs=1, **kwargs))
    two, t2 = _timed(lambda: sweep(scenario, grid, jobs=2, **kwargs))
    # start-up alone: two workers, two runs of 0 steps (one model build each)
    _, startup = _timed(lambda: sweep(scenario, {"mirroring": [0.1, 0.2]}, steps=0, jobs=2,
                                      progress=False))
    same = one.equals(two)
    return {"runs": len(one), "jobs1": t1, "jobs2": t2, "startup": startup, "same_table": same}


def time_batch_run(scenario, values: list, reps: int, overrides: dict, engine: str,
                   limit: int | None = None) -> tuple[list[dict], float, int]:
    """batch_run over mirroring values x seeds; with ``limit``, only that many runs."""
    seeds = list(range(reps))
    mirroring = values
    if limit is not None:  # one mirroring value, the first ``limit`` seeds
        mirroring, seeds = values[:1], seeds[:limit]
    parameters = {"mirroring": mirroring, "engine": engine, **overrides}
    results, seconds = _timed(lambda: mesa.batch_run(
        scenario.model_class(), parameters=parameters, rng=seeds,
        max_steps=scenario.steps, data_collection_period=-1, number_processes=1,
        display_progress=False))
    return results, seconds, len(results)


def _agreement(agents: list[dict], vectorized: list[dict]) -> float:
    key = lambda r: (r["mirroring"], r["rng"])  # noqa: E731
    reference = {key(r): r for r in vectorized}
    return max(abs(r[m] - reference[key(r)][m]) for r in agents for m in METRICS)


def _report(info: dict, figures: dict, agents_runs: int) -> None:
    print("\nMachine:")
    for key, value in info.items():
        print(f"  {key:<13} {value}")
    base = figures["runs"] / figures["jobs1"]
    rows = [
        ("contagion.sweep, jobs=1", figures["runs"], figures["jobs1"]),
        ("contagion.sweep, jobs=2 (incl. worker start-up)", figures["runs"], figures["jobs2"]),
        ("mesa.batch_run, vectorised engine", figures["runs"], figures["batch_vec"]),
        (f"mesa.batch_run, agents engine ({agents_runs} runs timed, extrapolated)",
         figures["runs"], figures["batch_agents_200"]),
    ]
    print(f"\n{figures['runs']} runs of football_crowd "
          f"({figures['agents']} agents, {figures['steps']} steps):")
    print(f"  {'how':<62} {'s total':>9} {'runs/s':>8} {'vs jobs=1':>10}")
    for label, runs, seconds in rows:
        rate = runs / seconds
        print(f"  {label:<62} {seconds:>9.1f} {rate:>8.2f} {rate / base:>9.2f}x")
    print(f"\n  sweep jobs=2 / jobs=1 speed-up: {figures['jobs1'] / figures['jobs2']:.2f}x; "
          f"without the {figures['startup']:.1f} s worker start-up: "
          f"{figures['jobs1'] / max(figures['jobs2'] - figures['startup'], 1e-9):.2f}x")
    print(f"  sweep jobs=1 / batch_run vectorised: {figures['batch_vec'] / figures['jobs1']:.2f}x")
    print(f"  sweep jobs=1 / batch_run agents engine: "
          f"{figures['batch_agents_200'] / figures['jobs1']:.0f}x")
    print(f"  agents engine, seconds per run: {figures['agents_per_run']:.2f} "
          f"(timed {agents_runs} runs: {figures['batch_agents']:.1f} s)")
    print(f"  jobs=1 and jobs=2 tables equal: {figures['same_table']}")
    print(f"  agents vs vectorised engine, max abs difference of {', '.join(METRICS)} at the "
          f"end: {figures['agreement']:.1e} (required <= {AGREEMENT:g})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke test")
    parser.add_argument("--agents-runs", type=int, default=4,
                        help="runs to time with the agents engine (default 4)")
    args = parser.parse_args(argv)
    setup = QUICK if args.quick else FULL
    scenario = scenarios.get("football_crowd").replace(**setup["overrides"])
    values = [float(f"{x:.12g}") for x in np.linspace(0, 0.6, setup["values"])]
    info = machine()
    sweep(scenario, {"mirroring": [0.1]}, steps=2, progress=False)  # imports, caches: untimed
    figures = time_sweeps(scenario, {"mirroring": values}, setup["reps"])
    vectorized, figures["batch_vec"], _ = time_batch_run(scenario, values, setup["reps"], {},
                                                         "vectorized")
    agents, figures["batch_agents"], timed = time_batch_run(
        scenario, values, setup["reps"], {}, "agents", limit=args.agents_runs)
    figures["agents_per_run"] = figures["batch_agents"] / timed
    figures["batch_agents_200"] = figures["agents_per_run"] * figures["runs"]
    figures["agreement"] = _agreement(agents, vectorized)
    figures["agents"] = scenario.build(0, space=False).n_agents
    figures["steps"] = scenario.steps
    _report(info, figures, timed)
    ok = figures["same_table"] and figures["agreement"] <= AGREEMENT
    print("\nPASS" if ok else "\nFAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
