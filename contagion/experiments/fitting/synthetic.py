"""Synthetic data from known parameters: what a recovery study fits back.

>>> import scenarios
>>> data = synthetic_data(scenarios.get("leader_team"), {"mirroring": 0.2}, seed=3, steps=5)
>>> list(data.panel.columns), len(data.panel)
(['agent', 'step', 'valence', 'arousal'], 54)
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

__all__ = ["SyntheticData", "synthetic_data"]


@dataclass(frozen=True)
class SyntheticData:
    """One simulated data set: the group table, the individual panel and the network."""

    group: pd.DataFrame
    panel: pd.DataFrame
    graph: nx.Graph


def synthetic_data(scenario, values, seed: int, steps: int | None = None,
                   metrics=None) -> SyntheticData:
    """Run ``scenario`` with ``values`` from model seed ``seed`` and record it as data.

    ``group`` holds ``step`` and ``metrics`` (default: the scenario's key metrics);
    ``panel`` every agent's valence and arousal at every step; ``graph`` the network
    drawn, with only its nodes, edges, weights and groups (no traits: those are what
    a fit does not see).
    """
    steps = scenario.steps if steps is None else int(steps)
    model = scenario.build(seed, space=False, **values)
    valence, arousal = [model.valence.copy()], [model.arousal.copy()]
    for _ in range(steps):
        model.step()
        valence.append(model.valence.copy())
        arousal.append(model.arousal.copy())
    frame = model.dataframe()
    metrics = list(metrics or scenario.key_metrics or ["valence", "arousal"])
    group = frame[["step", *metrics]].reset_index(drop=True)
    n, nodes = model.n_agents, list(model.nodes)
    panel = pd.DataFrame({"agent": np.tile(nodes, steps + 1),
                          "step": np.repeat(np.arange(steps + 1), n),
                          "valence": np.concatenate(valence), "arousal": np.concatenate(arousal)})
    graph = nx.DiGraph() if model.graph.is_directed() else nx.Graph()
    groups = dict(zip(nodes, (model.group_names[c] for c in model.group_codes))) \
        if model.group_names else {}
    for node in nodes:
        graph.add_node(node, **({"group": groups[node]} if node in groups else {}))
    for u, v, weight in model.graph.edges(data="weight"):
        graph.add_edge(u, v, **({} if weight is None else {"weight": float(weight)}))
    return SyntheticData(group, panel, graph)
