"""The compiled sub-steps (contagion.kernels) give the numbers of the numpy path (engine.advance)."""

import numpy as np
import pytest
import scipy.sparse as sp

from contagion import engine, kernels
from contagion.engine import Frozen

# The two paths make the same operations in the same order; only exp may differ in its
# last bit (the C library's against numpy's) where the rates switch.
TOLERANCE = 1e-13


def _network(rng, n, degree, inverted):
    rows = np.repeat(np.arange(n), degree)
    cols = rng.integers(0, n, n * degree)
    keep = rows != cols
    in_edges = sp.csr_array((rng.uniform(0.2, 1.0, keep.sum()), (rows[keep], cols[keep])),
                            shape=(n, n))
    in_edges.sum_duplicates()
    codes = rng.integers(0, 2, n)
    return engine.normalise(in_edges, codes, rng.uniform(0.5, 1.5, n), -1.0 if inverted else 0.5)


def _frozen(rng, n, gain, projected):
    def draw(low, high):
        return rng.uniform(low, high, n)

    return Frozen(social=draw(0, 3), stimulus=draw(0, 1) * (rng.random(n) < 0.5),
                  regulation=draw(0, 0.2), target=draw(-1, 1), baseline=draw(-0.3, 0.3),
                  gain=draw(1, 3) if gain else None, held=None,
                  projected=draw(-0.2, 0.2) if projected else None)


def _numpy(frozen, states, h, count, signed, weights):
    return engine.advance(frozen, states, h, count,
                          lambda ys: engine.perceived(signed, weights, ys))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("gain", [False, True])
@pytest.mark.parametrize("projected", [False, True])
@pytest.mark.parametrize("inverted", [False, True])
def test_compiled_substeps_equal_the_numpy_path(seed, gain, projected, inverted):
    rng = np.random.default_rng(seed)
    n = 300
    weights, signed, _ = _network(rng, n, 6, inverted)
    frozen = (_frozen(rng, n, gain, projected), _frozen(rng, n, False, projected))
    states = [rng.uniform(-1, 1, n), rng.uniform(0, 1, n)]
    before = [s.copy() for s in states]
    h, count = 0.37, 5
    fused = engine.advance_fused(frozen, states, h, count, signed, weights, True)
    reference = _numpy(frozen, states, h, count, signed, weights)
    for f, r in zip(fused, reference):
        assert np.abs(f - r).max() <= TOLERANCE
    assert all((s == b).all() for s, b in zip(states, before))  # inputs untouched


def test_a_large_model_takes_the_numpy_path_with_the_same_numbers(monkeypatch):
    rng = np.random.default_rng(7)
    n = 2_000
    weights, signed, _ = _network(rng, n, 8, True)
    frozen = (_frozen(rng, n, True, True), _frozen(rng, n, False, False))
    states = [rng.uniform(-1, 1, n), rng.uniform(0, 1, n)]
    compiled = engine.advance_fused(frozen, states, 0.2, 3, signed, weights, True)
    monkeypatch.setattr(kernels, "LARGEST", n - 1)
    monkeypatch.setattr(kernels, "advance", None)  # would fail if called
    large = engine.advance_fused(frozen, states, 0.2, 3, signed, weights, True)
    for c, g in zip(compiled, large):
        assert np.abs(c - g).max() <= TOLERANCE


@pytest.mark.parametrize("seed", [3, 4])
def test_rows_stop_at_their_own_count(seed):
    """Runs of an ensemble take their own sub-steps: a row past its count keeps its state."""
    rng = np.random.default_rng(seed)
    sizes = [50, 80, 70]
    blocks = [_network(rng, m, 5, False) for m in sizes]
    weights = sp.block_diag([b[0] for b in blocks], format="csr")
    signed = sp.block_diag([b[1] for b in blocks], format="csr")
    weights, signed = sp.csr_array(weights), sp.csr_array(signed)
    signed = sp.csr_array((signed.data, weights.indices, weights.indptr), shape=weights.shape)
    n = sum(sizes)
    run_of = np.repeat(np.arange(3), sizes)
    counts = np.array([1, 4, 2])
    h = (1.0 / counts)[run_of]
    frozen = (_frozen(rng, n, True, False), _frozen(rng, n, False, False))
    states = [rng.uniform(-1, 1, n), rng.uniform(0, 1, n)]
    fused = engine.advance_fused(frozen, states, h, counts[run_of], signed, weights, True)
    for r, stop in enumerate(np.cumsum(sizes)):
        rows = slice(stop - sizes[r], stop)
        alone = (_frozen_rows(frozen[0], rows), _frozen_rows(frozen[1], rows))
        reference = _numpy(alone, [s[rows] for s in states], h[rows][0], counts[r],
                           sp.csr_array(signed[rows][:, rows]), sp.csr_array(weights[rows][:, rows]))
        for f, ref in zip(fused, reference):
            assert np.abs(f[rows] - ref).max() <= TOLERANCE


def _frozen_rows(frozen, rows):
    def cut(x):
        return None if x is None else x[rows]

    return Frozen(cut(frozen.social), cut(frozen.stimulus), cut(frozen.regulation),
                  cut(frozen.target), cut(frozen.baseline), cut(frozen.gain), cut(frozen.held),
                  cut(frozen.projected))


def test_nobody_coupled_relaxes_each_agent_exactly():
    """Without social input (the fair null) a step is the exact relaxation towards the inputs."""
    rng = np.random.default_rng(5)
    n = 100
    weights, signed, _ = _network(rng, n, 4, False)
    frozen = tuple(Frozen(np.zeros(n), rng.uniform(0, 1, n), rng.uniform(0, 0.2, n),
                          rng.uniform(-1, 1, n), np.zeros(n), None, None, None) for _ in range(2))
    y0 = [rng.uniform(-1, 1, n), rng.uniform(0, 1, n)]
    out = engine.advance_fused(frozen, y0, 0.5, 4, signed, weights, False)
    for f, y, new in zip(frozen, y0, out):
        rate = f.stimulus + f.regulation
        goal = f.stimulus * f.target / rate
        exact = goal + (y - goal) * np.exp(-rate * 2.0)
        np.testing.assert_allclose(new, exact, rtol=0, atol=1e-12)
