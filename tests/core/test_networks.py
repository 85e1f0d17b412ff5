"""Seeded network builders: same seed -> same edges; different seeds -> different edges."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from contagion import ContagionModel, networks

RANDOM_FAMILIES = ["small-world", "scale-free", "random", "groups"]
DETERMINISTIC_FAMILIES = ["complete", "grid"]


def edges_of(graph):
    """A comparable description of a graph: sorted weighted edges and node attributes."""
    if sp.issparse(graph):
        coo = sp.coo_array(graph)
        return sorted(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True))
    edges = sorted((repr(u), repr(v), repr(sorted(d.items())))
                   for u, v, d in graph.edges(data=True))
    nodes = sorted((repr(n), repr(sorted(d.items()))) for n, d in graph.nodes(data=True))
    return edges, nodes


def test_families_cover_every_builder():
    assert set(networks.FAMILIES) == set(RANDOM_FAMILIES) | set(DETERMINISTIC_FAMILIES)


@pytest.mark.parametrize("family", RANDOM_FAMILIES + DETERMINISTIC_FAMILIES)
def test_same_seed_same_edges(family):
    for seed in (0, 1, 12345):
        first = networks.build(family, 60, 6, rng=seed)
        np.random.seed(seed + 1)  # global state must not matter
        random.seed(seed + 2)
        second = networks.build(family, 60, 6, rng=seed)
        assert edges_of(first) == edges_of(second)
        assert first.number_of_nodes() == 60
        gen_a = networks.build(family, 60, 6, rng=np.random.default_rng(seed))
        gen_b = networks.build(family, 60, 6, rng=np.random.default_rng(seed))
        assert edges_of(gen_a) == edges_of(gen_b)


@pytest.mark.parametrize("family", RANDOM_FAMILIES)
def test_different_seeds_different_edges(family):
    drawn = {repr(edges_of(networks.build(family, 60, 6, rng=seed))) for seed in range(4)}
    assert len(drawn) == 4


def test_sparse_random_is_seeded_and_has_no_self_loops():
    for seed in (0, 7):
        a = networks.sparse_random(200, degree=5, rng=seed)
        b = networks.sparse_random(200, degree=5, rng=seed)
        assert edges_of(a) == edges_of(b)
        assert a.diagonal().sum() == 0
        in_degree = np.asarray((a > 0).sum(axis=0)).ravel()
        assert (in_degree <= 5).all() and in_degree.mean() > 4.5  # a few drawn twice
    assert edges_of(networks.sparse_random(200, 5, rng=0)) != edges_of(
        networks.sparse_random(200, 5, rng=1))


def test_builders_do_not_touch_global_random_state():
    np.random.seed(3)
    random.seed(3)
    np_state, py_state = np.random.get_state()[1].copy(), random.getstate()
    for family in networks.FAMILIES:
        networks.build(family, 40, 4, rng=1)
    networks.sparse_random(40, 4, rng=1)
    assert (np.random.get_state()[1] == np_state).all()
    assert random.getstate() == py_state


def test_small_world_is_connected_with_even_degree():
    graph = networks.small_world(50, degree=5, rewire=0.5, rng=2)
    assert nx.is_connected(graph)
    assert graph.number_of_edges() == 50 * 4 // 2  # degree 5 rounded down to 4


def test_stochastic_block_labels_groups_and_mixes_little():
    graph = networks.stochastic_block(100, degree=8, rng=3, groups=("home", "away"), mixing=0.1)
    groups = nx.get_node_attributes(graph, "group")
    assert sorted(set(groups.values())) == ["away", "home"]
    assert sum(1 for g in groups.values() if g == "home") == 50
    cross = sum(1 for u, v in graph.edges if groups[u] != groups[v])
    assert 0 < cross < 0.3 * graph.number_of_edges()
    model = ContagionModel(graph, rng=1)
    assert model.group_names == ["home", "away"]


def test_lattice_is_a_grid_with_positions():
    graph = networks.lattice(10)
    assert sorted(graph.nodes) == list(range(10))
    assert graph.nodes[5]["pos"] == (1.0, 1.0)  # 4 columns: node 5 is row 1, column 1
    assert max(d for _, d in graph.degree()) == 4


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: networks.build("ring", 10, rng=0), r"network='ring' is not known"),
        (lambda: networks.small_world(10, degree=10, rng=0), r"degree=10 is invalid"),
        (lambda: networks.small_world(2, rng=0), r"n_agents=2 is invalid"),
        (lambda: networks.small_world(10, 4, rewire=1.5, rng=0), r"rewire=1.5 is out of range"),
        (lambda: networks.random_graph(10, 4, rng="seed"), r"rng='seed' is not a seed"),
        (lambda: networks.stochastic_block(10, 4, rng=0, mixing=-1), r"mixing=-1"),
        (lambda: networks.complete(0), r"n_agents=0 is invalid"),
    ],
)
def test_builder_errors_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
