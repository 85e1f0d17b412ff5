"""``contagion run``: one model run on a built-in network family or a network file."""

from __future__ import annotations

import argparse
import sys

from contagion.graphs import read_graph
from contagion.model import ENGINES, ContagionModel
from contagion.networks import FAMILIES, build
from contagion.output import check_table_path, write_table
from contagion.params import parse_value
from contagion.report import summary

__all__ = ["parse_assignments", "register"]


def parse_assignments(items: list[str]) -> dict[str, float]:
    """``["mirroring=0.6", ...]`` -> ``{"mirroring": 0.6}``, validated against the registry."""
    values = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--set {item!r} is malformed: use NAME=VALUE, e.g. mirroring=0.6")
        values[name.strip()] = parse_value(name.strip(), text.strip())
    return values


def _positive_int(text: str) -> int:
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
        "run", help="run one model and print a summary",
        description="Run the mirroring model on a network and print start vs end mood.",
    )
    source = p.add_mutually_exclusive_group()
    source.add_argument("--network", default="small-world", choices=sorted(FAMILIES),
                        help="built-in network family (default: small-world)")
    source.add_argument("--graph", metavar="FILE",
                        help="your own network: GraphML, or an edge-list CSV (source,target[,weight])")
    p.add_argument("--agents", type=_positive_int, default=1000,
                   help="number of agents for --network (default: 1000)")
    p.add_argument("--degree", type=_positive_int, default=10,
                   help="mean number of neighbours for --network (default: 10)")
    p.add_argument("--steps", type=_positive_int, default=200, help="steps to run (default: 200)")
    p.add_argument("--seed", type=_positive_int, default=0, help="random seed (default: 0)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="set a parameter, e.g. --set mirroring=0.6 (repeatable)")
    p.add_argument("--engine", default="vectorized", choices=ENGINES,
                   help="vectorized (fast, default) or agents (Mesa agent loop)")
    p.add_argument("--out", metavar="FILE", help="write the per-step table (.csv or .parquet)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(handler=run)


def run(args) -> int:
    """Handle ``contagion run``."""
    params = parse_assignments(args.set)
    out = check_table_path(args.out) if args.out else None
    if args.graph:
        graph, label = read_graph(args.graph), f"network file {args.graph}"
    else:
        network, agents, degree = args.network, args.agents, args.degree
        graph = lambda rng: build(network, agents, degree, rng=rng)  # noqa: E731
        label = f"{args.network} network"
    model = ContagionModel(graph, engine=args.engine, rng=args.seed, **params)
    frame = model.run(args.steps, progress=not args.no_progress)
    print(f"contagion run: {label}, {model.n_agents} agents, {args.steps} steps, "
          f"seed {args.seed}, {args.engine} engine")
    print(summary(frame, model.group_names))
    if out is not None:
        frame.insert(0, "seed", args.seed)
        for name, value in params.items():
            frame.insert(1, name, value)
        write_table(frame, out)
        print(f"wrote {len(frame)} rows to {out}")
    sys.stdout.flush()
    return 0
