"""Benchmark of ensembles (issue 10): runs per second of sweeps with and without batching.

Run from the repository root::

    uv run python benchmarks/ensemble.py            # full: about 5 minutes of CPU
    uv run python benchmarks/ensemble.py --quick    # smoke test: about 40 s of CPU

In one process, on one core (``jobs=1``), each case runs the same sweep twice:

- **batched**: ``contagion.sweep(...)`` as it runs by default, chunks of runs advanced
  as one ensemble (automatic ``batch_size``);
- **one at a time**: ``contagion.sweep(..., batch=False)``, one model per run, on
  the same grid with fewer replicates (the per-run path is too slow for the full
  count; runs per second is what is compared).

The cases: ``leader_team`` (9 people, 60 steps; 10 mirroring values x 1,000
replicates = 10,000 runs batched), a Sobol' design on ``leader_team`` (SALib's
Saltelli sample of 4 parameters, 512 base samples = 3,072 runs, evaluated with
:func:`contagion.experiments.sensitivity.scenario_function`), ``borderline_profile``
(200 people, 120 steps; 200 runs) and ``football_crowd`` (2,000 fans, 190 steps;
200 runs). Both CPU time (``time.process_time``: this process only, what the ratios
use, since the machine is shared) and wall time are reported.

Checks: every run made one at a time equals the same run (same ``run_id``) in the
batched sweep to 1e-12 in every column; the Sobol' rows likewise.

Memory: a ``leader_team`` sweep streamed to a temporary Parquet folder (as a
100,000-run sweep would be) runs in a child process at two sizes; their peak resident
memory (VmHWM) is printed. A bounded sweep holds one chunk at a time, so the two
peaks are about equal.

Where the time goes: one batched chunk of each scenario under cProfile, split into
building the runs' arrays, stepping, collecting metrics and outcomes.

Exit status 0 when the checks pass, 1 otherwise.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from engine import machine, peak_rss_mb  # noqa: E402 - the engine benchmark's machine report

import scenarios  # noqa: E402
from contagion import sweep  # noqa: E402
from contagion.experiments.ensemble import auto_batch_size, simulate  # noqa: E402
from contagion.experiments.sensitivity import scenario_function  # noqa: E402
from scenarios.batch import RunBuilder  # noqa: E402

TOLERANCE = 1e-12
MIRRORING = [round(float(x), 3) for x in np.linspace(0.05, 0.5, 10)]
#: name: scenario, grid, replicates batched, replicates one at a time, overrides
FULL = {
    "leader_team": ("leader_team", {"mirroring": MIRRORING}, 1000, 5, {}),
    "borderline_profile": ("borderline_profile", {"profile_share": [0.0, 0.25, 0.5, 0.75]},
                           50, 3, {}),
    "football_crowd": ("football_crowd", {"mirroring": MIRRORING}, 20, 2, {}),
}
QUICK = {
    "leader_team": ("leader_team", {"mirroring": MIRRORING}, 100, 1, {}),
    "borderline_profile": ("borderline_profile", {"profile_share": [0.0, 0.5]}, 10, 1,
                           {"n_agents": 60}),
    "football_crowd": ("football_crowd", {"mirroring": MIRRORING[:2]}, 4, 1,
                       {"rows": 10, "cols": 20}),
}
#: Sobol' design on leader_team: parameters and ranges, base samples (full, quick),
#: rows evaluated one at a time.
SOBOL = {"mirroring": (0.05, 0.6), "leader_mood": (-0.9, 0.9), "regulation": (0.0, 0.05),
         "leader_expressiveness": (0.5, 1.0)}
SOBOL_SAMPLES = {"full": 512, "quick": 64}
SOBOL_ALONE = {"full": 48, "quick": 12}
#: Memory check: leader_team runs streamed to disk in a child process (small, large).
MEMORY_RUNS = {"full": (1_000, 10_000, 100_000), "quick": (500, 3_000)}


def _timed(function):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _rates(n_batched, wall_b, cpu_b, n_alone, wall_a, cpu_a) -> dict:
    return {"runs_batched": n_batched, "runs_alone": n_alone,
            "batched_runs_per_s_cpu": n_batched / cpu_b,
            "batched_runs_per_s_wall": n_batched / wall_b,
            "alone_runs_per_s_cpu": n_alone / cpu_a, "alone_runs_per_s_wall": n_alone / wall_a,
            "ratio_cpu": (n_batched / cpu_b) / (n_alone / cpu_a),
            "ratio_wall": (n_batched / wall_b) / (n_alone / wall_a)}


def _max_difference(batched, alone) -> float:
    """Largest absolute difference over the runs both tables hold (matched on run_id)."""
    merged = alone.merge(batched, on="run_id", suffixes=("", "__b"))
    if len(merged) != len(alone):
        return float("inf")
    worst = 0.0
    for column in alone.columns:
        other = f"{column}__b"
        if other not in merged or not np.issubdtype(merged[column].dtype, np.number):
            continue
        a, b = merged[column].to_numpy(float), merged[other].to_numpy(float)
        same_nan = np.isnan(a) & np.isnan(b)
        if (np.isnan(a) != np.isnan(b)).any():
            return float("inf")
        worst = max(worst, float(np.abs(np.where(same_nan, 0.0, a - b)).max(initial=0.0)))
    return worst


def time_sweep(name, grid, reps, reps_alone, overrides) -> dict:
    scenario = scenarios.get(name)
    full_grid = {**grid, **overrides}
    kwargs = dict(seed=2026, progress=False, jobs=1)
    sweep(scenario, full_grid, reps=1, steps=2, **kwargs)  # imports, caches: not timed
    batched, wall_b, cpu_b = _timed(lambda: sweep(scenario, full_grid, reps=reps, **kwargs))
    alone, wall_a, cpu_a = _timed(lambda: sweep(scenario, full_grid, reps=reps_alone,
                                                batch=False, **kwargs))
    n_agents = len(RunBuilder(scenario).spec(overrides, 1).valence)
    return {"case": name, "agents": n_agents, "steps": scenario.steps,
            "batch_size": auto_batch_size(n_agents),
            **_rates(len(batched), wall_b, cpu_b, len(alone), wall_a, cpu_a),
            "max_difference": _max_difference(batched, alone)}


def time_sobol(mode: str) -> dict:
    from SALib.sample import sobol as sobol_sample

    scenario = scenarios.get("leader_team")
    names = list(SOBOL)
    problem = {"num_vars": len(names), "names": names, "bounds": [list(SOBOL[n]) for n in names]}
    X = sobol_sample.sample(problem, SOBOL_SAMPLES[mode], calc_second_order=False, seed=1)
    batched_f = scenario_function(scenario, names, seed=3)
    alone_f = scenario_function(scenario, names, seed=3, batch=False)
    batched_f(X[:2])  # imports, caches: not timed
    Y, wall_b, cpu_b = _timed(lambda: batched_f(X))
    k = SOBOL_ALONE[mode]
    Y_alone, wall_a, cpu_a = _timed(lambda: alone_f(X[:k]))
    difference = float(np.nanmax(np.abs(Y[:k] - Y_alone))) \
        if (np.isnan(Y[:k]) == np.isnan(Y_alone)).all() else float("inf")
    return {"case": f"leader_team Sobol' ({len(names)} parameters, N={SOBOL_SAMPLES[mode]})",
            "agents": 9, "steps": scenario.steps, "batch_size": auto_batch_size(9),
            **_rates(len(X), wall_b, cpu_b, k, wall_a, cpu_a), "max_difference": difference}


def where_time_goes(name, overrides, runs: int) -> dict:
    """Shares of one batched chunk's CPU time (cProfile, cumulative per function)."""
    scenario = scenarios.get(name)
    builder = RunBuilder(scenario)
    chunk = [({**overrides, "mirroring": MIRRORING[i % len(MIRRORING)]}
              if "mirroring" in scenario.values() else dict(overrides), 1000 + i)
             for i in range(runs)]
    profile = cProfile.Profile()
    profile.runcall(simulate, builder, chunk, scenario.steps)
    stats = pstats.Stats(profile).stats
    by_name = {}
    for (path, _, function), (_, _, _, cumulative, _) in stats.items():
        key = (Path(path).name, function)
        by_name[key] = by_name.get(key, 0.0) + cumulative
    total = by_name[("ensemble.py", "simulate")]
    parts = {
        "build runs (networks, people, events)": by_name[("batch.py", "spec")],
        "assemble the ensemble": by_name[("ensemble.py", "__init__")],
        "step": by_name[("ensemble.py", "step")],
        "  of which sub-steps (engine.advance)": by_name[("engine.py", "advance")],
        "collect metrics": by_name[("ensemble.py", "collect")],
        "outcomes": by_name.get(("batch.py", "outcomes"), 0.0),
    }
    return {"case": name, "runs": runs, "seconds": total,
            "shares": {k: v / total for k, v in parts.items()}}


def memory_child(runs: int) -> None:
    """In a child process: stream a leader_team sweep of ``runs`` runs; print peak RSS."""
    scenario = scenarios.get("leader_team")
    before = peak_rss_mb()
    with tempfile.TemporaryDirectory() as out:
        _, wall, cpu = _timed(lambda: sweep(scenario, {"mirroring": MIRRORING},
                                            reps=runs // len(MIRRORING), seed=5, out=out,
                                            progress=False))
    print(json.dumps({"runs": runs, "rss_before_mb": before, "peak_rss_mb": peak_rss_mb(),
                      "runs_per_s_cpu": runs / cpu, "runs_per_s_wall": runs / wall}))


def memory(mode: str) -> list[dict]:
    results = []
    for runs in MEMORY_RUNS[mode]:
        done = subprocess.run([sys.executable, __file__, "--memory-child", str(runs)],
                              capture_output=True, text=True, check=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return results


def print_memory(mode: str) -> None:
    print("\n## memory: leader_team sweep streamed to Parquet, child process")
    for m in memory(mode):
        print(f"  {m['runs']:>7,} runs: peak RSS {m['peak_rss_mb']:.0f} MB (after imports "
              f"{m['rss_before_mb']:.0f} MB), {m['runs_per_s_cpu']:,.0f} runs/s CPU, "
              f"{m['runs_per_s_wall']:,.0f} runs/s wall", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke test")
    parser.add_argument("--memory-only", action="store_true",
                        help="only the memory of streamed leader_team sweeps")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child)
        return 0
    if args.memory_only:
        print_memory("quick" if args.quick else "full")
        return 0
    mode = "quick" if args.quick else "full"
    cases = QUICK if args.quick else FULL
    print(f"# ensemble benchmark ({mode})")
    for key, value in machine().items():
        print(f"{key}: {value}")
    start = time.perf_counter()
    rows = []
    for name, (scenario, grid, reps, reps_alone, overrides) in cases.items():
        rows.append(time_sweep(scenario, grid, reps, reps_alone, overrides))
        print(f"  timed {name}", flush=True)
        if name == "leader_team":
            rows.append(time_sobol(mode))
            print("  timed Sobol'", flush=True)
    print("\n| case | agents | steps | runs per chunk | runs batched | runs/s batched (CPU) "
          "| runs one at a time | runs/s one at a time (CPU) | ratio (CPU) | ratio (wall) "
          "| max difference |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    ok = True
    for r in rows:
        ok &= r["max_difference"] <= TOLERANCE
        print(f"| {r['case']} | {r['agents']:,} | {r['steps']} | {r['batch_size']:,} "
              f"| {r['runs_batched']:,} | {r['batched_runs_per_s_cpu']:,.1f} "
              f"| {r['runs_alone']:,} | {r['alone_runs_per_s_cpu']:,.2f} "
              f"| {r['ratio_cpu']:,.1f}x | {r['ratio_wall']:,.1f}x | {r['max_difference']:.1e} |")
    print("\nwall-clock runs/s (batched, one at a time): " + "; ".join(
        f"{r['case']}: {r['batched_runs_per_s_wall']:,.1f}, {r['alone_runs_per_s_wall']:,.2f}"
        for r in rows))
    print_memory(mode)
    print("\n## where a batched chunk's time goes (cProfile, shares of the chunk)")
    profiled = {"leader_team": ({}, 1000 if mode == "full" else 200),
                "football_crowd": (cases["football_crowd"][4], 5 if mode == "full" else 4)}
    for name, (overrides, runs) in profiled.items():
        split = where_time_goes(name, overrides, runs)
        print(f"  {name}, {split['runs']} runs, {split['seconds']:.1f} s profiled: " + ", ".join(
            f"{k.strip()} {v:.0%}" for k, v in split["shares"].items()))
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"total {time.perf_counter() - start:.0f} s; checks {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
