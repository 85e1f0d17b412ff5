"""``contagion run``: a scenario, or the plain model on a network family or a network file."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import pandas as pd

import scenarios
from contagion.cli.common import split_assignment
from contagion.cli.report import summary
from contagion.experiments.plots import plot_curves
from contagion.graphs import read_graph
from contagion.model import ENGINES, ContagionModel
from contagion.networks import FAMILIES, build
from contagion.output import check_png_path, check_table_path, write_table
from contagion.params import parse_value
from scenarios.compare import null_comparison
from scenarios.params import parse_scenario_value

__all__ = ["parse_assignments", "register"]


def parse_assignments(items: list[str]) -> dict[str, float]:
    """``["mirroring=0.6", ...]`` -> ``{"mirroring": 0.6}``, validated against the registry."""
    return {name: parse_value(name, text)
            for name, text in (split_assignment("--set", item) for item in items)}


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
    p.add_argument("--agents", type=_count, default=1000,
                   help="agents for --network (default: 1000)")
    p.add_argument("--degree", type=_count, default=10,
                   help="mean number of neighbours for --network (default: 10)")
    p.add_argument("--steps", type=_count, help="steps to run (default: the scenario's, or 200)")
    p.add_argument("--seed", type=_count, default=None,
                   help="random seed (default: the scenario file's seed, else 0)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="set a parameter, e.g. --set mirroring=0.6 (repeatable)")
    p.add_argument("--engine", default="vectorized", choices=ENGINES,
                   help="vectorized (fast, default) or agents (Mesa agent loop)")
    p.add_argument("--null", action="store_true",
                   help="also run the null model (mirroring 0, all else equal) and compare")
    p.add_argument("--out", metavar="FILE", help="write the per-step table (.csv or .parquet)")
    p.add_argument("--plot", metavar="FILE.png", help="draw the key curves to a PNG")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(handler=run)


def run(args) -> int:
    """Handle ``contagion run``."""
    out = check_table_path(args.out) if args.out else None
    plot = check_png_path(args.plot) if args.plot else None
    if args.scenario:
        if args.network or args.graph:
            raise ValueError("--network/--graph apply only without a scenario; a scenario "
                             "brings its own network")
        result = _run_scenario(args)
    else:
        result = _run_plain(args)
    print(result.header)
    print(summary(result.frame, result.groups, result.columns))
    if result.comparison is not None:
        print("\nWith vs without mirroring (null model: mirroring 0, same seed):")
        print(result.comparison.to_string(float_format=lambda x: f"{x:8.3f}"))
    if out is not None:
        table = result.table()
        write_table(table, out)
        print(f"wrote {len(table)} rows to {out}")
    if plot is not None:
        plot_curves(result.frame, result.columns, plot, result.title, result.null_frame)
        print(f"wrote {plot}")
    return 0


@dataclass
class _Result:
    frame: pd.DataFrame
    null_frame: pd.DataFrame | None
    comparison: pd.DataFrame | None
    title: str
    header: str
    groups: list[str]
    columns: list[str]
    identity: dict

    def table(self) -> pd.DataFrame:
        """The per-step table(s) with the run's identity columns in front."""
        frames = [self.frame] if self.null_frame is None else [
            self.frame.assign(model="with_mirroring"), self.null_frame.assign(model="without_mirroring")]
        table = pd.concat(frames, ignore_index=True)
        for position, (name, value) in enumerate(self.identity.items()):
            table.insert(position, name, value)
        return table


def _run_plain(args) -> _Result:
    seed = 0 if args.seed is None else args.seed
    params = parse_assignments(args.set)
    steps = 200 if args.steps is None else args.steps
    if args.graph:
        graph, label = read_graph(args.graph), f"network file {args.graph}"
    else:
        family, agents, degree = args.network or "small-world", args.agents, args.degree
        graph = lambda rng: build(family, agents, degree, rng=rng)  # noqa: E731
        label = f"{family} network"

    def model():
        return ContagionModel(graph, engine=args.engine, rng=seed, **params)

    first = model()
    frame = first.run(steps, progress=not args.no_progress)
    null_frame = comparison = None
    if args.null:
        null_model = model()
        null_model.mirroring = 0.0
        null_frame = null_model.run(steps)
        finals = ["valence", "valence_sd", "arousal"]
        comparison = null_comparison(frame[finals].iloc[-1].to_dict(),
                                     null_frame[finals].iloc[-1].to_dict())
    header = (f"contagion run: {label}, {first.n_agents} agents, {steps} steps, "
              f"seed {seed}, {args.engine} engine")
    return _Result(frame, null_frame, comparison, label, header, first.group_names,
                   ["valence", "arousal"], {"seed": seed, **params})


def _run_scenario(args) -> _Result:
    scenario = scenarios.by_name_or_file(args.scenario)
    overrides = {name: parse_scenario_value(text)
                 for name, text in (split_assignment("--set", item) for item in args.set)}
    scenario = scenario.replace(**overrides)
    # a scenario file may carry a seed (the dashboard's exports do): --seed wins over it
    seed = args.seed if args.seed is not None else scenario.seed or 0
    steps = scenario.steps if args.steps is None else args.steps
    model = scenario.build(seed, engine=args.engine)
    frame = model.run(steps, progress=not args.no_progress)
    null_frame = comparison = None
    if args.null:
        null_model = scenario.build(seed, engine=args.engine)
        null_model.mirroring = 0.0
        null_frame = null_model.run(steps)
        comparison = null_comparison(scenario.summary_values(frame),
                                 scenario.summary_values(null_frame))
    outcomes = scenario.outcome_values(frame)
    header = (f"{scenario.title}: scenario {scenario.name}, {model.n_agents} agents, "
              f"{steps} steps, seed {seed}")
    if outcomes:
        header += "\n" + "  ".join(f"{k} = {v:.3f}" for k, v in outcomes.items())
    columns = list(scenario.key_metrics) or ["valence", "arousal"]
    return _Result(frame, null_frame, comparison, scenario.title, header, model.group_names,
                   columns, {"scenario": scenario.name, "seed": seed})
