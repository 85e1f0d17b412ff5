"""Summary statistics: what a simulation is compared with the data by, per kind of data.

**Group time series.** Each observed metric at up to :data:`POINTS` observed steps,
evenly spread over the run (all of them when there are fewer).

**Individual panels.** Permutation-free statistics of the whole panel:

- the mean and the standard deviation over agents of valence and arousal, at up to
  :data:`POINTS` steps (how the group moves, how far apart its members are);
- in each of up to :data:`WINDOWS` consecutive time windows, the least-squares fit of
  every agent's change between consecutive observed steps,
  ``y_i(t') - y_i(t) = a + b y_i(t) + c ybar_-i(t) [+ g nbar_i(t)] + error``, where
  ``ybar_-i`` is the mean of all other observed agents and ``nbar_i`` the mean of the
  observed agents ``i`` perceives; the fitted ``a, b, c [, g]`` and the residual
  standard deviation. ``nbar_i`` needs the network, so it enters only when the network is
  given. ``b`` measures how fast people move relative to their own state, ``c`` how
  much the group as a whole pulls them, ``g`` how much the particular people they see
  do, beyond the group: contagion passes along ties, a shared stimulus does not.

These are auxiliary statistics in the sense of indirect inference: they need not be
estimates of the model's parameters, only computed the same way on the data and on
every simulation (they are, by :func:`summarise`). The ABC distance scales each one by
its spread across simulations (pyabc's adaptive p-norm distance).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["POINTS", "WINDOWS", "neighbour_matrix", "summarise"]

#: Most time points per series kept as statistics.
POINTS = 20
#: Most time windows for the change regressions of a panel.
WINDOWS = 5


def _points(n: int) -> np.ndarray:
    """Indices of up to :data:`POINTS` evenly spread time points out of ``n``."""
    if n <= POINTS:
        return np.arange(n)
    return np.unique(np.round(np.linspace(0, n - 1, POINTS)).astype(int))


def neighbour_matrix(graph, agents) -> sp.csr_array:
    """Row-normalised: row i averages the observed agents that agent i perceives.

    An edge u -> v means v perceives u (an undirected edge works both ways), as in
    the engine. An agent who perceives no observed agent gets its own state.
    """
    from contagion.graphs import as_in_edges

    in_edges, nodes = as_in_edges(graph, None)
    at = {node: i for i, node in enumerate(nodes)}
    idx = np.array([at[a] for a in agents])
    sub = sp.csr_array(in_edges[idx][:, idx])
    sub.setdiag(0)
    sub.eliminate_zeros()
    sub.data[:] = 1.0
    totals = np.asarray(sub.sum(axis=1)).ravel()
    alone = totals == 0
    scale = sp.diags_array(np.where(alone, 0.0, 1.0 / np.where(alone, 1.0, totals)))
    return sp.csr_array(scale @ sub + sp.diags_array(alone.astype(float)))


def _regressions(cube: np.ndarray, neighbours) -> np.ndarray:
    """Coefficients and residual sd of the change regression in each window (one variable)."""
    steps, n = cube.shape
    pairs = steps - 1
    windows = max(1, min(WINDOWS, pairs // 3))
    edges = np.round(np.linspace(0, pairs, windows + 1)).astype(int)
    out = []
    for start, stop in zip(edges[:-1], edges[1:]):
        now, after = cube[start:stop], cube[start + 1:stop + 1]
        others = (now.sum(axis=1, keepdims=True) - now) / max(n - 1, 1)
        columns = [np.ones_like(now), now, others]
        if neighbours is not None:
            columns.append((neighbours @ now.T).T)
        design = np.column_stack([c.ravel() for c in columns])
        change = (after - now).ravel()
        coef, *_ = np.linalg.lstsq(design, change, rcond=None)
        residual = change - design @ coef
        out.extend([*coef, float(np.sqrt(np.mean(residual**2)))])
    return np.asarray(out, dtype=float)


def summarise(observations, neighbours=()) -> dict[str, np.ndarray]:
    """The summary statistics of a tuple of :class:`Observed` tables (data or simulation).

    ``neighbours[k]`` is the :func:`neighbour_matrix` of panel ``k`` (None without a
    network). Keys are ``"<table>:<statistic>"``.
    """
    out = {}
    for k, observed in enumerate(observations):
        keep = _points(len(observed.steps))
        if observed.kind == "group":
            for j, name in enumerate(observed.names):
                out[f"{k}:{name}"] = observed.values[keep, j]
            continue
        matrix = neighbours[k] if k < len(neighbours) else None
        for j, name in enumerate(observed.names):
            cube = observed.values[j]
            out[f"{k}:mean_{name}"] = cube.mean(axis=1)[keep]
            out[f"{k}:sd_{name}"] = cube.std(axis=1)[keep]
            out[f"{k}:change_{name}"] = _regressions(cube, matrix)
    return out
