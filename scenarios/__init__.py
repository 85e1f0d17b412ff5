"""The scenario library: documented, validated declarations of contagion experiments.

>>> import scenarios
>>> "football_crowd" in scenarios.names()
True
>>> frame = scenarios.get("leader_team").run(steps=30, rng=1)

Every built-in scenario is also a module attribute (``from scenarios import
football_crowd``) and a TOML file under ``scenarios/library/``.
"""

from scenarios.params import ScenarioParam
from scenarios.registry import by_name_or_file, get, load, loads, names, register
from scenarios.serialize import dumps
from scenarios.spec import Scenario

__all__ = ["Scenario", "ScenarioParam", "by_name_or_file", "dumps", "get", "load", "loads",
           "names", "register"]


def __getattr__(name: str):
    """``scenarios.football_crowd`` and friends: the registered scenario of that name."""
    if name.startswith("_"):
        raise AttributeError(name)
    try:
        return get(name)
    except ValueError:
        raise AttributeError(f"module 'scenarios' has no attribute {name!r}") from None
