"""``contagion run``: a scenario, or the plain model on a network family or a network file."""

from __future__ import annotations

import argparse

import pandas as pd

from contagion.graphs import read_graph
from contagion.model import ENGINES, ContagionModel
from contagion.networks import FAMILIES, build
from contagion.output import check_table_path, write_table
from contagion.params import parse_value
from contagion.plotting import check_png_path, plot_curves
from contagion.report import summary

__all__ = ["parse_assignments", "register"]


def _split(item: str) -> tuple[str, str]:
    name, sep, text = item.partition("=")
    if not sep or not name.strip():
        raise ValueError(f"--set {item!r} is malformed: use NAME=VALUE, e.g. mirroring=0.6")
    return name.strip(), text.strip()


def parse_assignments(items: list[str]) -> dict[str, float]:
    """``["mirroring=0.6", ...]`` -> ``{"mirroring": 0.6}``, validated against the registry."""
    return {name: parse_value(name, text) for name, text in map(_split, items)}


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
    p.add_argument("--seed", type=_count, default=0, help="random seed (default: 0)")
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
        frame, null, header, groups, columns = _run_scenario(args)
    else:
        frame, null, header, groups, columns = _run_plain(args)
    print(header)
    print(summary(frame, groups, columns))
    if null is not None:
        print("\nWith vs without mirroring (null model: mirroring 0, same seed):")
        print(null.to_string(float_format=lambda x: f"{x:8.3f}"))
    if out is not None:
        table = frame if args.null_frame is None else pd.concat(
            [frame.assign(model="mirroring"), args.null_frame.assign(model="null")])
        write_table(table, out)
        print(f"wrote {len(table)} rows to {out}")
    if plot is not None:
        plot_curves(frame, columns, plot, header.split(":")[0], args.null_frame)
        print(f"wrote {plot}")
    return 0


def _run_plain(args):
    params = parse_assignments(args.set)
    steps = 200 if args.steps is None else args.steps
    if args.graph:
        graph, label = read_graph(args.graph), f"network file {args.graph}"
    else:
        family, agents, degree = args.network or "small-world", args.agents, args.degree
        graph = lambda rng: build(family, agents, degree, rng=rng)  # noqa: E731
        label = f"{family} network"
    model = ContagionModel(graph, engine=args.engine, rng=args.seed, **params)
    frame = model.run(steps, progress=not args.no_progress)
    args.null_frame, comparison = None, None
    if args.null:
        null_model = ContagionModel(graph, engine=args.engine, rng=args.seed, **params)
        null_model.mirroring = 0.0
        args.null_frame = null_model.run(steps)
        comparison = _compare(frame, args.null_frame, ["valence", "valence_sd", "arousal"])
    frame.insert(0, "seed", args.seed)
    for name, value in params.items():
        frame.insert(1, name, value)
    header = (f"contagion run: {label}, {model.n_agents} agents, {steps} steps, "
              f"seed {args.seed}, {args.engine} engine")
    return frame, comparison, header, model.group_names, ["valence", "arousal"]


def _compare(frame, null_frame, columns) -> pd.DataFrame:
    table = pd.DataFrame({"with_mirroring": frame[columns].iloc[-1],
                          "null": null_frame[columns].iloc[-1]})
    table["mirroring_part"] = table["with_mirroring"] - table["null"]
    return table.rename_axis("metric")


def _run_scenario(args):
    import scenarios

    from contagion.cli_scenarios import parse_scenario_value

    scenario = scenarios.by_name_or_file(args.scenario)
    overrides = {name: parse_scenario_value(text) for name, text in map(_split, args.set)}
    scenario = scenario.replace(**overrides)
    steps = scenario.steps if args.steps is None else args.steps
    model = scenario.build(args.seed, engine=args.engine)
    frame = model.run(steps, progress=not args.no_progress)
    args.null_frame, comparison = None, None
    if args.null:
        null_model = scenario.build(args.seed, engine=args.engine)
        null_model.mirroring = 0.0
        args.null_frame = null_model.run(steps)
        full, null = scenario.summary_values(frame), scenario.summary_values(args.null_frame)
        comparison = pd.DataFrame({"with_mirroring": full, "null": null})
        comparison["mirroring_part"] = comparison["with_mirroring"] - comparison["null"]
        comparison = comparison.rename_axis("metric")
    outcomes = scenario.outcome_values(frame)
    header = (f"{scenario.title}: scenario {scenario.name}, {model.n_agents} agents, "
              f"{steps} steps, seed {args.seed}")
    if outcomes:
        header += "\n" + "  ".join(f"{k} = {v:.3f}" for k, v in outcomes.items())
    frame.insert(0, "seed", args.seed)
    frame.insert(0, "scenario", scenario.name)
    columns = list(scenario.key_metrics) or ["valence", "arousal"]
    return frame, comparison, header, model.group_names, columns
