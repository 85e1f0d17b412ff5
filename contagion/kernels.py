"""Fused kernels (numba) for the integrator's sub-steps: one pass over the edges per stage.

:func:`contagion.engine.advance` takes a sub-step as a handful of numpy calls per stage
(two sparse products, the rates, the relaxation). Each is a pass over memory and, in a
small model, a few microseconds of Python; a run of a few thousand agents spends most
of its time between them. :func:`advance` here does the same arithmetic, in the same
order, for every sub-step of a step in one compiled call: per stage one loop over the
rows gathers the valence each agent perceives, a second gathers arousal and applies
the rates and the exact relaxation of both dimensions (:mod:`contagion.rules.mirroring`).

The numbers are those of the numpy path: each row's sum runs over its senders in the
order of the CSR matrix, as scipy's product does, and every element-wise operation is
the one :func:`contagion.rules.rates` and :func:`contagion.rules.relax` make. Only
``exp`` may round differently in its last bit (the C library's against numpy's), where
the rates switch with the state (a negativity gain); ``tests/core/test_kernels.py``
compares the two paths.

Compiled on first use and cached on disk (``cache=True``: the first call of a fresh
install compiles for a few seconds, later processes load the cache). One thread: the
runs that gain (thousands of agents, many sub-steps, ensembles of small runs) are
bound by the latency of each row's sum, and a sweep already uses the cores.
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["LARGEST", "advance"]

#: Models with more agents than this take the numpy path (scipy's products): once the
#: states no longer fit in the cache, gathering both dimensions in one pass and
#: numba's loop cost more than scipy's kernel one dimension at a time (measured at
#: 1,000,000 agents: 200 ms for a step's sub-steps against 170 ms; see
#: benchmarks/RESULTS.md). At 100,000 agents the kernel is about twice as fast.
LARGEST = 500_000


def _share(rate, h):
    """:func:`contagion.rules.share` of one number."""
    if rate > 0:
        return -math.expm1(-rate * h) / rate
    return h


def _gather2(indptr, indices, signed, weights, v, a, i):
    """Rows i of ``signed @ v`` and ``weights @ a`` in one pass (two independent sums)."""
    p = 0.0
    q = 0.0
    k = indptr[i]
    stop = indptr[i + 1]
    while k < stop:
        j = indices[k]
        p += signed[k] * v[j]
        q += weights[k] * a[j]
        k += 1
    return p, q


def _advance(indptr, indices, signed, weights, v, a, h, h_stride, count, steps,
             v_social, v_total, v_fixed, v_weight, v_stimulus, v_regulation, v_target,
             v_baseline, v_gain, v_projected, a_social, a_total, a_fixed, a_weight, a_projected,
             v1, a1, v_rate0, v_drive0, a_drive0):
    """See :func:`advance`. An argument that is None switches its part off when compiled:
    ``indices`` (nobody perceives anybody), ``count`` (every row takes ``steps``), ``v_gain`` (rates do not switch), ``*_projected``.
    """
    n = v.shape[0]
    for part in range(steps):
        # -- predictor: perceive the state, relax for the rates there ---------------------
        for i in range(n):
            if count is not None:
                if count[i] <= part:
                    continue
            p = 0.0
            q = 0.0
            if indices is not None:
                p, q = _gather2(indptr, indices, signed, weights, v, a, i)
            if a_projected is not None:
                q = q + a_projected[i]
            drive = a_social[i] * q + a_fixed[i]
            a_drive0[i] = drive
            a1[i] = a[i] + (drive - a_total[i] * a[i]) * a_weight[i]
            if v_projected is not None:
                p = p + v_projected[i]
            y = v[i]
            if v_gain is not None:
                rate, drive = _switching_rates(v_social[i], v_stimulus[i], v_regulation[i],
                                               v_target[i], v_baseline[i], v_gain[i], p, y)
                v_rate0[i] = rate
                v_drive0[i] = drive
                v1[i] = y + (drive - rate * y) * _share(rate, h[i * h_stride])
            else:
                drive = v_social[i] * p + v_fixed[i]
                v_drive0[i] = drive
                v1[i] = y + (drive - v_total[i] * y) * v_weight[i]
        # -- corrector: perceive the predicted state, relax for the mean rates ------------
        for i in range(n):
            if count is not None:
                if count[i] <= part:
                    continue
            p = 0.0
            q = 0.0
            if indices is not None:
                p, q = _gather2(indptr, indices, signed, weights, v1, a1, i)
            if a_projected is not None:
                q = q + a_projected[i]
            drive = 0.5 * (a_drive0[i] + (a_social[i] * q + a_fixed[i]))
            rate = 0.5 * (a_total[i] + a_total[i])
            a[i] = a[i] + (drive - rate * a[i]) * a_weight[i]
            if v_projected is not None:
                p = p + v_projected[i]
            y = v[i]
            if v_gain is not None:
                rate1, drive1 = _switching_rates(v_social[i], v_stimulus[i], v_regulation[i],
                                                 v_target[i], v_baseline[i], v_gain[i], p,
                                                 v1[i])
                rate = 0.5 * (v_rate0[i] + rate1)
                drive = 0.5 * (v_drive0[i] + drive1)
                v[i] = y + (drive - rate * y) * _share(rate, h[i * h_stride])
            else:
                drive = 0.5 * (v_drive0[i] + (v_social[i] * p + v_fixed[i]))
                rate = 0.5 * (v_total[i] + v_total[i])
                v[i] = y + (drive - rate * y) * v_weight[i]


def _switching_rates(social, stimulus, regulation, target, baseline, gain, perceived, state):
    """:func:`contagion.rules.rates` of one agent with a negativity gain."""
    if perceived < state:
        social = social * gain
    if target < state:
        stimulus = stimulus * gain
    if state < baseline:
        regulation = regulation / gain
    return (social + stimulus + regulation,
            social * perceived + stimulus * target + regulation * baseline)


_OPTIONS = {"cache": True, "nogil": True, "error_model": "numpy"}
_share = numba.njit(inline="always", **_OPTIONS)(_share)
_switching_rates = numba.njit(inline="always", **_OPTIONS)(_switching_rates)
_gather2 = numba.njit(inline="always", **_OPTIONS)(_gather2)
_advance = numba.njit(**_OPTIONS)(_advance)



def advance(indptr, indices, signed, weights, coupled: bool, states, h, count, valence,
            arousal, buffers=None) -> None:
    """Every sub-step of a step, in place on ``states = [valence, arousal]`` (float64).

    ``h`` and ``count``: one number, or one per row (runs of an ensemble take their own
    sub-steps; a row whose count is reached keeps its state). ``signed`` and ``weights``
    are the data of two CSR matrices with the pattern ``indptr``, ``indices``.
    ``valence`` and ``arousal`` are dicts of the per-agent arrays of
    :class:`contagion.engine.Frozen` (:meth:`~contagion.engine.Frozen.kernel_inputs`):
    ``social``, ``total``, ``fixed``, ``weight`` where the rates do not switch;
    ``social``, ``stimulus``, ``regulation``, ``target``, ``baseline``, ``gain`` where
    they do (valence only); ``projected`` or None. ``buffers``: five float64 arrays of
    the state's length to work in (made if None).
    """
    v, a = states
    n = v.shape[0]
    if buffers is None:
        buffers = [np.empty(n) for _ in range(5)]
    h_arr = np.ascontiguousarray(np.atleast_1d(np.asarray(h, dtype=np.float64)))
    if np.ndim(count):
        count = np.ascontiguousarray(count, dtype=np.int64)
        steps = int(count.max()) if count.size else 0
        if count.size and count.min() == steps:
            count = None
    else:
        steps, count = int(count), None
    if arousal.get("gain") is not None:
        raise ValueError("the negativity gain applies to valence only")
    # indices as unsigned: no test for negative (wrapping) indices in the inner loop
    unsigned = indices.view(np.uint32 if indices.dtype.itemsize == 4 else np.uint64)
    # where the rates switch, the fixed-rate arrays are never read (and the reverse):
    # any array of the right type stands in for them
    spare = valence["social"]
    vv = [valence.get(k, spare) for k in ("social", "total", "fixed", "weight", "stimulus",
                                          "regulation", "target", "baseline")]
    vv += [valence.get("gain"), valence.get("projected")]
    aa = [arousal.get(k) for k in ("social", "total", "fixed", "weight", "projected")]
    _advance(indptr, unsigned if coupled else None, signed, weights, v, a,
           h_arr, int(h_arr.size > 1), count, steps, *vv, *aa,
           *buffers)
