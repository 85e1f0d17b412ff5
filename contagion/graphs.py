"""Turning a user's network into the engine's arrays, and reading network files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np

from contagion.edgelists import read_edge_list
from contagion.params import check_limit
from contagion.lazy import lazy

nx = lazy("networkx")
sp = lazy("scipy.sparse")

__all__ = ["GRAPH_SUFFIXES", "as_in_edges", "node_attribute", "read_graph", "read_network"]

GRAPH_SUFFIXES = (".graphml", ".csv", ".edgelist", ".txt")
#: Largest channel strength: far beyond any meaningful ratio, far below float overflow.
MAX_WEIGHT = 1e9


def as_in_edges(graph, weight: str | None = "weight") -> tuple[sp.csr_array, list]:
    """The in-edge matrix (row = receiver, column = sender, value = strength) and node list.

    An edge u -> v of a directed graph means v perceives u; an undirected edge
    works both ways. A scipy.sparse matrix ``M`` is read as ``M[u, v]`` = u -> v.
    """
    if isinstance(graph, nx.Graph):
        nodes = list(graph.nodes)
        if not nodes:
            raise ValueError("graph has no nodes: give a network with at least one agent")
        out_edges = _out_edges(graph, nodes, weight)
    elif sp.issparse(graph):
        if graph.ndim != 2 or graph.shape[0] != graph.shape[1] or graph.shape[0] == 0:
            raise ValueError(f"graph matrix has shape {graph.shape}: give a non-empty square matrix")
        out_edges = sp.csr_array(graph, dtype=float)
        nodes = list(range(graph.shape[0]))
        data = out_edges.data
        if not np.isfinite(data).all() or (data < 0).any() or (data > MAX_WEIGHT).any():
            raise ValueError(f"graph matrix has entries outside [0, {MAX_WEIGHT:g}]: "
                             "weights are channel strengths")
    else:
        raise ValueError(
            f"graph={type(graph).__name__} is not a network: give a networkx graph, "
            "a scipy.sparse matrix or a function rng -> graph"
        )
    in_edges = sp.csr_array(out_edges.T)
    in_edges.sum_duplicates()
    in_edges.sort_indices()
    if in_edges.nnz < 2**31 - 1:  # 32-bit indices: the product streams less memory
        in_edges.indices = in_edges.indices.astype(np.int32, copy=False)
        in_edges.indptr = in_edges.indptr.astype(np.int32, copy=False)
    return in_edges, nodes


def _out_edges(graph: nx.Graph, nodes: list, weight: str | None) -> sp.csr_array:
    """``M[u, v]`` = strength of u -> v, checked, in one pass over the edges.

    The same matrix as ``nx.to_scipy_sparse_array`` (an undirected edge both ways, a
    self-loop once, parallel edges summed), several times faster on large graphs.
    """
    index = {node: i for i, node in enumerate(nodes)}
    senders, receivers, values = [], [], []
    edges = (graph.edges(data=weight, default=1.0) if weight is not None
             else ((u, v, 1.0) for u, v in graph.edges()))
    for u, v, w in edges:
        try:
            x = float(w)
        except (TypeError, ValueError):
            raise ValueError(f"edge ({u}, {v}) has {weight}={w!r}: allowed numbers >= 0") from None
        if not (0 <= x <= MAX_WEIGHT):  # also refuses NaN
            raise ValueError(f"edge ({u}, {v}) has {weight}={w!r}: allowed [0, {MAX_WEIGHT:g}]")
        senders.append(index[u])
        receivers.append(index[v])
        values.append(x)
    senders, receivers = np.array(senders, np.int64), np.array(receivers, np.int64)
    values = np.array(values, float)
    if not graph.is_directed():
        both = senders != receivers
        senders, receivers = (np.concatenate([senders, receivers[both]]),
                              np.concatenate([receivers, senders[both]]))
        values = np.concatenate([values, values[both]])
    n = len(nodes)
    return sp.csr_array(sp.coo_array((values, (senders, receivers)), shape=(n, n)))


def node_attribute(graph, nodes: list, name: str, numeric: bool = True):
    """The node attribute ``name`` for every node, or None unless every node has it."""
    if not isinstance(graph, nx.Graph):
        return None
    values = nx.get_node_attributes(graph, name)
    if not values:
        return None
    if len(values) != len(nodes):
        raise ValueError(f"node attribute {name!r} is on {len(values)} of {len(nodes)} nodes: "
                         f"give it for every node, or pass {name}= explicitly")
    column = [values[node] for node in nodes]
    if numeric:
        try:
            return np.array(column, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"node attribute {name!r} is not numeric: {column[:3]}...") from None
    return column


def _check_file(path: Path) -> None:
    """A regular file: a directory or a FIFO is named as such, and never opened."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ValueError(f"graph file {str(path)!r} cannot be read: no such file") from None
    except OSError as exc:
        raise ValueError(f"graph file {str(path)!r} cannot be read: "
                         f"{exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ValueError(f"graph file {str(path)!r} cannot be read: it is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"graph file {str(path)!r} cannot be read: it is not a regular file "
                         "(a pipe, socket or device)")
    if not os.access(path, os.R_OK):
        raise ValueError(f"graph file {str(path)!r} cannot be read: permission denied")


def _read_graphml(path: Path, limits) -> nx.Graph:
    check_limit("graphml_bytes", path.stat().st_size, limits,
                where=f"graph file {str(path)!r}: size")
    try:
        graph = nx.read_graphml(path)
    except Exception as exc:  # parsers raise many types: report them all the same way
        raise ValueError(f"graph file {str(path)!r} is malformed: {_first_line(exc)}") from None
    if graph.number_of_nodes() == 0:
        raise ValueError(f"graph file {str(path)!r} has no nodes")
    check_limit("agents", graph.number_of_nodes(), limits, where=f"graph file {str(path)!r}: nodes")
    return nx.relabel_nodes(graph, _int_labels(graph))


def _checked_path(path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in GRAPH_SUFFIXES:
        raise ValueError(f"graph file {str(path)!r} has an unknown suffix: allowed "
                         + ", ".join(GRAPH_SUFFIXES))
    _check_file(path)
    return path


def read_graph(path: str | Path, progress: bool = False, limits=None) -> nx.Graph:
    """Read a network file: GraphML (``.graphml``) or an edge list (``.csv``, ``.edgelist``, ``.txt``).

    A CSV edge list has a header with ``source`` and ``target`` columns and
    optionally ``weight``; it is read as undirected, each pair once. Plain edge lists
    (``.edgelist``, ``.txt``) hold ``u v [weight]`` per line. For a directed network or
    node attributes (``group``, traits), use GraphML. Node ids that all look like
    integers become integers. Edge lists are streamed (:mod:`contagion.edgelists`);
    ``progress`` shows a bar while a large one is read.
    """
    path = _checked_path(path)
    if path.suffix.lower() == ".graphml":
        return _read_graphml(path, limits)
    edges = read_edge_list(path, progress, limits)
    graph = nx.Graph()
    graph.add_nodes_from(edges.labels)
    labels = edges.labels
    if edges.weight is None:
        graph.add_edges_from(zip((labels[i] for i in edges.source),
                                 (labels[i] for i in edges.target)))
    else:
        for u, v, w in zip(edges.source.tolist(), edges.target.tolist(), edges.weight.tolist()):
            graph.add_edge(labels[u], labels[v], **({} if w != w else {"weight": w}))
    return graph


def read_network(path: str | Path, progress: bool = False, limits=None):
    """A network file as the model takes it: GraphML as a graph, an edge list as a matrix.

    An edge list becomes a symmetric scipy.sparse matrix (``M[u, v]`` = strength of the
    tie, 1 where no weight is given) without building a networkx graph, so a file of
    millions of ties costs arrays, not Python objects; its nodes are numbered in order
    of first appearance, as :func:`read_graph` orders them.
    """
    path = _checked_path(path)
    if path.suffix.lower() == ".graphml":
        return _read_graphml(path, limits)
    edges = read_edge_list(path, progress, limits)
    weight = np.ones(len(edges)) if edges.weight is None else np.where(
        np.isnan(edges.weight), 1.0, edges.weight)
    bad = np.flatnonzero(~((weight >= 0) & (weight <= MAX_WEIGHT)))
    if len(bad):
        i = int(bad[0])
        u, v = edges.labels[edges.source[i]], edges.labels[edges.target[i]]
        raise ValueError(f"graph file {str(path)!r} line {edges.lines[i]}: edge ({u}, {v}) has "
                         f"weight={float(weight[i])!r}: allowed [0, {MAX_WEIGHT:g}]")
    mirror = edges.source != edges.target  # a self-tie counts once
    rows = np.concatenate([edges.source, edges.target[mirror]])
    cols = np.concatenate([edges.target, edges.source[mirror]])
    n = edges.n_nodes
    return sp.csr_array((np.concatenate([weight, weight[mirror]]), (rows, cols)), shape=(n, n))


def _int_labels(graph: nx.Graph) -> dict:
    try:
        mapping = {node: int(node) for node in graph.nodes}
    except (TypeError, ValueError):
        return {}
    return mapping if len(set(mapping.values())) == len(mapping) else {}


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
