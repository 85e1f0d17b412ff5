"""The vectorised engine: the same step as ``EmotionAgent`` for all agents at once.

The people each agent perceives are held as one sparse matrix ``W`` (row i =
receiver, column j = sender), each row normalised to sum to 1 over the agent's
senders, with entry ``w_ji e_j |c_ij|``; a second matrix carries the sign of
``outgroup_sign`` on valence. One step (see :mod:`contagion.rules.mirroring`):

1. freeze what does not change within the step (:func:`freeze`): the social,
   stimulus and regulation rates before the negativity gain, the stimulus target,
   the pinned values and what anticipation adds;
2. cut the step into :func:`parts` sub-steps of length h and take each as an
   exponential Heun step (:func:`advance`: two sparse products, exact for each
   agent's own relaxation, the negativity gain deciding at every stage);
3. add noise and shocks, bending at the bounds, and hold the pins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

try:  # the kernel behind ``csr_array @ vector``
    from scipy.sparse._sparsetools import csr_matvec as _CSR_MATVEC
except ImportError:  # pragma: no cover - another scipy layout: use the public product
    _CSR_MATVEC = None

from contagion import rules

__all__ = ["Frozen", "SocialNetwork", "StepInputs", "advance", "advance_fused", "channel_shares",
           "finish",
           "freeze", "matvec", "normalise", "parts", "perceived", "vectorized_update"]


@dataclass
class StepInputs:
    """What the events and noise contribute to one step; ``None`` means nothing.

    ``stimulus_valence`` and ``stimulus_arousal`` are salience-weighted sums over the
    active stimuli that reach each agent, ``salience`` the total weight, ``exposed``
    who perceives any stimulus. ``held_valence`` / ``held_arousal`` are the pinned
    values for the new step (NaN where free).
    """

    stimulus_valence: np.ndarray | None = None
    stimulus_arousal: np.ndarray | None = None
    salience: np.ndarray | None = None
    kick_valence: np.ndarray | None = None
    kick_arousal: np.ndarray | None = None
    noise_valence: np.ndarray | None = None
    noise_arousal: np.ndarray | None = None
    held_valence: np.ndarray | None = None
    held_arousal: np.ndarray | None = None

    def exposed(self, i: int | slice = slice(None)):
        """Whether agent(s) ``i`` perceive any stimulus in this step."""
        if self.salience is None:
            return False if isinstance(i, int) else None
        return self.salience[i] > 0


class SocialNetwork:
    """The normalised perception matrices of a model, rebuilt when what shapes them changes.

    ``weights`` (unsigned) and ``signed`` (valence: out-group entries times the sign
    of ``outgroup_sign``) have rows that sum to 1 for every agent with a sender
    (``has_senders``) and to 0 otherwise.
    """

    def __init__(self):
        self._key = None
        self._peers = None
        self._in_edges = None
        self.version = 0  #: counts rebuilds, so that whoever caches what it read can tell

    def update(self, in_edges: sp.csr_array, codes: np.ndarray, expressiveness: np.ndarray,
               outgroup_sign: float) -> SocialNetwork:
        """Rebuild if expressiveness, groups or ``outgroup_sign`` changed; return self."""
        self._in_edges = in_edges
        key = (float(outgroup_sign), expressiveness.tobytes(), codes.tobytes())
        if key == self._key:
            return self
        self._key = key
        self.version += 1
        self.weights, self.signed, self.has_senders = normalise(in_edges, codes, expressiveness,
                                                                outgroup_sign)
        return self

    def buffers(self, n: int) -> list[np.ndarray]:
        """Five float64 arrays of length ``n`` the sub-steps work in, kept between steps."""
        kept = getattr(self, "_buffers", None)
        if kept is None or len(kept[0]) != n:
            kept = self._buffers = [np.empty(n) for _ in range(5)]
        return kept

    @property
    def peers(self) -> sp.csr_array:
        """Whose behaviour each agent sees: channel strengths, rows normalised to 1."""
        if self._peers is None:
            self._peers = channel_shares(self._in_edges)
        return self._peers


def matvec(matrix: sp.csr_array, vector: np.ndarray, out: np.ndarray,
            rows: list[tuple[int, int]] | None = None) -> None:
    """``out += matrix @ vector`` on ``rows`` (stretches ``(start, stop)``; None: all).

    scipy's own CSR kernel, without its per-call checks: the sub-steps of small runs are
    many and cheap, so scipy's dispatch is a good part of their cost. Each row is the
    same sum in the same order as in ``matrix @ vector``; rows left out are untouched.
    """
    n_rows, n_cols = matrix.shape
    for start, stop in [(0, n_rows)] if rows is None else rows:
        if _CSR_MATVEC is None:
            out[start:stop] += matrix[start:stop] @ vector
        else:
            _CSR_MATVEC(stop - start, n_cols, matrix.indptr[start:stop + 1], matrix.indices,
                        matrix.data, vector, out[start:stop])


def perceived(signed: sp.csr_array, weights: sp.csr_array, states: list[np.ndarray],
              rows: list[tuple[int, int]] | None = None) -> list[np.ndarray]:
    """``[signed @ valence, weights @ arousal]``, on ``rows`` only (see :func:`matvec`).

    One vector at a time: scipy's kernel for several vectors is slower per vector.
    """
    out = [np.zeros_like(states[0]), np.zeros_like(states[1])]
    matvec(signed, states[0], out[0], rows)
    matvec(weights, states[1], out[1], rows)
    return out


def normalise(in_edges: sp.csr_array, codes: np.ndarray, expressiveness: np.ndarray,
              outgroup_sign) -> tuple[sp.csr_array, sp.csr_array, np.ndarray]:
    """``(weights, signed, has_senders)`` of :class:`SocialNetwork` from the in-edges.

    ``outgroup_sign`` is one number, or one per receiver (row) where the matrix holds
    many runs side by side (:mod:`contagion.ensemble`); each entry is computed the same
    way either way. ``signed`` is ``weights`` itself where no entry is negative.
    """
    coo = in_edges.tocoo()
    cross = codes[coo.row] != codes[coo.col]
    strength = np.abs(outgroup_sign)[coo.row] if np.ndim(outgroup_sign) else abs(outgroup_sign)
    raw = coo.data * expressiveness[coo.col] * np.where(cross, strength, 1.0)
    totals = np.bincount(coo.row, weights=raw, minlength=in_edges.shape[0])
    norm = raw / np.where(totals > 0, totals, 1.0)[coo.row]
    weights = _csr(norm, coo.row, coo.col, in_edges.shape)
    # the signed matrix shares the weights' pattern (one index array for both products)
    rows = np.repeat(np.arange(weights.shape[0]), np.diff(weights.indptr))
    cross = codes[rows] != codes[weights.indices]
    if np.ndim(outgroup_sign):
        outgroup_sign = np.asarray(outgroup_sign)[rows]
        inverted = np.where(outgroup_sign != 0, np.sign(outgroup_sign), 1.0)
    else:
        inverted = np.sign(outgroup_sign) if outgroup_sign else 1.0
    sign = np.where(cross, inverted, 1.0)
    signed = weights
    if (sign < 0).any():
        signed = sp.csr_array((weights.data * sign, weights.indices, weights.indptr),
                              shape=weights.shape)
    return weights, signed, totals > 0


def channel_shares(in_edges: sp.csr_array) -> sp.csr_array:
    """The in-edges with every row normalised to sum to 1 (0 for an agent with no sender)."""
    coo = in_edges.tocoo()
    totals = np.bincount(coo.row, weights=coo.data, minlength=in_edges.shape[0])
    norm = coo.data / np.where(totals > 0, totals, 1.0)[coo.row]
    return _csr(norm, coo.row, coo.col, in_edges.shape)


def _csr(data, rows, cols, shape) -> sp.csr_array:
    matrix = sp.csr_array((data, (rows, cols)), shape=shape)
    matrix.sum_duplicates()
    matrix.sort_indices()
    return matrix


def _anticipated(model, network: SocialNetwork, held: np.ndarray, old: np.ndarray,
                 signed: bool, bounds) -> np.ndarray:
    """Per receiver: what projecting the pinned senders' course adds to the social input."""
    ahead = model.traits["anticipation"]
    pinned = np.flatnonzero(~np.isnan(held))
    if not len(pinned) or not ahead.any():
        return np.zeros(model.n_agents)
    matrix = (network.signed if signed else network.weights)[:, pinned].tocoo()
    new, rise = held[pinned][matrix.col], (held - old)[pinned][matrix.col]
    push = ahead[matrix.row] * rise / model.dt_seconds
    extra = matrix.data * (rules.saturate(new, push, bounds) - new)
    return np.bincount(matrix.row, weights=extra, minlength=model.n_agents)


@dataclass
class Frozen:
    """One dimension's rates for one step (arrays over agents), before the negativity gain.

    ``gain`` is the negativity gain on valence (``None`` where it is 1 for everyone or on
    arousal): with it the rates switch with the state of each stage (:meth:`rates`).
    Pinned agents have every rate 0, so they keep their pinned value.
    """

    social: np.ndarray
    stimulus: np.ndarray
    regulation: np.ndarray
    target: np.ndarray
    baseline: np.ndarray
    gain: np.ndarray | None
    held: np.ndarray | None
    projected: np.ndarray | None

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Per agent, the fastest social and total rates this step (the gain included)."""
        social, stimulus = self.social, self.stimulus
        if self.gain is not None:
            social, stimulus = social * self.gain, stimulus * self.gain
        return social, social + stimulus + self.regulation

    def rates(self, state: np.ndarray, perceived: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(lambda, N)`` at this stage, from ``perceived = W y`` (anticipation added)."""
        if self.projected is not None:
            perceived = perceived + self.projected
        if self.gain is not None:
            return rules.rates(self.social, self.stimulus, self.regulation, self.target,
                               self.baseline, perceived, state, self.gain)
        total, fixed = self.fixed()
        return total, self.social * perceived + fixed

    def fixed(self) -> tuple[np.ndarray, np.ndarray]:
        """Where the rates do not switch: ``(lambda, N - m s)``, computed once."""
        cached = getattr(self, "_fixed", None)
        if cached is None:
            rate, drive = rules.rates(0.0, self.stimulus, self.regulation, self.target,
                                      self.baseline, 0.0, None)
            cached = self._fixed = (self.social + rate, drive)
        return cached

    def kernel_inputs(self, h) -> dict:
        """The per-agent arrays :func:`contagion.kernels.advance` reads for this dimension."""
        def floats(x):
            return np.ascontiguousarray(np.broadcast_to(x, self.social.shape), dtype=float)

        out = {"social": floats(self.social),
               "projected": None if self.projected is None else floats(self.projected)}
        if self.gain is not None:
            for name in ("stimulus", "regulation", "target", "baseline", "gain"):
                out[name] = floats(getattr(self, name))
            return out
        total, fixed = self.fixed()
        out.update(total=floats(total), fixed=floats(fixed), weight=floats(self.weight(total, h)))
        return out

    def weight(self, rate: np.ndarray, h) -> np.ndarray | None:
        """:func:`rules.share` of ``rate``, remembered for one ``h`` where rates do not switch."""
        if self.gain is not None:
            return None
        cached = getattr(self, "_weight", None)
        if cached is None or not (cached[0] is h or (np.ndim(h) == 0 and cached[0] == h)):
            cached = self._weight = (h, rules.share(rate, h))
        return cached[1]

    def start(self, state: np.ndarray) -> np.ndarray:
        """The state the step starts from: pinned agents at their pinned value."""
        return state if self.held is None else np.where(np.isnan(self.held), state, self.held)


def freeze(model, network: SocialNetwork, *, valence: bool) -> Frozen:
    """The rates of one dimension (valence or arousal) for this step."""
    traits, inputs = model.traits, model.step_inputs
    state = model.valence if valence else model.arousal
    bounds = rules.VALENCE_RANGE if valence else rules.AROUSAL_RANGE
    held = inputs.held_valence if valence else inputs.held_arousal
    factor = rules.expertise_factor(traits["expertise"], model.expertise_gain)
    n = model.n_agents
    social = (np.where(network.has_senders, traits["mirroring"] * factor, 0.0) if model.social
              else np.zeros(n))
    baseline = traits["baseline"] if valence else traits["baseline_arousal"]
    regulation = traits["regulation"]
    stimulus, target = np.zeros(n), np.zeros(n)
    if inputs.salience is not None and model.stimuli:
        exposed = inputs.salience > 0
        stimulus = traits["reactivity"] * factor * inputs.salience
        if model.social and traits["amplification"].any():
            shared = network.weights @ exposed.astype(float)
            stimulus = stimulus * (1.0 + traits["amplification"] * shared)
        num = inputs.stimulus_valence if valence else inputs.stimulus_arousal
        target = np.divide(num, inputs.salience, out=target, where=exposed)
    gain = traits["negativity_gain"] if valence and (traits["negativity_gain"] != 1).any() else None
    projected = None
    if held is not None:
        projected = _anticipated(model, network, held, state, valence, bounds)
        free = np.isnan(held)
        social, stimulus = np.where(free, social, 0.0), np.where(free, stimulus, 0.0)
        regulation = np.where(free, regulation, 0.0)
    return Frozen(social, stimulus, regulation, target, baseline, gain, held, projected)


def parts(frozen: tuple[Frozen, Frozen], dt: float, tolerance, reduce=np.max):
    """Sub-steps of this step (:func:`rules.substeps`); ``reduce``: per run in an ensemble."""
    bounds = [f.bounds() for f in frozen]
    social = np.maximum(*(reduce(b[0]) for b in bounds))
    total = np.maximum(*(reduce(b[1]) for b in bounds))
    if np.all(total * dt <= 1.0):  # lambda h <= 1 for everyone: stable at any count
        stable = np.full(np.shape(total), np.inf)
    else:
        stable = np.minimum(*(-reduce(-rules.stable_step(*b)) for b in bounds))
    return rules.substeps(social, total, stable, dt, tolerance)


def advance(frozen: tuple[Frozen, Frozen], states: list[np.ndarray], h, count: int,
            perceive) -> list[np.ndarray]:
    """``count`` exponential Heun sub-steps of length ``h`` from ``states`` (valence, arousal).

    ``perceive(states) -> (signed @ valence, weights @ arousal)``; see
    :mod:`contagion.rules.mirroring` for the sub-step.
    """
    for _ in range(count):
        first = [f.rates(y, p) for f, y, p in zip(frozen, states, perceive(states))]
        stage = [rules.relax(y, rate, drive, h, f.weight(rate, h))
                 for f, y, (rate, drive) in zip(frozen, states, first)]
        second = [f.rates(y, p) for f, y, p in zip(frozen, stage, perceive(stage))]
        states = [rules.relax(y, 0.5 * (r0 + r1), 0.5 * (d0 + d1), h, f.weight(r0, h))
                  for f, y, (r0, d0), (r1, d1) in zip(frozen, states, first, second)]
    return states


def advance_fused(frozen: tuple[Frozen, Frozen], states: list[np.ndarray], h, count,
                  signed: sp.csr_array, weights: sp.csr_array, coupled: bool,
                  buffers: list[np.ndarray] | None = None) -> list[np.ndarray]:
    """:func:`advance` in one compiled call (:func:`contagion.kernels.advance`).

    A model of more than :data:`contagion.kernels.LARGEST` agents takes :func:`advance`
    itself (scipy's products are faster there); an ensemble always takes the kernel.

    ``count`` (and ``h``) may be one per row: each run of an ensemble takes its own
    sub-steps. ``coupled``: whether anybody perceives anybody (else nothing is
    gathered). Returns new arrays; ``states`` are not touched.
    """
    from contagion import kernels  # numba: imported on the first step, not for --help

    if frozen[1].gain is not None:
        raise ValueError("the negativity gain applies to valence only")
    if signed is not weights and not (signed.indices is weights.indices
                                      and signed.indptr is weights.indptr):
        if not (np.array_equal(signed.indptr, weights.indptr)
                and np.array_equal(signed.indices, weights.indices)):
            raise ValueError("the signed and unsigned perception matrices differ in pattern")
    if len(states[0]) > kernels.LARGEST and not np.ndim(count):  # scipy's products
        def perceive(ys):
            return perceived(signed, weights, ys) if coupled else [np.zeros_like(y) for y in ys]

        return advance(frozen, states, h, count, perceive)
    out = [np.array(y, dtype=float) for y in states]
    kernels.advance(weights.indptr, weights.indices, signed.data, weights.data, coupled, out,
                    h, count, frozen[0].kernel_inputs(h), frozen[1].kernel_inputs(h), buffers)
    return out


def finish(new, noise_draws, kicks, held, noise, dt, bounds):
    """Noise (``noise sqrt(dt)`` per draw) and shocks, bending at the bounds; pins held."""
    if noise_draws is not None:
        new = rules.saturate(new, rules.noise_scale(noise, dt) * noise_draws, bounds)
    if kicks is not None:
        new = rules.saturate(new, kicks, bounds)
    if held is not None:
        new = np.where(np.isnan(held), new, held)
    return np.clip(new, *bounds)  # a safety net for rounding: weights summing to 1 + 1e-16


def vectorized_update(model) -> tuple[np.ndarray, np.ndarray]:
    """Next (valence, arousal) of every agent; the state itself is not touched.

    Each stage is one sparse product per dimension (the signed matrix on valence).
    """
    inputs = model.step_inputs
    network = model.social_network()
    frozen = (freeze(model, network, valence=True), freeze(model, network, valence=False))
    count = parts(frozen, model.dt_minutes, model.tolerance)
    model.substep = model.dt_minutes / count  # minutes, for whoever asks
    states = [f.start(y) for f, y in zip(frozen, (model.valence, model.arousal))]
    coupled = any(f.social.any() for f in frozen)
    solved = advance_fused(frozen, states, model.substep, count, network.signed,
                           network.weights, coupled, network.buffers(model.n_agents))
    draws = (inputs.noise_valence, inputs.noise_arousal)
    kicks = (inputs.kick_valence, inputs.kick_arousal)
    bounds = (rules.VALENCE_RANGE, rules.AROUSAL_RANGE)
    return tuple(finish(new, draws[k], kicks[k], f.held, model.noise, model.dt_minutes, bounds[k])
                 for k, (f, new) in enumerate(zip(frozen, solved)))
