"""Turning a user's network into the engine's arrays, and reading network files."""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import numpy as np
import scipy.sparse as sp

__all__ = ["GRAPH_SUFFIXES", "as_in_edges", "node_attribute", "read_graph"]

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


def read_graph(path: str | Path) -> nx.Graph:
    """Read a network file: GraphML (``.graphml``) or an edge list (``.csv``, ``.edgelist``, ``.txt``).

    A CSV edge list has a header with ``source`` and ``target`` columns and
    optionally ``weight``; it is read as undirected. Plain edge lists
    (``.edgelist``, ``.txt``) hold ``u v [weight]`` per line. For a directed
    network or node attributes (``group``, traits), use GraphML. Node ids that
    all look like integers become integers.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in GRAPH_SUFFIXES:
        raise ValueError(f"graph file {str(path)!r} has an unknown suffix: allowed "
                         + ", ".join(GRAPH_SUFFIXES))
    if not path.is_file():
        raise ValueError(f"graph file {str(path)!r} cannot be read: no such file")
    try:
        if suffix == ".graphml":
            graph = nx.read_graphml(path)
        elif suffix == ".csv":
            graph = _read_csv(path)
        else:
            graph = nx.read_weighted_edgelist(path) if _has_weights(path) else nx.read_edgelist(path)
    except ValueError as exc:
        if str(exc).startswith("graph file"):
            raise
        raise ValueError(f"graph file {str(path)!r} is malformed: {_first_line(exc)}") from None
    except Exception as exc:  # parsers raise many types: report them all the same way
        raise ValueError(f"graph file {str(path)!r} is malformed: {_first_line(exc)}") from None
    if graph.number_of_nodes() == 0:
        raise ValueError(f"graph file {str(path)!r} has no nodes")
    return nx.relabel_nodes(graph, _int_labels(graph))


def _read_csv(path: Path) -> nx.Graph:
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        fields = [f.strip() for f in reader.fieldnames or []]
        if "source" not in fields or "target" not in fields:
            raise ValueError(f"graph file {str(path)!r} needs a header with 'source' and "
                             f"'target' columns, found {fields}")
        graph = nx.Graph()
        for line, row in enumerate(reader, start=2):
            row = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
            if not row["source"] or not row["target"]:
                raise ValueError(f"graph file {str(path)!r} line {line}: empty source or target")
            attrs = {}
            if row.get("weight"):
                try:
                    attrs["weight"] = float(row["weight"])
                except ValueError:
                    raise ValueError(f"graph file {str(path)!r} line {line}: weight="
                                     f"{row['weight']!r} is not a number") from None
            graph.add_edge(row["source"], row["target"], **attrs)
    return graph


def _has_weights(path: Path) -> bool:
    with path.open() as handle:
        for line in handle:
            parts = line.split("#", 1)[0].split()
            if parts:
                return len(parts) >= 3
    return False


def _int_labels(graph: nx.Graph) -> dict:
    try:
        mapping = {node: int(node) for node in graph.nodes}
    except (TypeError, ValueError):
        return {}
    return mapping if len(set(mapping.values())) == len(mapping) else {}


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
