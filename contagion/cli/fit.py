"""``contagion fit``: calibrate a scenario's parameters to data (ABC-SMC, pyabc)."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from contagion.cli.common import parse_int, parse_positive, split_assignment
from contagion.experiments.fitting import fit
from contagion.experiments.fitting.priors import KINDS
from contagion.experiments.plan import load_scenario
from scenarios.params import parse_scenario_value

__all__ = ["register"]


def register(subparsers) -> None:
    """Add ``fit``."""
    p = subparsers.add_parser(
        "fit", help="fit a scenario's parameters to data (ABC-SMC) and say what the data identifies",
        description="Likelihood-free Bayesian calibration: ABC-SMC (pyabc) of the parameters "
                    "given with --param, the others fixed at the scenario's values or --set. "
                    "Prints the posterior and what the data could and could not identify; "
                    "writes samples, summary, report, figures and pyabc's database to --out. "
                    "Run the same command again to continue a fit that was cut off.")
    p.add_argument("scenario", metavar="NAME_OR_FILE", help="scenario name or .toml file")
    p.add_argument("--data", action="append", default=[], metavar="FILE", required=True,
                   help="a CSV or Parquet table: group time series (step or time, metric "
                        "columns) or an individual panel (agent, step or time, valence, "
                        "arousal); repeat for several tables")
    p.add_argument("--network", metavar="FILE",
                   help="the observed network (GraphML, or CSV edge list source,target[,weight]); "
                        "without it every simulation draws one from the scenario's recipe")
    p.add_argument("--param", action="append", default=[], metavar="NAME=PRIOR",
                   help="a parameter to fit and its prior: LOW:HIGH (uniform), or KIND:A:B with "
                        f"KIND one of {', '.join(KINDS)} (normal: mean, sd); repeatable")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="fix another parameter (repeatable)")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="folder for the posterior, report, figures and database")
    p.add_argument("--seed", metavar="S", help="root seed (default: 0); with --jobs 1 the same "
                                               "seed gives the same posterior")
    p.add_argument("--particles", metavar="N", help="particles per population (default: 200)")
    p.add_argument("--populations", metavar="N", help="at most this many populations (default: 8)")
    p.add_argument("--pilot", metavar="N",
                   help="prior simulations the summary projection is learnt from "
                        "(default: 5 x particles)")
    p.add_argument("--min-acceptance", metavar="RATE",
                   help="stop when a population accepts fewer than this share (default: 0.02)")
    p.add_argument("--adaptive-particles", action="store_true",
                   help="let pyabc adapt the number of particles per population")
    p.add_argument("--jobs", metavar="J", help="local worker processes (default: every core)")
    p.add_argument("--dask", metavar="ADDRESS",
                   help="run on a Dask cluster, e.g. tcp://scheduler:8786 (see docs/cluster.md)")
    p.add_argument("--dask-timeout", default="10", metavar="SECONDS",
                   help="give up connecting to --dask after this long (default: 10)")
    p.add_argument("--batch-size", metavar="N",
                   help="simulations per ensemble (default: from the model's size, about "
                        "10,000 people per batch); each worker takes whole batches")
    p.add_argument("--no-batch", action="store_true",
                   help="simulate one model at a time instead of batches (same posterior, slower)")
    p.add_argument("--draws", metavar="N",
                   help="posterior draws simulated for the predictive check (default: 40)")
    p.add_argument("--no-plots", action="store_true", help="skip the figures (and their simulations)")
    p.add_argument("--force", action="store_true", help="replace a different fit already in --out")
    p.add_argument("--no-progress", action="store_true", help="no progress lines")
    p.set_defaults(handler=fit_command)


def _assignments(option: str, items: list[str], example: str) -> dict[str, str]:
    out = {}
    for item in items:
        name, text = split_assignment(option, item, example)
        if name in out:
            raise ValueError(f"{option} {name} is given twice")
        out[name] = text
    return out


def _rate(text: str | None) -> float:
    if text is None:
        return 0.02
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"--min-acceptance {text!r} is not a number") from None
    if not 0 <= value < 1:
        raise ValueError(f"--min-acceptance {text} is invalid: allowed [0, 1)")
    return value


_STOPPING: list[bool] = []  # set by the first Ctrl-C


def _first_interrupt_only(signum, frame) -> None:
    """The first Ctrl-C stops the fit; later ones are ignored while it stops its workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _STOPPING.append(True)
    raise KeyboardInterrupt


def _interrupted(args) -> None:
    """One line: the fit stopped; what its folder keeps; how to continue."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut this line
    done = _populations_kept(Path(args.out) / "fit.db")
    kept = (f"{done} finished population{'s' if done != 1 else ''} kept in {args.out}/fit.db"
            if done else f"no finished population yet (the pilot, once done, is kept in "
                         f"{args.out})")
    print(f"contagion fit: interrupted: {kept}; run the same command again to continue",
          file=sys.stderr, flush=True)


def _populations_kept(path: Path) -> int:
    """Finished populations in a fit database (0 where there is none or it is unreadable)."""
    import sqlite3

    if not path.is_file():
        return 0
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.5)
        try:
            row = connection.execute("SELECT count(*) FROM populations WHERE t >= 0").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return 0
    return int(row[0]) if row else 0


def fit_command(args) -> int:
    """Handle ``contagion fit``."""
    if args.dask and args.jobs is not None:
        raise ValueError("--jobs sets local processes; with --dask the cluster's workers run "
                         "the fit: drop one of them")
    params = _assignments("--param", args.param, "PRIOR, e.g. mirroring=0:1")
    if not params:
        raise ValueError("give at least one --param NAME=PRIOR, e.g. --param mirroring=0:1")
    fixed = {k: parse_scenario_value(v) for k, v in
             _assignments("--set", args.set, "VALUE, e.g. regulation=0.05").items()}
    if args.no_batch and args.batch_size is not None:
        raise ValueError("--batch-size sets the runs per ensemble; --no-batch runs none: drop "
                         "one of them")
    options = dict(seed=parse_int("--seed", args.seed, 0, 0, limit="seed"),
                   particles=parse_int("--particles", args.particles, 10, 200, limit="particles"),
                   populations=parse_int("--populations", args.populations, 1, 8,
                                         limit="populations"),
                   pilot=parse_int("--pilot", args.pilot, 20, limit="pilot"),
                   min_acceptance=_rate(args.min_acceptance),
                   jobs=parse_int("--jobs", args.jobs, 1, limit="jobs"),
                   dask_timeout=parse_positive("--dask-timeout", args.dask_timeout,
                                               limit="dask_timeout"),
                   draws=parse_int("--draws", args.draws, 2, 40, limit="draws"),
                   batch_size=parse_int("--batch-size", args.batch_size, 1, limit="runs"))
    scenario = load_scenario(args.scenario)
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.default_int_handler:  # the main thread of a plain process
        signal.signal(signal.SIGINT, _first_interrupt_only)
    try:
        result = fit(scenario, args.data, params, network=args.network, fixed=fixed,
                     out=args.out, adaptive_particles=args.adaptive_particles, dask=args.dask,
                     force=args.force, plots=not args.no_plots, progress=not args.no_progress,
                     batch=not args.no_batch, **options)
    except KeyboardInterrupt:
        previous = None  # Ctrl-C stays ignored: the command is about to exit
        _interrupted(args)
        return 130
    except Exception:
        if not _STOPPING:
            raise
        # stopping the workers after a Ctrl-C can surface as another error (a pool that
        # broke while the interrupt unwound): it is still the interrupt the user asked for
        previous = None
        _interrupted(args)
        return 130
    finally:
        if previous is signal.default_int_handler:
            signal.signal(signal.SIGINT, previous)
    if not result.report.decided:
        print(f"contagion fit: warning: {result.report.ess_warning()}", file=sys.stderr)
    rate = result.ran / result.seconds if result.seconds > 0 else 0.0
    resumed = (f", continued from {result.resumed_from} populations" if result.resumed_from
               else "")
    how = "in batches" if result.batched else "one model at a time"
    print(f"fit {result.scenario}: {len(result.populations)} populations{resumed}, stopped at "
          f"{result.stop_reason or 'the end'}; {result.simulations} simulations and a pilot "
          f"of {result.pilot} ({result.ran} now, {rate:.1f}/s, {how}), {result.seconds:.0f} s")
    print(f"posterior ({len(result.posterior)} weighted particles):")
    print(result.summary.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    print(result.report.text())
    print(f"wrote: {', '.join(str(p) for p in result.files)}")
    print(f"pyabc's database: {args.out}/fit.db (pyabc.History(\"sqlite:///{args.out}/fit.db\"))")
    return 0
