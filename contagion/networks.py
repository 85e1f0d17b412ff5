"""Seeded network builders.

Every builder that draws at random takes ``rng`` (an int seed or a
``numpy.random.Generator``) and passes it on to networkx as an explicit seed, so
the same seed gives the same edges. Nothing here touches global random state.

>>> g = small_world(100, degree=6, rng=42)
>>> g.number_of_nodes()
100
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from contagion.memory import check_memory, graph_bytes
from contagion.params import check_limit
from contagion.lazy import lazy

nx = lazy("networkx")
sp = lazy("scipy.sparse")

__all__ = [
    "FAMILIES",
    "build",
    "complete",
    "lattice",
    "random_graph",
    "scale_free",
    "small_world",
    "sparse_random",
    "stochastic_block",
    "ties",
]


def _seed(rng) -> int:
    """An integer seed for networkx, drawn from ``rng`` (Generator) or taken as is (int)."""
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(2**32))
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return int(rng)
    raise ValueError(f"rng={rng!r} is not a seed: give an int or a numpy Generator")


def _check_size(n_agents, low: int = 1) -> int:
    if isinstance(n_agents, bool) or not isinstance(n_agents, (int, np.integer)) or n_agents < low:
        raise ValueError(f"n_agents={n_agents!r} is invalid: allowed integers >= {low}")
    return check_limit("agents", int(n_agents), where="n_agents")


def _check_ties(n: int, edges: int, bytes_needed: int | None = None) -> None:
    """Refuse a network of ``edges`` ties before building it: the limit, then memory."""
    check_limit("edges", edges, where="ties")
    check_memory(f"a network of {n:,} agents and {edges:,} ties",
                 graph_bytes(n, edges) if bytes_needed is None else bytes_needed)


def _check_degree(degree, n_agents: int) -> int:
    if isinstance(degree, bool) or not isinstance(degree, (int, np.integer)) or not 1 <= degree < n_agents:
        raise ValueError(f"degree={degree!r} is invalid: allowed integers 1 .. {n_agents - 1}")
    return int(degree)


def small_world(n_agents: int, degree: int = 10, rewire: float = 0.1, *, rng) -> nx.Graph:
    """Connected Watts-Strogatz small world: a ring of ``degree`` nearest neighbours, rewired.

    ``degree`` is rounded down to an even number (at least 2).
    """
    n = _check_size(n_agents, 3)
    k = max(2, _check_degree(degree, n) // 2 * 2)
    _check_ties(n, ties("small-world", n, degree))
    if not 0.0 <= rewire <= 1.0:
        raise ValueError(f"rewire={rewire!r} is out of range: allowed [0, 1]")
    return nx.connected_watts_strogatz_graph(n, k, rewire, tries=1000, seed=_seed(rng))


def scale_free(n_agents: int, degree: int = 10, *, rng) -> nx.Graph:
    """Barabasi-Albert preferential attachment with mean degree about ``degree``."""
    n = _check_size(n_agents, 2)
    m = max(1, _check_degree(degree, n) // 2)
    _check_ties(n, ties("scale-free", n, degree))
    return nx.barabasi_albert_graph(n, min(m, n - 1), seed=_seed(rng))


def random_graph(n_agents: int, degree: int = 10, *, rng) -> nx.Graph:
    """Erdos-Renyi G(n, m) with ``m = n * degree / 2`` edges (mean degree ``degree``)."""
    n = _check_size(n_agents, 2)
    m = n * _check_degree(degree, n) // 2
    _check_ties(n, ties("random", n, degree))
    return nx.gnm_random_graph(n, m, seed=_seed(rng))


def complete(n_agents: int, degree: int | None = None, *, rng=None) -> nx.Graph:
    """Everyone perceives everyone (``degree`` and ``rng`` are ignored)."""
    n = _check_size(n_agents)
    _check_ties(n, ties("complete", n))
    return nx.complete_graph(n)


def lattice(n_agents: int, degree: int | None = None, *, rng=None, periodic: bool = False) -> nx.Graph:
    """A near-square grid of ``n_agents`` seats with 4 neighbours each; nodes carry ``pos``.

    Nodes are integers in row-major order; ``pos`` = (column, row).
    """
    n = _check_size(n_agents)
    _check_ties(n, ties("grid", n), 3 * graph_bytes(n, ties("grid", n)))  # built twice
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    grid = nx.grid_2d_graph(rows, cols, periodic=periodic)
    graph = nx.Graph()
    for r, c in sorted(grid.nodes):
        if r * cols + c < n:
            graph.add_node(r * cols + c, pos=(float(c), float(r)))
    graph.add_edges_from((r1 * cols + c1, r2 * cols + c2) for (r1, c1), (r2, c2) in grid.edges
                         if r1 * cols + c1 < n and r2 * cols + c2 < n)
    return graph


def stochastic_block(
    n_agents: int,
    degree: int = 10,
    *,
    rng,
    groups: Sequence[str] = ("a", "b"),
    mixing: float = 0.1,
) -> nx.Graph:
    """Groups of equal size: mean degree ``degree``, a share ``mixing`` of it across groups.

    Every node carries its ``group`` name as an attribute, which the model reads.
    """
    n = _check_size(n_agents, 2 * len(groups))
    degree = _check_degree(degree, n)
    _check_ties(n, ties("groups", n, degree))
    if not 0.0 <= mixing <= 1.0:
        raise ValueError(f"mixing={mixing!r} is out of range: allowed [0, 1]")
    k = len(groups)
    sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
    p_in = min(1.0, degree * (1 - mixing) / max(1, min(sizes) - 1))
    p_out = min(1.0, degree * mixing / max(1, n - min(sizes))) if k > 1 else 0.0
    probs = [[p_in if i == j else p_out for j in range(k)] for i in range(k)]
    graph = nx.stochastic_block_model(sizes, probs, seed=_seed(rng))
    for node, data in graph.nodes(data=True):
        data["group"] = groups[data.pop("block")]
    graph.graph.pop("partition", None)
    return graph


def sparse_random(n_agents: int, degree: int = 10, *, rng) -> sp.csr_array:
    """A directed random network as a sparse matrix: every agent perceives ``degree`` others.

    For very large runs (millions of agents) where building a networkx graph would
    cost more than the simulation. ``M[u, v] = 1`` means v perceives u.
    """
    n = _check_size(n_agents, 2)
    degree = _check_degree(degree, n)
    _check_ties(n, n * degree, 48 * n * degree)  # index and value arrays, COO and CSR
    generator = np.random.default_rng(_seed(rng))
    receivers = np.repeat(np.arange(n, dtype=np.int64), degree)
    senders = generator.integers(0, n - 1, size=n * degree, dtype=np.int64)
    senders += senders >= receivers  # skip self: draw from the n - 1 others
    matrix = sp.csr_array((np.ones(n * degree), (senders, receivers)), shape=(n, n))
    matrix.sum_duplicates()
    return matrix


#: Builders by CLI name: ``f(n_agents, degree, *, rng) -> graph``.
FAMILIES: dict[str, Callable] = {
    "small-world": small_world,
    "scale-free": scale_free,
    "random": random_graph,
    "complete": complete,
    "grid": lattice,
    "groups": stochastic_block,
}


def ties(family: str, n_agents: int, degree: int = 10) -> int:
    """How many ties the named family builds for ``n_agents`` and ``degree`` (at most).

    Known before building, so that a network too large is refused before it exists.
    """
    n, degree = int(n_agents), int(degree)
    counts = {
        "small-world": lambda: n * max(2, degree // 2 * 2) // 2,
        "scale-free": lambda: n * max(1, degree // 2),
        "random": lambda: n * degree // 2,
        "complete": lambda: n * (n - 1) // 2,
        "grid": lambda: 2 * n,
        "groups": lambda: n * degree // 2,
    }
    if family not in counts:
        raise ValueError(f"network={family!r} is not known: allowed {', '.join(counts)}")
    return counts[family]()


def build(family: str, n_agents: int, degree: int = 10, *, rng):
    """Build a network of the named ``family`` (see :data:`FAMILIES`)."""
    if family not in FAMILIES:
        raise ValueError(f"network={family!r} is not known: allowed {', '.join(FAMILIES)}")
    return FAMILIES[family](n_agents, degree, rng=rng)
