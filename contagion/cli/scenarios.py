"""``contagion list`` and ``contagion show``: the scenario library from the command line."""

from __future__ import annotations

import scenarios
from contagion.params import describe as describe_engine_params

__all__ = ["register"]


def register(subparsers) -> None:
    """Add ``list`` and ``show``."""
    p = subparsers.add_parser("list", help="list the scenarios",
                              description="List every scenario: built-in and installed.")
    p.set_defaults(handler=list_scenarios)
    p = subparsers.add_parser("show", help="describe a scenario",
                              description="Describe a scenario: what it models, parameters "
                              "with defaults and ranges, metrics, references.")
    p.add_argument("scenario", metavar="NAME_OR_FILE", help="scenario name or a .toml file")
    p.add_argument("--all", action="store_true", help="also list every engine parameter")
    p.add_argument("--toml", action="store_true", help="print the scenario as a TOML file")
    p.set_defaults(handler=show)


def list_scenarios(args) -> int:
    """Handle ``contagion list``."""
    names = scenarios.names()
    width = max(map(len, names))
    for name in names:
        try:
            title = scenarios.get(name).title
        except ValueError as exc:  # a broken plug-in must not hide the others
            title = f"(cannot be loaded: {exc})"
        print(f"{name:<{width}}  {title}")
    return 0


def show(args) -> int:
    """Handle ``contagion show``."""
    scenario = scenarios.by_name_or_file(args.scenario)
    if args.toml:
        print(scenario.to_toml(), end="")
        return 0
    print(scenario.describe())
    if args.all:
        print("\nEngine parameters (name, range, default, meaning):")
        print(describe_engine_params())
    return 0
