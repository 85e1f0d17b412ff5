"""The construction library scenario files refer to by name.

A scenario declares *which* network, population, events and choices it wants; the
functions here build them. They hold no dynamics: the engine does that.

- ``NETWORKS[name](rng, **kwargs) -> networkx.Graph``: nodes may carry ``group``
  and ``pos`` attributes;
- :func:`populate` draws everyone's traits from the scenario's population
  (distributions around the scenario's values) and applies profiles, from ``rng``;
- ``EVENTS[type](spec, model) -> list of engine events`` (``spec`` in steps: scenarios.timing);
- :func:`make_choice` turns a choice table into a :class:`contagion.behaviour.Choice`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from contagion import networks
from contagion.behaviour import Choice, Option
from contagion.events import Pin, Shock, Stimulus
from contagion.params import PARAMETERS
from scenarios import venues
from scenarios.timing import goal_steps
from contagion.lazy import lazy

nx = lazy("networkx")

__all__ = ["DISTRIBUTIONS", "EVENTS", "NETWORKS", "draw_population", "draw_trait", "make_choice",
           "populate"]


def _label(graph: nx.Graph, group: str) -> nx.Graph:
    nx.set_node_attributes(graph, group, "group")
    return graph


def _family(name):
    def recipe(rng, n_agents=100, degree=10, group=None):
        graph = networks.build(name, int(n_agents), int(degree), rng=rng)
        if group is not None or any("group" not in d for _, d in graph.nodes(data=True)):
            _label(graph, "all" if group is None else group)
        return graph

    recipe.__doc__ = (f"``{name}`` network from contagion.networks; everyone in ``group`` "
                      "(default: the network's own groups, else ``all``).")
    return recipe


def team(rng, members=8, teams=1, leader_weight=1.0, member_degree=0):
    """Teams of ``members`` who all perceive each other, each with a leader linked to all.

    With ``member_degree > 0`` members perceive only that many colleagues, a small
    world drawn from the seed. With ``teams > 1`` a manager (group ``manager``) is
    linked to every leader only: the manager's mood can reach members the manager
    never meets.
    """
    graph = nx.Graph()
    for t in range(int(teams)):
        leader = len(graph)
        graph.add_node(leader, group="leader", team=t)
        crew = list(range(leader + 1, leader + 1 + int(members)))
        graph.add_nodes_from(crew, group="member", team=t)
        if int(member_degree) > 0:
            ring = networks.small_world(len(crew), int(member_degree), rng=rng)
            graph.add_edges_from((crew[a], crew[b]) for a, b in ring.edges)
        else:
            graph.add_edges_from((a, b) for i, a in enumerate(crew) for b in crew[i + 1:])
        graph.add_edges_from((leader, m, {"weight": float(leader_weight)}) for m in crew)
    if teams > 1:
        manager = len(graph)
        graph.add_node(manager, group="manager", team=-1)
        graph.add_edges_from((manager, n) for n, d in graph.nodes(data=True)
                             if d["group"] == "leader")
    return graph


def stadium(rng, rows=40, cols=50, friend_share=0.3, rival_ties=2, rival_weight=0.3):
    """Two stands of seats: ``home`` on the left half, ``away`` on the right.

    Seats perceive their 4 adjacent seats in the same stand; a share of fans
    also came with a friend sitting up to 2 seats away (one more tie); and each
    fan sees ``rival_ties`` random fans of the other stand across the pitch with
    channel strength ``rival_weight`` (at most the whole other stand). Nodes carry
    ``pos`` = (column, row), with one empty column (the pitch) between the stands.
    """
    rows, cols = int(rows), int(cols)
    half = cols // 2
    graph = nx.Graph()
    for r in range(rows):
        for c in range(cols):
            graph.add_node(r * cols + c, group="home" if c < half else "away",
                           pos=(float(c + (1 if c >= half else 0)), float(r)))
    for r in range(rows):
        for c in range(cols):
            node = r * cols + c
            if c + 1 < cols and c + 1 != half:
                graph.add_edge(node, node + 1)
            if r + 1 < rows:
                graph.add_edge(node, node + cols)
    for node in np.flatnonzero(rng.random(rows * cols) < friend_share):
        r, c = divmod(int(node), cols)
        dr, dc = rng.integers(-2, 3, size=2)
        r2, c2 = r + int(dr), c + int(dc)
        if 0 <= r2 < rows and 0 <= c2 < cols and (c < half) == (c2 < half) and (r2, c2) != (r, c):
            graph.add_edge(int(node), r2 * cols + c2)
    home = np.array([n for n, g in graph.nodes(data="group") if g == "home"], dtype=np.int64)
    away = np.array([n for n, g in graph.nodes(data="group") if g == "away"], dtype=np.int64)
    for side, other in ((home, away), (away, home)):  # arrays: choice() would copy a list each time
        for node in side.tolist():
            for target in rng.choice(other, size=min(int(rival_ties), len(other)), replace=False):
                graph.add_edge(node, int(target), weight=float(rival_weight))
    return graph


def speaker(rng, listeners=30, channel=1.0, listener_ties=0):
    """One speaker (node 0) perceived by every listener with strength ``channel``.

    Directed: the speaker perceives nobody. ``listener_ties`` > 0 links each
    listener to that many others (a ring), so listeners also see each other.
    """
    graph = nx.DiGraph()
    graph.add_node(0, group="speaker")
    graph.add_nodes_from(range(1, int(listeners) + 1), group="listener")
    graph.add_edges_from((0, n, {"weight": float(channel)}) for n in range(1, int(listeners) + 1))
    n = int(listeners)
    for k in range(1, int(listener_ties) // 2 + 1):
        for i in range(n):
            a, b = 1 + i, 1 + (i + k) % n
            graph.add_edge(a, b)
            graph.add_edge(b, a)
    return graph


def incident(rng, observers=20, rivals=0):
    """A person (node 0, the target) and an audience of ``observers`` and ``rivals``.

    The target forms group ``target``, the others ``observer`` and ``rival``.
    Everyone in the audience perceives everyone else in it; nobody perceives the
    target, who does not notice the incident.
    """
    graph = nx.DiGraph()
    graph.add_node(0, group="target")
    audience = list(range(1, int(observers) + int(rivals) + 1))
    for n in audience:
        graph.add_node(n, group="observer" if n <= int(observers) else "rival")
        graph.add_edge(n, 0)
    graph.add_edges_from((a, b) for a in audience for b in audience if a != b)
    return graph


def audience(rng, viewers=40, together=1, degree=6):
    """``viewers`` watching a film: linked in a small world if ``together``, else alone.

    An audience too small for a small world of ``degree`` (``viewers <= degree + 1``)
    watching together all see each other.
    """
    if int(together) and int(viewers) <= int(degree) + 1:
        return _label(nx.complete_graph(int(viewers)), "audience")
    if int(together):
        return _label(networks.small_world(int(viewers), int(degree), rng=rng), "audience")
    return _label(nx.empty_graph(int(viewers)), "audience")


NETWORKS = {name: _family(name) for name in networks.FAMILIES}
NETWORKS.update(team=team, stadium=stadium, speaker=speaker, incident=incident, audience=audience,
                oval=venues.oval, gallery=venues.gallery)


# -- population ------------------------------------------------------------------

#: Distributions a trait may be drawn from, and the keys each needs besides ``dist``.
DISTRIBUTIONS = {"normal": {"sd"}, "beta": {"sd"}, "gamma": {"sd"}, "uniform": {"low", "high"}}


def draw_trait(spec, n: int, rng: np.random.Generator, name: str, mean=None,
               spread: float = 1.0) -> np.ndarray:
    """Draw ``n`` values of trait ``name`` from ``spec``: a number or a distribution table.

    ``{dist = "normal" | "beta" | "gamma", mean?, sd}``: around ``mean`` (default: the
    scenario's value of the trait) with standard deviation ``sd x spread``; beta lives
    on the trait's range, gamma on the positive half-line, normal is clipped to the
    range. ``{dist = "uniform", low, high}`` is narrowed towards its middle by
    ``spread``. ``spread = 0`` gives everyone the mean: identical people.
    """
    param = PARAMETERS[name]
    if not isinstance(spec, Mapping):
        return np.full(n, float(spec))
    kind = spec["dist"]
    if kind == "uniform":
        middle, half = (spec["low"] + spec["high"]) / 2, (spec["high"] - spec["low"]) / 2 * spread
        values = rng.uniform(middle - half, middle + half, n)
        return _clip(values, param)
    centre = float(spec.get("mean", mean))
    sd = float(spec["sd"]) * spread
    if sd == 0 or n == 0:
        return np.full(n, centre)
    if kind == "normal":
        values = rng.normal(centre, sd, n)
    elif kind == "gamma":
        values = rng.gamma((centre / sd) ** 2, sd**2 / centre, n) if centre > 0 else np.zeros(n)
    else:  # beta on [low, high], by mean and sd
        width = param.high - param.low
        mu, var = (centre - param.low) / width, (sd / width) ** 2
        if not 0 < mu < 1 or var >= mu * (1 - mu):
            raise ValueError(f"trait {name}: a beta distribution with mean {centre:g} and sd "
                             f"{sd:g} does not exist on {param.range_text}: lower the sd")
        concentration = mu * (1 - mu) / var - 1
        values = param.low + width * rng.beta(mu * concentration, (1 - mu) * concentration, n)
    return _clip(values, param)


def _clip(values: np.ndarray, param) -> np.ndarray:
    """``values`` clipped to the parameter's range (``np.clip``'s numbers, without its overhead)."""
    return np.minimum(np.maximum(values, param.low), param.high)


def populate(graph: nx.Graph, population: Mapping, profiles, values: Mapping[str, float],
             rng, spread: float = 1.0) -> nx.Graph:
    """Draw everyone's traits (:func:`draw_population`) and set them as node attributes.

    ``group`` becomes the node attribute ``group`` where a node has one.
    """
    nodes = list(graph.nodes)
    groups = nx.get_node_attributes(graph, "group")
    labels, drawn = draw_population([groups.get(n) for n in nodes], population, profiles,
                                    values, rng, spread)
    nx.set_node_attributes(graph, {n: g for n, g in zip(nodes, labels) if g is not None}, "group")
    for trait, column in drawn.items():
        nx.set_node_attributes(graph, dict(zip(nodes, column.tolist())), trait)
    return graph


def draw_population(labels: list, population: Mapping, profiles, values: Mapping[str, float],
                    rng, spread: float = 1.0) -> tuple[list, dict[str, np.ndarray]]:
    """Everyone's group and drawn traits: ``(labels, {trait: one value per agent})``.

    ``labels`` holds each agent's group (None: no group). ``population`` maps a trait
    to a distribution around the scenario's value of it (``values[trait]``), drawn for
    every agent. A profile then picks the agents of group ``who`` (everyone if
    absent), keeps a random ``share`` of them (all if absent), relabels them into
    ``group`` if given, and sets or draws its ``traits`` for them (a distribution there
    is around the profile's own ``mean``, else the scenario's value). Agents no profile
    or population gives a trait get ``values[trait]``. ``spread`` scales every standard
    deviation (heterogeneity). Draws come from ``rng`` in this order.
    """
    labels = list(labels)
    n = len(labels)
    drawn: dict[str, np.ndarray] = {}
    partial: dict[str, np.ndarray] = {}  # traits only profiles set: who has one so far
    for trait, spec in population.items():
        drawn[trait] = draw_trait(spec, n, rng, trait, values[trait], spread)
    for profile in profiles:
        who = profile.get("who")
        pool = np.array([i for i, g in enumerate(labels) if who is None or g == who], dtype=int)
        if "share" in profile:
            size = int(round(float(profile["share"]) * len(pool)))
            pool = pool[np.sort(rng.choice(len(pool), size=size, replace=False))]
        if "group" in profile:
            for i in pool.tolist():
                labels[i] = profile["group"]
        for trait, spec in profile.get("traits", {}).items():
            picked = draw_trait(spec, len(pool), rng, trait, values.get(trait), spread)
            if trait not in drawn:
                drawn[trait], partial[trait] = np.zeros(n), np.zeros(n, dtype=bool)
            drawn[trait][pool] = picked
            if trait in partial:
                partial[trait][pool] = True
    for trait, has in partial.items():
        if not has.all():
            if values.get(trait) is None:
                raise ValueError(f"a profile sets {trait} for some agents; give the scenario a "
                                 f"value of {trait} for the others")
            drawn[trait][~has] = values[trait]
    return labels, drawn


def make_choice(name: str, spec: Mapping, every: int = 1) -> Choice:
    """A :class:`Choice` from a scenario's choice table (``who``, ``every`` and one table
    per option), made every ``every`` steps."""
    options = [Option(option, **coefficients)
               for option, coefficients in spec.items() if option not in ("who", "every")]
    return Choice(name, options, spec.get("who"), every)


# -- events ------------------------------------------------------------------------

# Each takes an event table whose times are already steps (scenarios.timing.event_in_steps
# turned the declared times into steps, counted from the step the event was added at)
# and the model (only its generator is read: random matches, stories).

def _shock(spec, model):
    return [Shock(int(spec["step"]), spec.get("valence", 0.0), spec.get("arousal", 0.0),
                  spec.get("who"), bool(spec.get("scale_by_expertise", False)))]


def _pin(spec, model):
    stop = spec.get("stop")
    return [Pin(int(spec["start"]), None if stop is None else int(stop), spec.get("valence"),
                spec.get("arousal"), spec.get("who"))]


def _stimulus(spec, model):
    stop = spec.get("stop")
    return [Stimulus(int(spec["start"]), None if stop is None else int(stop), spec.get("valence", 0.0),
                     spec.get("arousal", 0.5), spec.get("strength", 1.0), spec.get("who"),
                     spec.get("source_group"))]


def draw_goals(rng, length: float, rate: float = 1.4):
    """A random match: Poisson(``rate``) goals per side at uniform times in (0, ``length``)."""
    goals = []
    for side in ("home", "away"):
        for time in rng.uniform(0.0, length, size=rng.poisson(rate)):
            goals.append((float(time), side))
    return tuple(sorted(goals))


def _goals(spec, model):
    """A match timeline: each goal is a scene the fans see (those with ``attention``).

    The scorers' fans see joy, the others dismay, both exciting, for ``duration``
    (a time) with salience ``strength``. That a goal is good for one stand and bad for
    the other is the fans' appraisal, an input; how far it travels is not. ``goals``
    arrive in steps (``[first, stop, side]``, :func:`scenarios.timing.event_in_steps`);
    a random match is drawn in time, so the same seed gives the same match at any step.
    """
    goals = spec["goals"]
    if goals == "random":
        goals = [goal_steps(time, side, spec["duration"], spec["dt"], "goals", spec["now"])
                 for time, side in draw_goals(model.rng, spec["match_length"])]
    joy, arousal = float(spec.get("valence", 0.6)), float(spec.get("arousal", 0.8))
    strength = float(spec.get("strength", 1.0))
    out = []
    for first, stop, side in goals:
        other = "away" if side == "home" else "home"
        out.append(Stimulus(int(first), int(stop), joy, arousal, strength, side))
        out.append(Stimulus(int(first), int(stop), -joy, arousal, strength, other))
    return out


def _story(spec, model):
    """A storyteller's scripted valence: a smooth random walk drawn from the seed.

    The walk is drawn in time, one point every ``resolution`` time units over
    ``length``, and read at each step by linear interpolation: the same seed tells the
    same story at any step length.
    """
    dt, resolution = float(spec["dt"]), float(spec["resolution"])
    points = max(2, round(float(spec["length"]) / resolution))
    sd = float(spec.get("variability", 0.25))
    walk = np.cumsum(model.rng.normal(0.0, sd, points))
    kernel = np.ones(5) / 5
    smooth = np.convolve(walk, kernel, mode="same")
    trace = np.clip(0.8 * smooth / max(1e-9, np.abs(smooth).max()), -1.0, 1.0)
    arousal = np.clip(0.4 + 0.5 * np.abs(np.gradient(trace)) / max(1e-9, sd), 0.0, 1.0)
    grid = np.arange(points) * resolution
    times = np.arange(max(1, round(grid[-1] / dt) + 1)) * dt
    return [Pin(int(spec["start"]), None, tuple(np.interp(times, grid, trace).tolist()),
                tuple(np.interp(times, grid, arousal).tolist()), spec.get("who", "speaker"))]


EVENTS = {"stimulus": _stimulus, "shock": _shock, "pin": _pin, "goals": _goals, "story": _story,
          "tour": venues.tour}

