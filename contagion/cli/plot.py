"""``contagion plot``: a sweep's metric against a parameter, with 95 % intervals."""

from __future__ import annotations

from contagion.cli.common import parse_settings, warner
from contagion.experiments.plots import plot_sweep
from scenarios.params import parse_scenario_value

__all__ = ["register"]


def register(subparsers) -> None:
    """Add ``plot``."""
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
    where = parse_settings("--where", args.where, _one_value)
    path = plot_sweep(args.data, args.x, args.y, args.hue, args.out, where,
                      warn=warner("plot"))
    print(f"wrote {path}")
    return 0


def _one_value(name: str, text: str):
    value = parse_scenario_value(text)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"--where {name}={text}: give one value (a number or a word)")
    return value
