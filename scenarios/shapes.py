"""What a network recipe will build, known from its keys before it runs.

A scenario's ``[network]`` table names a recipe and its keys. Before anything is built
this module checks every key's type and range, counts the agents and ties the recipe
will make (ties as insertions: an upper bound on both its memory and its work), and
names the groups it can produce, so that a file asking for a trillion ties is refused
at once, and a metric about a group no recipe or profile makes is refused at load.

The type of a key is read from the recipe's signature (an ``int`` default: an integer;
a ``float`` default: a number; ``None``: a group name), so a new recipe needs only an
entry in :data:`SIZES` and :data:`GROUPS` here (the tests check that every recipe has one).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from contagion import networks
from contagion.graphs import MAX_WEIGHT
from contagion.memory import check_memory, graph_bytes, model_bytes
from contagion.params import check_limit
from scenarios import recipes
from scenarios.declaration import check_identifier, is_reference

__all__ = ["GROUPS", "SIZES", "Shape", "check_network", "key_kinds", "possible_groups"]

#: Smallest and largest value of recipe keys, where they differ from "integer >= 0" or
#: "number in [0, MAX_WEIGHT]".
RANGES = {
    "n_agents": (1, math.inf), "degree": (1, math.inf), "members": (1, math.inf),
    "teams": (1, math.inf), "rows": (1, math.inf), "cols": (1, math.inf),
    "listeners": (1, math.inf), "viewers": (1, math.inf), "together": (0, 1),
    "friend_share": (0.0, 1.0),
    "seats": (8, math.inf), "trigger": (1, math.inf), "parties": (1, math.inf),
    "rooms": (1, math.inf), "largest_party": (2, math.inf), "company_share": (0.0, 1.0),
}


@dataclass(frozen=True)
class Shape:
    """A network's size, counted from a recipe's keys: agents and ties (insertions)."""

    agents: int
    ties: int


def _family_size(name: str) -> Callable[..., Shape]:
    def size(n_agents=100, degree=10, group=None):
        return Shape(n_agents, networks.ties(name, n_agents, min(degree, max(1, n_agents - 1))))
    return size


def _team(members=8, teams=1, leader_weight=1.0, member_degree=0):
    manager = 1 if teams > 1 else 0
    colleagues = members * (members - 1) // 2 if member_degree <= 0 else \
        networks.ties("small-world", members, min(member_degree, max(1, members - 1)))
    return Shape(teams * (members + 1) + manager, teams * (colleagues + members) + manager * teams)


def _stadium(rows=40, cols=50, friend_share=0.3, rival_ties=2, rival_weight=0.3):
    seats = rows * cols
    other = rows * (cols - cols // 2)
    return Shape(seats, 3 * seats + seats * min(rival_ties, other))


def _speaker(listeners=30, channel=1.0, listener_ties=0):
    return Shape(listeners + 1, listeners + 2 * listeners * (listener_ties // 2))


def _incident(observers=20, rivals=0):
    audience = observers + rivals
    return Shape(audience + 1, audience * audience)


def _audience(viewers=40, together=1, degree=6):
    if together and viewers <= degree + 1:
        return Shape(viewers, viewers * (viewers - 1) // 2)
    return Shape(viewers, networks.ties("small-world", viewers, degree) if together else 0)


def _oval(rows=32, seats=640, reach_seats=3.0, reach_rows=3.0, trigger=25):
    # each fan's view: the lattice points of an ellipse, at most (2R_s + 1)(2R_r + 1)
    view = (2 * math.floor(reach_seats) + 1) * (2 * math.floor(reach_rows) + 1)
    return Shape(rows * seats, rows * seats * view // 2)


def _gallery(parties=40, rooms=4, company_share=0.7, largest_party=4):
    return Shape(parties * largest_party, parties * largest_party * (largest_party - 1) // 2)


#: Size of what each recipe builds, from its (checked) keys.
SIZES: dict[str, Callable[..., Shape]] = {name: _family_size(name) for name in networks.FAMILIES}
SIZES.update(team=_team, stadium=_stadium, speaker=_speaker, incident=_incident,
             audience=_audience, oval=_oval, gallery=_gallery)

#: Groups each recipe can produce, from its keys (a ``$param`` key counts as "any value").
GROUPS: dict[str, Callable[[Mapping], set[str]]] = {
    name: (lambda keys, name=name: {keys["group"]} if isinstance(keys.get("group"), str)
           and not is_reference(keys["group"]) else ({"a", "b"} if name == "groups" else {"all"}))
    for name in networks.FAMILIES
}
GROUPS.update(
    team=lambda keys: {"leader", "member", "manager"},
    stadium=lambda keys: {"home", "away"},
    speaker=lambda keys: {"speaker", "listener"},
    incident=lambda keys: {"target", "observer", "rival"},
    audience=lambda keys: {"audience"},
    oval=lambda keys: {"initiators", "fans"},
    gallery=lambda keys: {"company", "alone"},
)


def key_kinds(recipe: str) -> dict[str, str]:
    """``{key: "int" | "float" | "group"}`` for a recipe, read from its signature's defaults."""
    kinds = {}
    for name, p in inspect.signature(recipes.NETWORKS[recipe]).parameters.items():
        if name == "rng":
            continue
        default = p.default
        kinds[name] = ("group" if default is None else "int" if isinstance(default, int)
                       and not isinstance(default, bool) else "float")
    return kinds


def possible_groups(network: Mapping) -> set[str]:
    """Every group the ``[network]`` table's recipe can produce (before profiles)."""
    return set(GROUPS[network["recipe"]](network))


def _check_key(where: str, kind: str, key: str, value):
    if kind == "group":
        check_identifier(where, value, "a group name")
        return value
    low, high = RANGES.get(key, (0, math.inf) if kind == "int" else (0.0, MAX_WEIGHT))
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{where}={value!r} is not a number: allowed "
                         f"{'integers' if kind == 'int' else 'numbers'} in [{low:g}, {high:g}]")
    if kind == "int":
        if not float(value).is_integer():
            raise ValueError(f"{where}={value!r} is not an integer: a count of agents or ties "
                             "cannot be fractional")
        value = int(value)
    if not low <= value <= high:
        raise ValueError(f"{where}={value!r} is out of range: allowed [{low:g}, {high:g}]")
    return value


def check_network(network: Mapping, limits=None, memory: bool = True) -> Shape | None:
    """Check a ``[network]`` table's keys; with every value known, its size and memory too.

    ``network`` holds ``recipe`` and its keys; a ``$param`` key is skipped (it is checked
    when the value is known). Returns the :class:`Shape`, or None while a key is a
    reference. ``memory``: also refuse a network whose graph and model do not fit.
    """
    recipe = network["recipe"]
    kinds = key_kinds(recipe)
    keys, complete = {}, True
    for key, value in network.items():
        if key == "recipe":
            continue
        if is_reference(value):
            complete = False
            continue
        keys[key] = _check_key(f"network.{key}", kinds[key], key, value)
    if not complete:
        return None
    shape = SIZES[recipe](**{k: v for k, v in keys.items() if kinds[k] != "group"})
    check_limit("agents", shape.agents, limits, where=f"network ({recipe}): agents")
    check_limit("edges", shape.ties, limits, where=f"network ({recipe}): ties")
    if memory:
        check_memory(f"network ({recipe}) of {shape.agents:,} agents and {shape.ties:,} ties",
                     graph_bytes(shape.agents, shape.ties)
                     + model_bytes(shape.agents, shape.ties), limits)
    return shape
