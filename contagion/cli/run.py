"""``contagion run``: a scenario, or the plain model on a network family or a network file."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import scipy.sparse as sp

import scenarios
from contagion.cli.common import parse_settings
from contagion.cli.report import summary
from contagion.clock import duration_text
from contagion.experiments.plots import plot_curves
from contagion.graphs import read_network
from contagion.model import ENGINES, ContagionModel
from contagion.networks import FAMILIES, build
from contagion.output import Outputs
from contagion.params import check_limit, parse_value
from scenarios.compare import check_seeds, null_table
from scenarios.params import parse_scenario_value

__all__ = ["parse_assignments", "register"]


def parse_assignments(items: list[str]) -> dict[str, float]:
    """``["mirroring=0.6", ...]`` -> ``{"mirroring": 0.6}``, validated against the registry.

    A parameter given twice is an error (the later value would silently win).
    """
    return parse_settings("--set", items, parse_value)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative: allowed integers >= 0")
    return value


def register(subparsers) -> None:
    """Add the ``run`` subcommand."""
    p = subparsers.add_parser(
        "run", help="run a scenario (or the plain model) and print a summary",
        description="Run a scenario by name or .toml file, or without one the plain "
                    "mirroring model on a network, and print start vs end mood.",
    )
    p.add_argument("scenario", nargs="?", metavar="NAME_OR_FILE",
                   help="scenario name (see `contagion list`) or a scenario .toml file")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--network", choices=sorted(FAMILIES),
                        help="without a scenario: built-in network family (default: small-world)")
    source.add_argument("--graph", metavar="FILE",
                        help="without a scenario: your network, GraphML or edge-list CSV "
                             "(source,target[,weight])")
    p.add_argument("--agents", type=_count,
                   help="agents for --network (default: 1000)")
    p.add_argument("--degree", type=_count,
                   help="mean number of neighbours for --network (default: 10)")
    p.add_argument("--steps", type=_count, help="steps to run (default: the scenario's, or 200)")
    p.add_argument("--seed", type=_count, default=0, help="random seed (default: 0)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="set a parameter, e.g. --set mirroring=0.6 (repeatable)")
    p.add_argument("--engine", default="vectorized", choices=ENGINES,
                   help="vectorized (fast, default) or agents (Mesa agent loop)")
    p.add_argument("--null", action="store_true",
                   help="also run the nulls (no social contagion: ties cut, stimuli kept; no "
                        "stimulus) on --seeds seeds and print the part due to social contagion "
                        "with its 95%% interval")
    p.add_argument("--seeds", type=_count,
                   help="with --null: seeds --seed, --seed + 1, ... to compare over (default: 10)")
    p.add_argument("--out", metavar="FILE", help="write the per-step table (.csv or .parquet)")
    p.add_argument("--plot", metavar="FILE.png", help="draw the key curves to a PNG")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(handler=run)


def run(args) -> int:
    """Handle ``contagion run``: every output is checked first and written last, or not at all."""
    written: list[str] = []
    with Outputs() as outputs:
        _run(args, outputs, written)
    for line in written:  # only once every file is in place
        print(line)
    return 0


def _run(args, outputs: Outputs, written: list[str]) -> None:
    out = outputs.add(args.out, "table", "out")
    plot = outputs.add(args.plot, "figure", "plot")
    check_limit("seed", args.seed, where="--seed")
    if args.steps is not None:
        check_limit("steps", args.steps, where="--steps")
    if args.seeds is not None and not args.null:
        raise ValueError("--seeds applies only with --null: add --null, or drop --seeds")
    if args.null:
        args.seeds = 10 if args.seeds is None else args.seeds
        if args.seeds < 1:
            raise ValueError(f"--seeds {args.seeds} is invalid: allowed integers >= 1")
        check_limit("seeds", args.seeds, where="--seeds")
        check_limit("seed", args.seed + args.seeds - 1, where="--seed + --seeds - 1")
    if args.scenario is not None:
        if args.network or args.graph or args.agents is not None or args.degree is not None:
            raise ValueError("--network/--graph/--agents/--degree apply only without a "
                             "scenario; a scenario brings its own network (its parameters "
                             "change with --set)")
        result = _scenario_run(args)
    else:
        result = _plain_run(args)
    print(result.header)
    print(summary(result.frame, result.groups, result.columns))
    if args.null:
        bar = _bar(3 * args.seeds, "nulls", args.no_progress)
        comparison = null_table(result.summarise, check_seeds(args.seed, args.seeds),
                                bar.update if bar else None)
        if bar:
            bar.close()
        print(f"\nFull model against its nulls over seeds {args.seed}-{args.seed + args.seeds - 1}"
              " (means; social = full minus no_social on the same seed, 95% t-interval):")
        print("  no_social: social contagion cut (nobody perceives anybody), stimuli kept; "
              "no_stimulus: stimuli removed")
        print(comparison.drop(columns="seeds").to_string(float_format=lambda x: f"{x:8.3f}"))
    if out is not None:
        table = result.table(args.null)
        outputs.table(table, out)
        written.append(f"wrote {len(table)} rows to {out}")
    if plot is not None:
        null_frame = result.make(args.seed, "social").run(result.steps) if args.null else None
        plot_curves(result.frame, result.columns, plot, result.title, null_frame,
                    save=outputs.figure)
        written.append(f"wrote {plot}")


def _bar(total: int, what: str, off: bool):
    if off:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="run", desc=what, leave=False, delay=0.5)


@dataclass
class _Result:
    frame: pd.DataFrame
    make: Callable[[int, str | None], object]
    summarise: Callable[[int, str | None], dict]
    steps: int
    title: str
    header: str
    groups: list[str]
    columns: list[str]
    identity: dict

    def table(self, with_nulls: bool) -> pd.DataFrame:
        """The per-step table(s) with the run's identity columns in front."""
        frames = [self.frame.assign(model="full")]
        if with_nulls:
            seed = self.identity["seed"]
            frames += [self.make(seed, null).run(self.steps).assign(model=f"no_{null}")
                       for null in ("social", "stimulus")]
        table = pd.concat(frames, ignore_index=True)
        if not with_nulls:
            table = table.drop(columns="model")
        for position, (name, value) in enumerate(self.identity.items()):
            table.insert(position, name, value)
        return table


def _plain_run(args) -> _Result:
    params = parse_assignments(args.set)
    steps = 200 if args.steps is None else args.steps
    if args.graph and (args.agents is not None or args.degree is not None):
        raise ValueError("--agents/--degree apply only to --network: a --graph file brings "
                         "its own nodes and ties")
    if args.graph:
        graph = read_network(args.graph, progress=not args.no_progress)
        label = f"network file {args.graph}"
    else:
        family = args.network or "small-world"
        agents = 1000 if args.agents is None else args.agents
        degree = 10 if args.degree is None else args.degree
        graph = lambda rng: build(family, agents, degree, rng=rng)  # noqa: E731
        label = f"{family} network"

    def make(seed, null=None):  # an edge list arrives as a matrix: no Mesa space needed
        return ContagionModel(graph, engine=args.engine, rng=seed, social=null != "social",
                              stimuli=null != "stimulus", space=not sp.issparse(graph), **params)

    def summarise(seed, null):
        final = make(seed, null).run(steps).iloc[-1]
        return {f"{m}_final": float(final[m]) for m in ("valence", "valence_sd", "arousal")}

    first = make(args.seed)
    frame = first.run(steps, progress=not args.no_progress)
    header = (f"contagion run: {label}, {first.n_agents} agents, {steps} steps of "
              f"{duration_text(first.dt, first.time_unit)}, seed {args.seed}, {args.engine} engine")
    return _Result(frame, make, summarise, steps, label, header, first.group_names,
                   ["valence", "arousal"], {"seed": args.seed, **params})


def _scenario_run(args) -> _Result:
    scenario = scenarios.by_name_or_file(args.scenario)
    overrides = parse_settings("--set", args.set, lambda name, text: parse_scenario_value(text))
    scenario = scenario.replace(**overrides)
    steps = scenario.steps if args.steps is None else args.steps

    def make(seed, null=None):
        return scenario.build(seed, null=null, engine=args.engine)

    def summarise(seed, null):
        return scenario.summary_values(make(seed, null).run(steps))

    model = make(args.seed)
    frame = model.run(steps, progress=not args.no_progress)
    outcomes = scenario.outcome_values(frame)
    span = duration_text(scenario.dt * steps, scenario.time_unit)
    header = (f"{scenario.title}: scenario {scenario.name}, {model.n_agents} agents, {steps} "
              f"steps of {duration_text(scenario.dt, scenario.time_unit)} ({span}), "
              f"seed {args.seed}")
    if outcomes:
        header += "\n" + "  ".join(f"{k} = {v:.3f}" for k, v in outcomes.items())
    columns = list(scenario.key_metrics) or ["valence", "arousal"]
    return _Result(frame, make, summarise, steps, scenario.title, header, model.group_names,
                   columns, {"scenario": scenario.name, "seed": args.seed})
