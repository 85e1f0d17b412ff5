"""``contagion sensitivity``: Sobol' or Morris indices of a scenario's metrics (SALib)."""

from __future__ import annotations

from contagion.cli.common import add_batch_options, parse_int, parse_settings
from contagion.experiments.plan import load_scenario
from contagion.experiments.sensitivity import METHODS, format_table, sensitivity
from contagion.output import check_table_path, write_table
from scenarios.params import parse_scenario_value

__all__ = ["register"]


def register(subparsers) -> None:
    """Add ``sensitivity``."""
    p = subparsers.add_parser(
        "sensitivity", help="Sobol', Morris, FAST, RBD-FAST or delta sensitivity indices "
                            "of a scenario (SALib)",
        description="Sample parameters over ranges, run the scenario for each sample (same "
                    "seed for all: common random numbers) and print sensitivity indices "
                    "with 95% confidence intervals for each metric.")
    p.add_argument("scenario", metavar="NAME_OR_FILE", help="scenario name or .toml file")
    p.add_argument("--param", action="append", default=[], metavar="NAME=LOW:HIGH",
                   help="a parameter to vary over [LOW, HIGH] (NAME alone: its whole range)")
    p.add_argument("--method", default="sobol", choices=METHODS,
                   help="sobol: first-order and total indices; morris: elementary effects; "
                        "fast: extended FAST (S1, ST); rbd_fast: RBD-FAST (S1); delta: "
                        "Borgonovo's delta and S1")
    p.add_argument("--reps", metavar="N",
                   help="seeds per sample, the same for every sample (default: 1); the "
                        "indices are those of the mean, with the seed noise left in it")
    p.add_argument("--samples", default="64", metavar="N",
                   help="sobol: base samples, a power of 2 (runs: N x (params + 2)); "
                        "morris: trajectories (runs: N x (params + 1)); fast: runs per "
                        "parameter, > 64; rbd_fast, delta: runs; default 64")
    p.add_argument("--metric", action="append", default=[], metavar="NAME",
                   help="metric to analyse (default: the scenario's key metrics and outcomes)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="fix another parameter, e.g. --set rows=10 (repeatable)")
    p.add_argument("--steps", metavar="N", help="steps per run (default: the scenario's)")
    p.add_argument("--seed", metavar="S", help="model and sampling seed (default: 0)")
    p.add_argument("--jobs", metavar="J", help="local worker processes (default: 1)")
    p.add_argument("--dask", metavar="ADDRESS", help="run on a Dask cluster")
    p.add_argument("--out", metavar="FILE", help="write the indices (.csv or .parquet)")
    add_batch_options(p)
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
    """Handle ``contagion sensitivity`` (Ctrl-C: one line, status 130)."""
    from contagion.cli.sweep import interruptible

    return interruptible("sensitivity", _sensitivity, args,
                         "no indices were computed and nothing was written; run the same "
                         "command again")


def _sensitivity(args) -> int:
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
    fixed = parse_settings("--set", args.set, lambda name, text: parse_scenario_value(text),
                           taken=dict.fromkeys(params, "--param"))
    scenario = scenario.replace(**fixed)
    table = sensitivity(scenario, params, method=args.method,
                        samples=parse_int("--samples", args.samples, 2, limit="runs"),
                        metrics=args.metric or None,
                        reps=parse_int("--reps", args.reps, 1, 1, limit="runs"),
                        steps=parse_int("--steps", args.steps, 0, limit="steps"),
                        seed=parse_int("--seed", args.seed, 0, 0, limit="seed"),
                        jobs=parse_int("--jobs", args.jobs, 1, 1, limit="jobs"), dask=args.dask,
                        progress=not args.no_progress, batch=not args.no_batch,
                        batch_size=parse_int("--batch-size", args.batch_size, 1, limit="runs"))
    what = {"sobol": "first-order S1 and total ST Sobol' indices",
            "morris": "Morris elementary effects (mu_star: mean absolute effect)",
            "fast": "first-order S1 and total ST indices by extended FAST",
            "rbd_fast": "first-order S1 indices by RBD-FAST",
            "delta": "Borgonovo's delta and first-order S1"}[args.method]
    reps = table.attrs.get("reps", 1)
    noise = (f"; {reps} seeds per sample, indices of their mean, noise_share: the share of "
             "its variance that is seed noise" if reps > 1 else "")
    print(f"sensitivity of {scenario.name}: {what}; conf: 95% bootstrap half-widths; "
          f"{table.attrs['runs']} runs, seed {args.seed or 0}{noise}")
    print(format_table(table))
    if out is not None:
        write_table(table, out)
        print(f"wrote {len(table)} rows to {out}")
    return 0
