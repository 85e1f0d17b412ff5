"""``contagion sweep``, ``contagion sensitivity`` and ``contagion plot``: batch experiments.

Numbers given on the command line are checked here, not by argparse, so that every
bad value gives one line on stderr and exit status 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["parse_grid", "register"]


def _int(option: str, text: str | None, minimum: int, default=None):
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{option} {text!r} is not an integer") from None
    if value < minimum:
        raise ValueError(f"{option} {value} is invalid: allowed integers >= {minimum}")
    return value


def _float(option: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{option} {text!r} is not a number") from None
    if not value > 0:
        raise ValueError(f"{option} {text} is invalid: allowed numbers > 0")
    return value


def _split(option: str, item: str) -> tuple[str, str]:
    name, sep, text = item.partition("=")
    if not sep or not name.strip():
        raise ValueError(f"{option} {item!r} is malformed: use NAME=VALUES, e.g. mirroring=0:1:11")
    return name.strip(), text.strip()


def parse_grid(items: list[str]) -> dict:
    """``["mirroring=0:1:11", "outgroup_sign=-1,0,0.5"]`` -> grid mapping (not yet validated)."""
    from contagion.sweep_plan import parse_grid_value

    grid = {}
    for item in items:
        name, text = _split("--grid", item)
        if name in grid:
            raise ValueError(f"--grid {name} is given twice")
        grid[name] = parse_grid_value(name, text)
    return grid


def _warn(command: str):
    def warn(message: str) -> None:
        print(f"contagion {command}: warning: {message}", file=sys.stderr)
    return warn


def register(subparsers) -> None:
    """Add ``sweep``, ``sensitivity`` and ``plot``."""
    _register_sweep(subparsers)
    _register_sensitivity(subparsers)
    _register_plot(subparsers)


def _register_sweep(subparsers) -> None:
    p = subparsers.add_parser(
        "sweep", help="run a scenario over a parameter grid, many seeded runs, to Parquet",
        description="Run a scenario over a grid of parameter values with replicates, in "
                    "parallel, streaming one row per run to a resumable Parquet dataset. "
                    "Run the same command again to finish an interrupted sweep.")
    p.add_argument("scenario", metavar="NAME_OR_FILE", help="scenario name or .toml file")
    p.add_argument("--grid", action="append", default=[], metavar="NAME=VALUES",
                   help="a:b:n (n evenly spaced values, a and b included), a,b,c (a list) or "
                        "one value (a constant); repeat to cross several parameters")
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
    p.add_argument("--force", action="store_true",
                   help="replace a different sweep already in --out")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(handler=sweep_command)


def sweep_command(args) -> int:
    """Handle ``contagion sweep``."""
    from contagion.sweep import run_sweep
    from contagion.sweep_plan import load_scenario

    if args.dask and args.jobs is not None:
        raise ValueError("--jobs sets local processes; with --dask the cluster's workers run "
                         "the sweep: drop one of them")
    scenario = load_scenario(args.scenario)
    result = run_sweep(
        scenario, parse_grid(args.grid), reps=_int("--reps", args.reps, 1, 1),
        steps=_int("--steps", args.steps, 0), seed=_int("--seed", args.seed, 0, 0),
        jobs=_int("--jobs", args.jobs, 1, 1), out=args.out, dask=args.dask,
        dask_timeout=_float("--dask-timeout", args.dask_timeout),
        every=_int("--every", args.every, 1), force=args.force,
        chunk=_int("--chunk", args.chunk, 1, 100), progress=not args.no_progress,
        warn=_warn("sweep"))
    rate = f" ({result.ran / result.seconds:.1f} runs/s)" if result.ran and result.seconds else ""
    print(f"sweep {result.scenario}: {result.total} runs: {result.ran} ran now in "
          f"{result.seconds:.1f} s{rate}, {result.skipped} were already done")
    out = str(args.out)
    print(f"data: {out} (Parquet dataset; what was swept: {Path(out) / '_manifest.json'})")
    print(f'load it: pandas.read_parquet("{out}")')
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


def _register_sensitivity(subparsers) -> None:
    from contagion.sensitivity import METHODS

    p = subparsers.add_parser(
        "sensitivity", help="Sobol' or Morris sensitivity indices of a scenario (SALib)",
        description="Sample parameters over ranges, run the scenario for each sample (same "
                    "seed for all: common random numbers) and print sensitivity indices "
                    "with 95% confidence intervals for each metric.")
    p.add_argument("scenario", metavar="NAME_OR_FILE", help="scenario name or .toml file")
    p.add_argument("--param", action="append", default=[], metavar="NAME=LOW:HIGH",
                   help="a parameter to vary over [LOW, HIGH] (NAME alone: its whole range)")
    p.add_argument("--method", default="sobol", choices=METHODS,
                   help="sobol: first-order and total indices; morris: elementary effects")
    p.add_argument("--samples", default="64", metavar="N",
                   help="sobol: base samples, a power of 2 (runs: N x (params + 2)); "
                        "morris: trajectories (runs: N x (params + 1)); default 64")
    p.add_argument("--metric", action="append", default=[], metavar="NAME",
                   help="metric to analyse (default: the scenario's key metrics and outcomes)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="fix another parameter, e.g. --set rows=10 (repeatable)")
    p.add_argument("--steps", metavar="N", help="steps per run (default: the scenario's)")
    p.add_argument("--seed", metavar="S", help="model and sampling seed (default: 0)")
    p.add_argument("--jobs", metavar="J", help="local worker processes (default: 1)")
    p.add_argument("--dask", metavar="ADDRESS", help="run on a Dask cluster")
    p.add_argument("--out", metavar="FILE", help="write the indices (.csv or .parquet)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(handler=sensitivity_command)


def _param_range(item: str) -> tuple[str, tuple[float, float] | None]:
    name, sep, text = item.partition("=")
    name = name.strip()
    if not name or (sep and not text.strip()):
        raise ValueError(f"--param {item!r} is malformed: use NAME=LOW:HIGH, e.g. mirroring=0:1")
    if not sep:
        return name, None
    parts = text.split(":")
    try:
        if len(parts) != 2:
            raise ValueError
        return name, (float(parts[0]), float(parts[1]))
    except ValueError:
        raise ValueError(f"--param {item!r} is malformed: use NAME=LOW:HIGH, "
                         "e.g. mirroring=0:1") from None


def sensitivity_command(args) -> int:
    """Handle ``contagion sensitivity``."""
    from contagion.cli_scenarios import parse_scenario_value
    from contagion.output import check_table_path, write_table
    from contagion.sensitivity import format_table, sensitivity
    from contagion.sweep_plan import load_scenario

    out = check_table_path(args.out) if args.out else None
    if not args.param:
        raise ValueError("give at least one --param NAME=LOW:HIGH")
    params = {}
    for item in args.param:
        name, bounds = _param_range(item)
        if name in params:
            raise ValueError(f"--param {name} is given twice")
        params[name] = bounds
    scenario = load_scenario(args.scenario)
    fixed = {}
    for item in args.set:
        name, text = _split("--set", item)
        fixed[name] = parse_scenario_value(text)
    scenario = scenario.replace(**fixed)
    table = sensitivity(scenario, params, method=args.method,
                        samples=_int("--samples", args.samples, 2), metrics=args.metric or None,
                        steps=_int("--steps", args.steps, 0), seed=_int("--seed", args.seed, 0, 0),
                        jobs=_int("--jobs", args.jobs, 1, 1), dask=args.dask,
                        progress=not args.no_progress)
    what = ("first-order S1 and total ST Sobol' indices" if args.method == "sobol"
            else "Morris elementary effects (mu_star: mean absolute effect)")
    print(f"sensitivity of {scenario.name}: {what}; +-conf: 95% bootstrap half-widths; "
          f"{table.attrs['runs']} runs, seed {args.seed or 0}")
    print(format_table(table))
    if out is not None:
        write_table(table, out)
        print(f"wrote {len(table)} rows to {out}")
    return 0


def _register_plot(subparsers) -> None:
    p = subparsers.add_parser(
        "plot", help="plot a sweep: a metric against a parameter with 95%% intervals",
        description="Plot a metric of a sweep against a parameter: mean over replicates "
                    "with a 95% t-interval, one line per --hue value.")
    p.add_argument("data", metavar="DIR_OR_FILE", help="sweep folder, or a .parquet/.csv table")
    p.add_argument("--x", required=True, help="parameter on the x axis (or step)")
    p.add_argument("--y", required=True, help="metric on the y axis, e.g. home_valence_final")
    p.add_argument("--hue", help="parameter with one line per value")
    p.add_argument("--where", action="append", default=[], metavar="NAME=VALUE",
                   help="keep only runs with this parameter value (repeatable)")
    p.add_argument("--out", metavar="FILE.png",
                   help="the figure (default: <y>_by_<x>[_and_<hue>].png here)")
    p.set_defaults(handler=plot_command)


def plot_command(args) -> int:
    """Handle ``contagion plot``."""
    from contagion.cli_scenarios import parse_scenario_value
    from contagion.sweep_plot import plot_sweep

    where = {}
    for item in args.where:
        name, text = _split("--where", item)
        where[name] = parse_scenario_value(text)
    path = plot_sweep(args.data, args.x, args.y, args.hue, args.out, where,
                      warn=_warn("plot"))
    print(f"wrote {path}")
    return 0
