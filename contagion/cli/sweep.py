"""``contagion sweep``: many seeded runs of a scenario over a parameter grid, to Parquet."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from contagion.cli.common import (add_batch_options, parse_int, parse_positive, printable,
                                  split_assignment, warner)
from contagion.experiments.plan import DESIGNS, load_scenario, parse_grid_value
from contagion.experiments.pool import Interrupts
from contagion.experiments.store import DATA, MANIFEST
from contagion.experiments.sweep import run_sweep

__all__ = ["interruptible", "parse_grid", "register"]


def parse_grid(items: list[str], design: str = "grid") -> dict:
    """``["mirroring=0:1:11", "outgroup_sign=-1,0,0.5"]`` -> grid mapping (not yet validated).

    With a drawn ``design`` (lhs, mc), ``NAME=LOW:HIGH`` is the range to draw from.
    """
    grid = {}
    for item in items:
        name, text = split_assignment("--grid", item, "VALUES, e.g. mirroring=0:1:11")
        if name in grid:
            raise ValueError(f"--grid {name} is given twice")
        if design != "grid" and text.count(":") == 1 and not text.strip().startswith("["):
            text = f"{text}:2"  # LOW:HIGH, the range the design draws from
        grid[name] = parse_grid_value(name, text)
    return grid


def interruptible(command: str, handler: Callable[[object], int], args,
                  nothing_kept: str) -> int:
    """Run ``handler(args)``; on Ctrl-C say in one line what was kept, return 130.

    Later Ctrl-Cs are ignored while the first one is handled and on the way out, so
    the line is always the last thing printed and the status is always 130.
    """
    with Interrupts() as guard:
        try:
            return handler(args)
        except KeyboardInterrupt as exc:
            guard.ignore_from_now()
            sys.stdout.flush()
            detail = str(exc) or nothing_kept
            print(printable(f"contagion {command}: interrupted: {detail}", one_line=True),
                  file=sys.stderr, flush=True)
            return 130


def register(subparsers) -> None:
    """Add ``sweep``."""
    p = subparsers.add_parser(
        "sweep", help="run a scenario over a parameter grid, many seeded runs, to Parquet",
        description="Run a scenario over a grid of parameter values with replicates, in "
                    "parallel, streaming one row per run to a resumable Parquet dataset. "
                    "Run the same command again to finish an interrupted sweep.")
    p.add_argument("scenario", metavar="NAME_OR_FILE", help="scenario name or .toml file")
    p.add_argument("--grid", action="append", default=[], metavar="NAME=VALUES",
                   help="a:b:n (n evenly spaced values, a and b included), a,b,c (a list) or "
                        "one value (a constant); repeat to cross several parameters; with "
                        "--design lhs or mc, a:b is the range to draw from")
    p.add_argument("--design", default="grid", choices=DESIGNS,
                   help="grid: every crossed point (default); lhs: Latin hypercube; mc: "
                        "Monte Carlo; lhs and mc draw --points points from --seed")
    p.add_argument("--points", metavar="N", help="points an lhs or mc design draws")
    p.add_argument("--reps", metavar="N", help="replicates per grid point (default: 1)")
    p.add_argument("--steps", metavar="N", help="steps per run (default: the scenario's)")
    p.add_argument("--seed", metavar="S", help="root seed (default: 0)")
    p.add_argument("--jobs", metavar="J", help="local worker processes (default: 1)")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the Parquet dataset")
    p.add_argument("--every", metavar="K",
                   help="keep every K-th step (one row per run and step) instead of the end")
    p.add_argument("--dask", metavar="ADDRESS",
                   help="run on a Dask cluster, e.g. tcp://scheduler:8786 (see docs/cluster.md)")
    p.add_argument("--dask-timeout", default="10", metavar="SECONDS",
                   help="give up connecting to --dask after this long (default: 10)")
    p.add_argument("--chunk", metavar="N", help="runs per Parquet shard (default: 100)")
    add_batch_options(p)
    p.add_argument("--force", action="store_true",
                   help="replace a different sweep already in --out")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(handler=sweep_command)


def sweep_command(args) -> int:
    """Handle ``contagion sweep`` (Ctrl-C: one line saying what was kept, status 130)."""
    return interruptible("sweep", _sweep, args, "no run had finished; nothing was written")


def _sweep(args) -> int:
    if args.dask and args.jobs is not None:
        raise ValueError("--jobs sets local processes; with --dask the cluster's workers run "
                         "the sweep: drop one of them")
    scenario = load_scenario(args.scenario)
    if not args.out.strip():
        raise ValueError("--out '' is empty: give a folder for the dataset, e.g. --out runs/")
    result = run_sweep(
        scenario, parse_grid(args.grid, args.design), design=args.design,
        points=parse_int("--points", args.points, 1, limit="grid_values"), reps=parse_int("--reps", args.reps, 1, 1),
        steps=parse_int("--steps", args.steps, 0, limit="steps"),
        seed=parse_int("--seed", args.seed, 0, 0, limit="seed"),
        jobs=parse_int("--jobs", args.jobs, 1, 1, limit="jobs"), out=args.out, dask=args.dask,
        dask_timeout=parse_positive("--dask-timeout", args.dask_timeout, limit="dask_timeout"),
        every=parse_int("--every", args.every, 1, limit="steps"), force=args.force,
        chunk=parse_int("--chunk", args.chunk, 1, 100, limit="chunk"),
        batch=not args.no_batch,
        batch_size=parse_int("--batch-size", args.batch_size, 1, limit="runs"),
        progress=not args.no_progress, warn=warner("sweep"))
    rate = f" ({result.ran / result.seconds:.1f} runs/s)" if result.ran and result.seconds else ""
    print(f"sweep {result.scenario}: {result.total} runs: {result.ran} ran now in "
          f"{result.seconds:.1f} s{rate}, {result.skipped} were already done")
    out = str(args.out)
    data = Path(out) / DATA
    print(f"data: {data} (a Parquet dataset; what was swept: {Path(out) / MANIFEST})")
    print(f'load it: pandas.read_parquet("{data}") or polars.read_parquet("{data}")')
    crossed = list(result.plan.crossed)
    y = f"{scenario.key_metrics[0]}_final" if scenario.key_metrics else "valence_final"
    if args.every is not None:  # trajectories: against step, one line per first parameter
        axes = ["step", *crossed[:1]]
        y = y.removesuffix("_final")
    else:
        axes = crossed[:2]
    if axes:
        hue = f" --hue {axes[1]}" if len(axes) > 1 else ""
        print(f"plot it: contagion plot {out} --x {axes[0]} --y {y}{hue}")
    return 0
