"""Benchmark of the engines: the step against a bare sparse product, scenarios, agents vs Mesa.

Run from the repository root::

    uv run python benchmarks/engine.py            # full: 10,000 agents, then 1M / 10M
    uv run python benchmarks/engine.py --quick    # smoke test in a few seconds (no gates)
    uv run python benchmarks/engine.py --baseline /path/to/older/checkout
                                                  # also time the scenarios on older code

Everything is a ratio measured in this run, so it holds on a loaded machine:

1. **Both engines** on the same model (a small world of 10,000 agents with average
   degree 10, mirroring 0.3, regulation 0.05, noise 0.01, same seed): they end in
   the same state (max abs difference <= 1e-12), the vectorised engine is at least
   50x faster per agent-step, and the agents engine is timed against the obvious
   Mesa loop (each agent averages its neighbours' valence in Python, two phases) on
   the same graph: at most 30x slower per agent-step.
2. **At scale**, in a child process (its peak memory its own): 1,000,000 agents and
   about 10,000,000 edges (``networks.sparse_random``, no Mesa space), dt 1 minute;
   the median step against the median bare ``scipy.sparse`` float64 CSR product of the
   model's own perception matrix with one vector: at most 3 products (goal 1.5);
   building the model in under 3 s.
3. **Scenarios**: CPU seconds of one ``football_crowd`` and one ``leader_team`` run
   (median of a few); with ``--baseline DIR`` the same runs on the code in DIR (an
   older checkout, same environment) in a child process, and the speed-up (football_crowd
   at least 4x required).
4. **Ensembles** on one core: a leader_team and a football_crowd sweep batched against
   one run at a time (``benchmarks/ensemble.py``'s ``time_sweep``): football-sized
   ensembles at least 5x one at a time, leader_team at least 5,000 runs per CPU second.

Nothing is written to disk. Exit status: 0 when every check passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from importlib import metadata

import numpy as np

from contagion import networks
from contagion.model import ContagionModel

#: The vectorised engine at least this many times faster than the agents engine at 10,000 agents.
REQUIRED_SPEEDUP = 50.0
#: The agents engine at most this many times slower per agent-step than a naive Mesa loop.
MESA_RATIO = 30.0
#: A step at 1M agents / 10M edges at most this many bare CSR products (goal: GOAL_PRODUCTS).
MAX_PRODUCTS = 3.0
GOAL_PRODUCTS = 1.5
#: Building the 1M-agent model (no Mesa space) within this many seconds.
MAX_BUILD_S = 3.0
#: Both engines must end in the same state within this (float64).
AGREEMENT = 1e-12

PARAMS = {"mirroring": 0.3, "regulation": 0.05, "noise": 0.01}
SEED = 20261126

#: The agents engine steps every agent in Python, so it is timed over fewer steps;
#: figures are per agent-step.
FULL = {"agents": 10_000, "degree": 10, "steps": 200, "agents_steps": 20, "repeats": 5,
        "big_agents": 1_000_000, "big_steps": 20}
QUICK = {"agents": 1_000, "degree": 10, "steps": 30, "agents_steps": 10, "repeats": 3,
         "big_agents": 100_000, "big_steps": 5}


# -- machine ----------------------------------------------------------------------
def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return None


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict:
    """What the figures were measured on."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = _memory_gib()
    return {
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cores": f"{os.cpu_count()} logical, {usable} usable",
        "memory": f"{memory:.1f} GiB" if memory else "unknown",
        "load average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": _version("scipy"),
        "mesa": _version("mesa"),
        "networkx": _version("networkx"),
    }


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (10^6 bytes).

    On Linux this is ``VmHWM`` from ``/proc/self/status``: ``ru_maxrss`` of a
    child started with fork + exec begins at the parent's peak (the kernel keeps
    the old address space's high-water mark across exec), which would hide a
    child smaller than its parent. Elsewhere ``getrusage(RUSAGE_SELF).ru_maxrss``.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak * 1024 / 1e6  # bytes on macOS, KiB on Linux


# -- part 1: both engines on the same model -----------------------------------------
def _model(graph, engine: str, collect_every: int = 1) -> ContagionModel:
    return ContagionModel(graph, engine=engine, collect_every=collect_every, rng=SEED, **PARAMS)


def _timed_run(graph, engine: str, steps: int) -> tuple[ContagionModel, float, float]:
    """(model after ``steps`` steps, construction seconds, run seconds)."""
    start = time.perf_counter()
    model = _model(graph, engine)
    built = time.perf_counter()
    model.run(steps)
    done = time.perf_counter()
    return model, built - start, done - built


def _warm_up() -> None:
    """Import and first-call costs (scipy, Mesa, pandas) out of the timings."""
    graph = networks.small_world(50, degree=4, rng=1)
    for engine in ("vectorized", "agents"):
        _model(graph, engine).run(3)


def naive_mesa_us(graph, steps: int) -> float:
    """Microseconds per agent-step of the obvious Mesa model on ``graph``."""
    import mesa

    class Averager(mesa.Agent):
        def __init__(self, model, node):
            super().__init__(model)
            self.node, self.valence, self.next = node, float(model.rng.uniform(-1, 1)), 0.0

        def determine(self):
            others = self.model.by_node
            values = [others[j].valence for j in self.model.graph.neighbors(self.node)]
            self.next = self.valence + 0.3 * (sum(values) / len(values) - self.valence)

        def assume(self):
            self.valence = self.next

    class Naive(mesa.Model):
        def __init__(self):
            super().__init__(rng=SEED)
            self.graph = graph
            self.by_node = {node: Averager(self, node) for node in graph.nodes}

        def step(self):
            self.agents.do("determine")
            self.agents.do("assume")

    model = Naive()
    start = time.process_time()
    for _ in range(steps):
        model.step()
    return (time.process_time() - start) / (graph.number_of_nodes() * steps) * 1e6


def compare_engines(n_agents: int, degree: int, steps: int, agents_steps: int, repeats: int) -> dict:
    """Time both engines on one graph; the vectorised run is repeated, the agents run is not."""
    graph = networks.small_world(n_agents, degree=degree, rng=SEED)
    n_edges = 2 * graph.number_of_edges()  # undirected: perceived both ways
    _warm_up()

    vec_runs, vec_builds = [], []
    for _ in range(repeats):
        vec_model, build_s, run_s = _timed_run(graph, "vectorized", steps)
        vec_runs.append(run_s)
        vec_builds.append(build_s)
    vec_s = statistics.median(vec_runs)

    print(f"  timing the agents engine: {n_agents:,} agents x {agents_steps} steps ...", flush=True)
    agent_model, agent_build_s, agent_s = _timed_run(graph, "agents", agents_steps)

    naive_us = naive_mesa_us(graph, agents_steps)

    if agents_steps != steps:  # compare like with like
        vec_model = _model(graph, "vectorized")
        vec_model.run(agents_steps)
    diff = max(float(np.abs(agent_model.valence - vec_model.valence).max()),
               float(np.abs(agent_model.arousal - vec_model.arousal).max()))

    vec_us = vec_s / (n_agents * steps) * 1e6
    agent_us = agent_s / (n_agents * agents_steps) * 1e6
    return {
        "agents": n_agents, "edges": n_edges, "steps": steps, "agents_steps": agents_steps,
        "repeats": repeats,
        "vectorized_s": vec_s, "vectorized_s_min": min(vec_runs), "vectorized_s_max": max(vec_runs),
        "vectorized_us_per_agent_step": vec_us,
        "agents_s": agent_s, "agents_us_per_agent_step": agent_us,
        "build_s": statistics.median(vec_builds), "agents_build_s": agent_build_s,
        "speedup": agent_us / vec_us,
        "naive_mesa_us_per_agent_step": naive_us, "mesa_ratio": agent_us / naive_us,
        "max_abs_diff": diff,
        "peak_rss_mb": peak_rss_mb(),
    }


# -- part 2: the vectorised engine at scale (child process) ---------------------------
def big_run(n_agents: int, degree: int, steps: int, trace: bool) -> dict:
    """Build and step the vectorised engine on a ``sparse_random`` network (no Mesa space)."""
    rss_start = peak_rss_mb()
    start = time.perf_counter()
    matrix = networks.sparse_random(n_agents, degree=degree, rng=SEED)
    graph_s = time.perf_counter() - start

    start = time.perf_counter()
    model = ContagionModel(matrix, space=False, collect_every=10**9, rng=SEED, **PARAMS)
    build_s = time.perf_counter() - start
    rss_built = peak_rss_mb()

    model.step()  # first step: allocations and first-call costs, not timed
    if trace:
        import tracemalloc

        tracemalloc.start()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        model.step()
        times.append(time.perf_counter() - start)
    traced_mb = None
    if trace:
        traced_mb = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()

    matrix = model.social_network().weights
    vector = np.random.default_rng(SEED).uniform(-1, 1, n_agents)
    products = []
    for _ in range(max(steps, 5)):
        start = time.perf_counter()
        matrix @ vector
        products.append(time.perf_counter() - start)
    product_ms = statistics.median(products) * 1e3
    step_ms = statistics.median(times) * 1e3
    edges = int(model.in_edges.nnz)
    return {
        "agents": n_agents, "edges": edges, "steps": steps,
        "index_dtype": str(model.in_edges.indices.dtype),
        "graph_s": graph_s, "build_s": build_s, "mesa_agents": len(model.agents),
        "ms_per_step": step_ms, "ms_per_step_min": min(times) * 1e3,
        "ms_per_product": product_ms, "products_per_step": step_ms / product_ms,
        "substeps": round(model.dt_minutes / model.substep),
        "ms_per_step_max": max(times) * 1e3,
        "ns_per_edge_step": step_ms * 1e6 / edges,
        "ns_per_agent_step": step_ms * 1e6 / n_agents,
        "rss_after_imports_mb": rss_start, "rss_after_build_mb": rss_built,
        "peak_rss_mb": peak_rss_mb(), "tracemalloc_peak_mb": traced_mb,
    }


def big_run_in_child(n_agents: int, degree: int, steps: int, trace: bool) -> dict:
    command = [sys.executable, os.path.abspath(__file__), "--child",
               json.dumps({"n_agents": n_agents, "degree": degree, "steps": steps, "trace": trace})]
    done = subprocess.run(command, check=False, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the {n_agents:,}-agent run failed (exit status {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- part 3: scenarios ----------------------------------------------------------------
SCENARIO_RUNS = {"football_crowd": 3, "leader_team": 20}
_SCENARIO_CODE = """
import json, statistics, sys, time
import scenarios
out = {}
for name, repeats in json.loads(sys.argv[1]).items():
    scenario = scenarios.get(name)
    scenario.run(rng=0)  # first-call costs
    times = []
    for seed in range(repeats):
        start = time.process_time()
        scenario.run(rng=seed)
        times.append(time.process_time() - start)
    out[name] = statistics.median(times)
print(json.dumps(out))
"""


def scenario_seconds(root: str, runs: dict) -> dict:
    """Median CPU seconds of one run of each scenario, on the code at ``root`` (a child)."""
    env = {**os.environ, "PYTHONPATH": os.path.abspath(root)}
    done = subprocess.run([sys.executable, "-c", _SCENARIO_CODE, json.dumps(runs)],
                          cwd=os.path.abspath(root), env=env, check=False,
                          stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"timing the scenarios on {root} failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- part 4: ensembles ------------------------------------------------------------------
#: Batched football-sized runs at least this many times the runs/s of one at a time
#: (CPU), and leader_team at least this many runs per CPU second in ensembles.
MIN_ENSEMBLE_RATIO = 5.0
MIN_LEADER_RUNS = 5_000.0
#: name: scenario, grid, replicates batched, replicates one at a time (full, quick)
ENSEMBLE_CASES = {
    "full": {"leader_team": ({"mirroring": [0.05, 0.1, 0.2, 0.3, 0.5]}, 400, 4),
             "football_crowd": ({"mirroring": [0.1, 0.3]}, 5, 1)},
    "quick": {"leader_team": ({"mirroring": [0.1, 0.3]}, 50, 1),
              "football_crowd": ({"mirroring": [0.3], "rows": 10, "cols": 20}, 4, 1)},
}


def ensembles(mode: str) -> list[dict]:
    """Sweeps batched as ensembles against one run at a time (benchmarks/ensemble.py)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from ensemble import time_sweep

    return [time_sweep(name, grid, reps, alone, {})
            for name, (grid, reps, alone) in ENSEMBLE_CASES[mode].items()]


# -- output -------------------------------------------------------------------------
def _report(info: dict, part1: dict | None, part2: dict | None, part3: dict | None,
            part4: list[dict] | None = None) -> None:
    print("\nMachine")
    for key, value in info.items():
        print(f"  {key:<13} {value}")
    if part1:
        r = part1
        print(f"\nBoth engines: small world, {r['agents']:,} agents, {r['edges']:,} directed edges "
              f"(average degree {r['edges'] / r['agents']:.0f}), same seed and parameters")
        print(f"  construction (Mesa agents + Network space)   {r['build_s']:8.2f} s")
        print(f"  agents engine      {r['agents_steps']:>4} steps  {r['agents_s']:8.2f} s/run   "
              f"{r['agents_us_per_agent_step']:9.3f} us per agent-step   (1 run)")
        print(f"  vectorised engine  {r['steps']:>4} steps  {r['vectorized_s']:8.3f} s/run   "
              f"{r['vectorized_us_per_agent_step']:9.3f} us per agent-step   "
              f"(median of {r['repeats']}: {r['vectorized_s_min']:.3f} .. {r['vectorized_s_max']:.3f} s)")
        if r["agents_steps"] != r["steps"]:
            print(f"  note: the agents engine was timed over {r['agents_steps']} steps only; "
                  "the ratio is per agent-step")
        print(f"  speed-up (vectorised / agents, per agent-step)   {r['speedup']:.1f}x")
        print(f"  naive Mesa loop (average of neighbours)          "
              f"{r['naive_mesa_us_per_agent_step']:9.3f} us per agent-step; agents engine "
              f"{r['mesa_ratio']:.1f}x that")
        print(f"  final state, max abs difference after {r['agents_steps']} steps   "
              f"{r['max_abs_diff']:.3e}")
        print(f"  peak RSS of this process                         {r['peak_rss_mb']:.0f} MB")
    if part2:
        r = part2
        print(f"\nVectorised engine at scale: sparse_random, {r['agents']:,} agents, {r['edges']:,} edges, "
              f"no Mesa space, metrics not collected while stepping (child process)")
        print(f"  network (sparse_random)          {r['graph_s']:8.2f} s")
        print(f"  model construction               {r['build_s']:8.2f} s   ({r['mesa_agents']:,} Mesa agents)")
        print(f"  step (median of {r['steps']})             {r['ms_per_step']:8.1f} ms   "
              f"(min {r['ms_per_step_min']:.1f}, max {r['ms_per_step_max']:.1f})")
        print(f"  bare CSR product (float64)       {r['ms_per_product']:8.1f} ms   "
              f"-> a step costs {r['products_per_step']:.2f} products "
              f"({r['substeps']} sub-step(s) of two products each)")
        print(f"  per edge-step                    {r['ns_per_edge_step']:8.2f} ns   "
              f"(per agent-step {r['ns_per_agent_step']:.1f} ns; index dtype {r['index_dtype']})")
        print(f"  peak RSS                         {r['peak_rss_mb']:8.0f} MB   "
              f"(after imports {r['rss_after_imports_mb']:.0f}, after construction "
              f"{r['rss_after_build_mb']:.0f})")
        if r["tracemalloc_peak_mb"] is not None:
            print(f"  tracemalloc peak while stepping  {r['tracemalloc_peak_mb']:8.0f} MB")
    if part3:
        print("\nScenarios: CPU seconds of one run (median), this code"
              + (" and the baseline" if "baseline" in part3 else ""))
        for name, now in part3["now"].items():
            line = f"  {name:<16} {now:8.3f} s"
            if "baseline" in part3:
                then = part3["baseline"][name]
                line += f"   baseline {then:8.3f} s   speed-up {then / now:5.1f}x"
            print(line)
    if part4:
        print("\nEnsembles (one core): runs per CPU second batched and one at a time")
        for r in part4:
            print(f"  {r['case']:<16} {r['agents']:>6,} agents  batched {r['runs_batched']:>5,} runs "
                  f"{r['batched_runs_per_s_cpu']:9,.1f}/s   alone {r['runs_alone']:>3} runs "
                  f"{r['alone_runs_per_s_cpu']:8,.2f}/s   ratio {r['ratio_cpu']:6.1f}x   "
                  f"max difference {r['max_difference']:.1e}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="small sizes for a smoke test; the 50x requirement is not enforced")
    parser.add_argument("--agents-steps", type=int, default=None,
                        help="time the agents engine over fewer steps (figures stay per agent-step)")
    parser.add_argument("--no-big", action="store_true", help="skip the 1,000,000-agent part")
    parser.add_argument("--big-only", action="store_true", help="only the 1,000,000-agent part")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also trace Python/numpy allocations while stepping the big model (slower)")
    parser.add_argument("--baseline", metavar="DIR",
                        help="also time the scenarios on the code in DIR (an older checkout)")
    parser.add_argument("--no-scenarios", action="store_true", help="skip the scenario timings")
    parser.add_argument("--no-ensembles", action="store_true", help="skip the ensemble timings")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        print(json.dumps(big_run(**json.loads(args.child))), flush=True)
        return 0

    sizes = QUICK if args.quick else FULL
    steps = sizes["steps"]
    agents_steps = min(args.agents_steps or sizes["agents_steps"], steps)
    if agents_steps < 1:
        parser.error("--agents-steps must be >= 1")
    info = machine()
    mode = "quick" if args.quick else "full"
    print(f"contagion engine benchmark ({mode} mode), {time.strftime('%Y-%m-%d %H:%M')}", flush=True)

    failures = []
    part1 = part2 = None
    if not args.big_only:
        part1 = compare_engines(sizes["agents"], sizes["degree"], steps, agents_steps, sizes["repeats"])
        if part1["max_abs_diff"] > AGREEMENT:
            failures.append(f"engines disagree: max abs difference {part1['max_abs_diff']:.3e} "
                            f"> {AGREEMENT:g}")
        if not args.quick and part1["speedup"] < REQUIRED_SPEEDUP:
            failures.append(f"speed-up {part1['speedup']:.1f}x < required {REQUIRED_SPEEDUP:g}x")
        if not args.quick and part1["mesa_ratio"] > MESA_RATIO:
            failures.append(f"agents engine {part1['mesa_ratio']:.1f}x a naive Mesa loop "
                            f"> {MESA_RATIO:g}x")
    if not args.no_big:
        print(f"  timing the vectorised engine at {sizes['big_agents']:,} agents (child process) ...",
              flush=True)
        part2 = big_run_in_child(sizes["big_agents"], sizes["degree"], sizes["big_steps"],
                                 args.tracemalloc)
        if not args.quick and part2["products_per_step"] > MAX_PRODUCTS:
            failures.append(f"a step costs {part2['products_per_step']:.2f} bare products "
                            f"> {MAX_PRODUCTS:g}")
        if not args.quick and part2["build_s"] > MAX_BUILD_S:
            failures.append(f"building the model took {part2['build_s']:.2f} s > {MAX_BUILD_S:g} s")
    part3 = None
    if not args.no_scenarios:
        runs = {name: (1 if args.quick else n) for name, n in SCENARIO_RUNS.items()}
        print("  timing the scenarios ...", flush=True)
        part3 = {"now": scenario_seconds(".", runs)}
        if args.baseline:
            part3["baseline"] = scenario_seconds(args.baseline, runs)
            ratio = part3["baseline"]["football_crowd"] / part3["now"]["football_crowd"]
            if not args.quick and ratio < 4:
                failures.append(f"football_crowd {ratio:.1f}x faster than the baseline < 4x")
    part4 = None
    if not args.no_ensembles and not args.big_only:
        print("  timing the ensembles ...", flush=True)
        part4 = ensembles(mode)
        for r in part4:
            if r["max_difference"] > AGREEMENT:
                failures.append(f"{r['case']}: batched and alone differ by {r['max_difference']:.1e}")
        if not args.quick:
            by = {r["case"]: r for r in part4}
            if by["football_crowd"]["ratio_cpu"] < MIN_ENSEMBLE_RATIO:
                failures.append(f"football_crowd batched {by['football_crowd']['ratio_cpu']:.1f}x "
                                f"one at a time < {MIN_ENSEMBLE_RATIO:g}x")
            if by["leader_team"]["batched_runs_per_s_cpu"] < MIN_LEADER_RUNS:
                failures.append(f"leader_team {by['leader_team']['batched_runs_per_s_cpu']:,.0f} "
                                f"runs/s < {MIN_LEADER_RUNS:,.0f}")
    info["load average"] += f" (start) / {' '.join(f'{x:.2f}' for x in os.getloadavg())} (end)"
    _report(info, part1, part2, part3, part4)

    print()
    if part1:
        verdict = "skipped in quick mode" if args.quick else (
            "PASS" if part1["speedup"] >= REQUIRED_SPEEDUP else "FAIL")
        print(f"Speed-up >= {REQUIRED_SPEEDUP:g}x at {part1['agents']:,} agents: {verdict} "
              f"({part1['speedup']:.1f}x)")
        print(f"Engines agree within {AGREEMENT:g}: "
              f"{'PASS' if part1['max_abs_diff'] <= AGREEMENT else 'FAIL'} ({part1['max_abs_diff']:.3e})")
        print(f"Agents engine within {MESA_RATIO:g}x a naive Mesa loop: "
              f"{'PASS' if part1['mesa_ratio'] <= MESA_RATIO else 'FAIL'} ({part1['mesa_ratio']:.1f}x)")
    if part2:
        verdict = "PASS" if part2["products_per_step"] <= MAX_PRODUCTS else "FAIL"
        print(f"1M step within {MAX_PRODUCTS:g} bare products (goal {GOAL_PRODUCTS:g}): {verdict} "
              f"({part2['products_per_step']:.2f})")
        print(f"1M model built within {MAX_BUILD_S:g} s: "
              f"{'PASS' if part2['build_s'] <= MAX_BUILD_S else 'FAIL'} ({part2['build_s']:.2f} s)")
    if part3 and "baseline" in part3:
        name = "football_crowd"
        ratio = part3["baseline"][name] / part3["now"][name]
        print(f"football_crowd run >= 4x faster than the baseline: "
              f"{'PASS' if ratio >= 4 else 'FAIL'} ({ratio:.1f}x)")
    if part4:
        by = {r["case"]: r for r in part4}
        ratio = by["football_crowd"]["ratio_cpu"]
        print(f"football_crowd batched >= {MIN_ENSEMBLE_RATIO:g}x one at a time: "
              f"{'PASS' if ratio >= MIN_ENSEMBLE_RATIO else 'FAIL'} ({ratio:.1f}x)")
        rate = by["leader_team"]["batched_runs_per_s_cpu"]
        print(f"leader_team >= {MIN_LEADER_RUNS:,.0f} runs/s per core in ensembles: "
              f"{'PASS' if rate >= MIN_LEADER_RUNS else 'FAIL'} ({rate:,.0f})")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
