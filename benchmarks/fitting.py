"""Benchmark of fitting: simulations per second, batched against one at a time, in one run.

Run from the repository root::

    uv run python benchmarks/fitting.py            # about 10 minutes on 2 idle cores
    uv run python benchmarks/fitting.py --quick    # smoke test, about 1 minute

Each fit runs twice per worker count, in this one process: batched (the default:
candidates simulated as ensembles, :mod:`contagion.experiments.fitting.sampler`) and
one model at a time (``batch=False``; with one worker pyabc's own single-core sampler).
Four fits, each timed from the call of ``contagion.fit`` to its return (pilot,
calibration, populations, no figures), on data simulated by the same scenario:

1. ``leader_team`` (9 people, 60 one-minute steps), group data ``member_valence`` and
   ``member_arousal``; fitting mirroring and regulation;
2. ``football_crowd`` at its default size (2,000 fans), group data ``home_valence`` and
   ``away_valence`` up to step 60 (the first goal is at step 30); fitting mirroring and
   reactivity;
3. the recovery example of docs/fitting.md (``meeting``, 25 people, 15 steps of three
   minutes, individual panels, the network and the intervention), fitting four
   parameters with the study's settings (30 particles, 3 populations, a pilot of 100);
4. ``leader_team`` as in 1 at a modeller's size: 1,000 particles, 5 populations, the
   default pilot of 5,000 (batched only, unless ``--full``: one at a time it takes
   about five minutes).

Each fit runs on one worker (``jobs=1``) and then on two (``jobs=2``); the first fit
of the run also pays for compiling the engine's kernels, so the order is batched
first (a handicap for the batched figure, not for the other). Simulations per
second count every simulation (pilot, calibration and populations) over the wall
time of the whole fit, so pyabc's own work is included; simulations per CPU second
divide by the CPU time of the process and its finished workers instead, a figure
that holds on a machine shared with other work. Nothing is written to disk.

``--pilot`` times instead the pilot of the two group-data fits (prior simulations,
:func:`contagion.experiments.fitting.projection.run_pilot`, batched by the ensemble
engine) against the same simulations one run at a time, in one process, one after
the other, and checks that they agree::

    uv run python benchmarks/fitting.py --pilot
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
from engine import machine  # noqa: E402 - the same machine report as the engine benchmark

import scenarios  # noqa: E402
from contagion.experiments.fitting import fit  # noqa: E402
from contagion.experiments.fitting.synthetic import synthetic_data  # noqa: E402

MEETING = ROOT / "docs" / "data" / "meeting.toml"


def _leader():
    leader = scenarios.get("leader_team")
    return leader, synthetic_data(leader, {"mirroring": 0.15, "regulation": 0.03}, seed=1).group, None


def _crowd():
    crowd = scenarios.get("football_crowd")
    return crowd, synthetic_data(crowd, {"mirroring": 2.0, "reactivity": 4.0}, seed=1, steps=60,
                                 metrics=["home_valence", "away_valence"]).group, None


def _meeting():
    meeting = scenarios.load(MEETING).replace(intervention_strength=1.0)
    team = synthetic_data(meeting, {"mirroring": 0.4, "regulation": 0.05, "reactivity": 0.3,
                                    "leader_expressiveness": 0.6}, seed=1000)
    return meeting, team.panel, team.graph


def cases(quick: bool, only: str = "") -> list[dict]:
    """The fits whose name contains ``only``, with their data (made only for those)."""
    small = dict(particles=20, populations=2, pilot=40) if quick else None
    found = [
        {"name": "leader_team, group data", "make": _leader,
         "priors": {"mirroring": "0:1", "regulation": "0:0.2"},
         "settings": small or dict(particles=100, populations=3, pilot=200)},
        {"name": "football_crowd (2,000 fans), group data to step 60", "make": _crowd,
         "priors": {"mirroring": "0:5", "reactivity": "0:10"},
         "settings": dict(particles=10, populations=1, pilot=20) if quick
         else dict(particles=20, populations=2, pilot=40)},
        {"name": "meeting (docs/fitting.md, design d)", "make": _meeting,
         "priors": {"mirroring": "0:1", "regulation": "0:0.2", "reactivity": "0:1",
                    "leader_expressiveness": "0:1"},
         "settings": small or dict(particles=30, populations=3, pilot=100)},
        {"name": "leader_team, group data, 1,000 particles x 5 populations", "make": _leader,
         "priors": {"mirroring": "0:1", "regulation": "0:0.2"}, "batched_only": True,
         "settings": dict(particles=100, populations=2, pilot=200) if quick
         else dict(particles=1000, populations=5, pilot=5000)},
    ]
    out = []
    for case in found:
        if only in case["name"]:
            case["scenario"], case["data"], case["network"] = case.pop("make")()
            out.append(case)
    return out


def _cpu() -> float:
    """CPU seconds of this process and of its finished workers."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def run(case: dict, jobs: int, batch: bool) -> tuple[float, float, int, object]:
    start, cpu = time.perf_counter(), _cpu()
    result = fit(case["scenario"], case["data"], case["priors"], network=case["network"],
                 seed=1, jobs=jobs, progress=False, batch=batch,
                 min_acceptance=0.02, **case["settings"])
    seconds = time.perf_counter() - start
    return seconds, _cpu() - cpu, result.simulations + case["settings"]["pilot"], result


def pilot(quick: bool) -> None:
    """The pilot batched and one run at a time: seconds, CPU seconds, ratio, agreement."""
    from types import SimpleNamespace

    import numpy as np

    from contagion.experiments.fitting import make_design, read_data
    from contagion.experiments.fitting.priors import make_priors
    from contagion.experiments.fitting.design import Simulator, batch_reason
    from contagion.experiments.fitting.projection import flatten, run_pilot

    sizes = {"leader_team": 100 if quick else 1000, "football_crowd": 8 if quick else 40}
    print("| pilot | runs | path | pilot s | one at a time s | wall ratio | CPU ratio | "
          "max difference |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for case in cases(True, "leader_team, group data")[:1] + cases(True, "football"):
        scenario = case["scenario"]
        metrics = [c for c in scenario.run(0, 1).columns if c not in ("step", "time")]
        design = make_design(scenario, [read_data(case["data"], scenario, metrics)])
        assert batch_reason(scenario, design) is None
        priors = make_priors(scenario, case["priors"])
        simulator = Simulator(scenario, design, 1, list(priors))
        size = sizes[scenario.name]
        start, cpu = time.perf_counter(), time.process_time()
        X, Y = run_pilot(simulator, priors, size, SimpleNamespace(map=map))
        batched, batched_cpu = time.perf_counter() - start, time.process_time() - cpu
        start, cpu = time.perf_counter(), time.process_time()
        alone = np.vstack([flatten(simulator.raw(dict(zip(priors, row)))) for row in Y])
        single, single_cpu = time.perf_counter() - start, time.process_time() - cpu
        difference = float(np.nanmax(np.abs(X - alone)))
        path = "batched"
        print(f"| {case['name']} | {size} | {path} | {batched:.1f} | {single:.1f} | "
              f"{single / batched:.1f}x | {single_cpu / batched_cpu:.1f}x | "
              f"{difference:.1e} |", flush=True)


def _warm_up() -> None:
    """Compile the engine's kernels and import everything once, before anything is timed."""
    from contagion.experiments.ensemble import run_many

    scenarios.get("leader_team").run(2, 1)
    run_many("leader_team", [({}, 1), ({}, 2)], steps=2)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--jobs", default="1,2", help="worker counts to time (default: 1,2)")
    parser.add_argument("--only", default="", help="only the fits whose name contains this")
    parser.add_argument("--full", action="store_true",
                        help="also run the 1,000-particle fit one model at a time")
    parser.add_argument("--pilot", action="store_true",
                        help="time the pilot batched against one run at a time")
    args = parser.parse_args(argv)
    print(machine())
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    if args.pilot:
        pilot(args.quick)
        print(f"load average at end: {os.getloadavg()[0]:.1f}")
        return 0
    _warm_up()
    print("| fit | path | jobs | simulations | wall s | simulations / s | CPU s | "
          "simulations / CPU s | batched / one at a time (simulations / s) | "
          "posterior means agree |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for case in cases(args.quick, args.only):
        for jobs in map(int, args.jobs.split(",")):
            rates, results = {}, {}
            paths = [True] if case.get("batched_only") and not args.full else [True, False]
            for batch in paths:
                seconds, cpu, simulations, result = run(case, jobs, batch)
                rates[batch], results[batch] = simulations / seconds, result
                ratio = (f"{rates[True] / rates[False]:.1f}x" if not batch else "")
                agree = ""
                if not batch:
                    a, b = (results[k].summary.set_index("parameter")["mean"] for k in (True, False))
                    agree = f"max difference {float((a - b).abs().max()):.1e}"
                print(f"| {case['name']} | {'batched' if batch else 'one at a time'} | {jobs} | "
                      f"{simulations} | {seconds:.1f} | {simulations / seconds:.1f} | {cpu:.0f} | "
                      f"{simulations / cpu:.1f} | {ratio} | {agree} |", flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
