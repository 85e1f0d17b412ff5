"""The vectorised engine: the same step as ``EmotionAgent`` for all agents at once.

The people each agent perceives are held as one sparse matrix ``W`` (row i =
receiver, column j = sender), each row normalised to sum to 1 over the agent's
senders, with entry ``w_ji e_j |c_ij|``; a second matrix carries the sign of
``outgroup_sign`` on valence. One step (see :mod:`contagion.rules`):

1. freeze the gains at the start of the step (:func:`freeze`): social rate (with the
   negativity gain where the old states pull down), stimulus rate and target,
   regulation, pinned values;
2. in each of :func:`rules.substeps` parts, solve ``y' = const + w_social (W y')``
   where ``const = q y + w_stimulus u + w_baseline b`` does not depend on the others
   (pinned agents fixed at their pinned value), by Jacobi sweeps until the remaining
   error is below :data:`~contagion.rules.TOLERANCE`; each sweep contracts by
   ``max w_social <= 1 - 1/e``; a direct sparse solve takes over if it is slow;
3. add noise and shocks, bending at the bounds, and hold the pins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from contagion import rules

__all__ = ["MAX_SWEEPS", "Frozen", "SocialNetwork", "StepInputs", "channel_shares", "freeze",
           "jacobi", "normalise", "vectorized_update"]

#: Jacobi sweeps before the vectorised engine switches to a direct sparse solve.
MAX_SWEEPS = 100


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

    def update(self, in_edges: sp.csr_array, codes: np.ndarray, expressiveness: np.ndarray,
               outgroup_sign: float) -> SocialNetwork:
        """Rebuild if expressiveness, groups or ``outgroup_sign`` changed; return self."""
        self._in_edges = in_edges
        key = (float(outgroup_sign), expressiveness.tobytes(), codes.tobytes())
        if key == self._key:
            return self
        self._key = key
        self.weights, self.signed, self.has_senders = normalise(in_edges, codes, expressiveness,
                                                                outgroup_sign)
        return self

    @property
    def peers(self) -> sp.csr_array:
        """Whose behaviour each agent sees: channel strengths, rows normalised to 1."""
        if self._peers is None:
            self._peers = channel_shares(self._in_edges)
        return self._peers


def normalise(in_edges: sp.csr_array, codes: np.ndarray, expressiveness: np.ndarray,
              outgroup_sign) -> tuple[sp.csr_array, sp.csr_array, np.ndarray]:
    """``(weights, signed, has_senders)`` of :class:`SocialNetwork` from the in-edges.

    ``outgroup_sign`` is one number, or one per receiver (row) where the matrix holds
    many runs side by side (:mod:`contagion.ensemble`); each entry is computed the same
    way either way. ``signed`` is ``weights`` itself where no entry is negative.
    """
    coo = in_edges.tocoo()
    cross = codes[coo.row] != codes[coo.col]
    if np.ndim(outgroup_sign):
        outgroup_sign = np.asarray(outgroup_sign)[coo.row]
        inverted = np.where(outgroup_sign != 0, np.sign(outgroup_sign), 1.0)
    else:
        inverted = np.sign(outgroup_sign) if outgroup_sign else 1.0
    raw = coo.data * expressiveness[coo.col] * np.where(cross, np.abs(outgroup_sign), 1.0)
    totals = np.bincount(coo.row, weights=raw, minlength=in_edges.shape[0])
    norm = raw / np.where(totals > 0, totals, 1.0)[coo.row]
    sign = np.where(cross, inverted, 1.0)
    shape = in_edges.shape
    weights = _csr(norm, coo.row, coo.col, shape)
    signed = weights if not (sign < 0).any() else _csr(norm * sign, coo.row, coo.col, shape)
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


def jacobi(const: np.ndarray, w_social: np.ndarray, matrix: sp.csr_array,
           start: np.ndarray) -> np.ndarray:
    """Solve ``y = const + w_social * (matrix @ y)`` from ``start``.

    Rows of ``matrix`` have absolute sums <= 1 and ``w_social < 1``, so the sweep
    contracts by ``c = max(w_social)``; it stops when the error bound
    ``change * c / (1 - c)`` is below :data:`rules.TOLERANCE`. After
    :data:`MAX_SWEEPS` sweeps a direct sparse solve finishes the job.
    """
    contraction = float(w_social.max(initial=0.0))
    if contraction == 0.0:
        return const.copy()
    factor = contraction / (1.0 - contraction)
    estimate = start
    for _ in range(MAX_SWEEPS):
        nxt = const + w_social * (matrix @ estimate)
        change = float(np.abs(nxt - estimate).max(initial=0.0))
        estimate = nxt
        if change * factor <= rules.TOLERANCE:
            return estimate
    columns = [const] if const.ndim == 1 else list(const.T)
    weights = [w_social] if w_social.ndim == 1 else list(w_social.T)
    exact = []
    for c, w in zip(columns, weights):
        system = sp.identity(len(c), format="csc") - (sp.diags_array(w) @ matrix).tocsc()
        exact.append(np.asarray(spla.spsolve(system, c), dtype=float))
    return exact[0] if const.ndim == 1 else np.column_stack(exact)


def _perceived(matrix: sp.csr_array, state: np.ndarray, has_senders: np.ndarray) -> np.ndarray:
    return np.where(has_senders, matrix @ state, state)


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
    """One dimension's gains for one step, frozen at its start (arrays over agents)."""

    social: np.ndarray
    stimulus: np.ndarray
    regulation: np.ndarray
    target: np.ndarray
    baseline: np.ndarray
    held: np.ndarray | None
    projected: np.ndarray

    def part(self, start: np.ndarray, dt: float) -> tuple[np.ndarray, np.ndarray]:
        """``(const, w_social)`` of one implicit part of length ``dt`` from ``start``."""
        keep, w_social, w_stimulus, w_baseline = rules.step_weights(
            self.social, self.stimulus, self.regulation, dt)
        const = (keep * start + w_stimulus * self.target + w_baseline * self.baseline
                 + w_social * self.projected)
        if self.held is None:
            return const, w_social
        free = np.isnan(self.held)
        return np.where(free, const, self.held), np.where(free, w_social, 0.0)


def freeze(model, network: SocialNetwork, *, valence: bool) -> Frozen:
    """The gains of one dimension (valence or arousal) at the start of the step."""
    traits, inputs = model.traits, model.step_inputs
    state = model.valence if valence else model.arousal
    matrix = network.signed if valence else network.weights
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
    if valence:
        gain = traits["negativity_gain"]
        seen = _perceived(matrix, state, network.has_senders)
        social = rules.loss_gain(social, gain, seen < state)
        stimulus = rules.loss_gain(stimulus, gain, target < state)
        regulation = rules.release(regulation, gain, state, baseline)
    projected = (np.zeros(n) if held is None
                 else _anticipated(model, network, held, state, valence, bounds))
    return Frozen(social, stimulus, regulation, target, baseline, held, projected)


def _finish(new, rate, noise_draws, kicks, held, noise, dt, bounds):
    if noise_draws is not None:
        new = rules.saturate(new, rules.noise_scale(noise, rate, dt) * noise_draws, bounds)
    if kicks is not None:
        new = rules.saturate(new, kicks, bounds)
    if held is not None:
        new = np.where(np.isnan(held), new, held)
    return np.clip(new, *bounds)  # a safety net for rounding: weights summing to 1 + 1e-16


def vectorized_update(model) -> tuple[np.ndarray, np.ndarray]:
    """Next (valence, arousal) of every agent; the state itself is not touched.

    Where nobody perceives the out-group with inverted valence, both dimensions use
    the same matrix and are solved together, one sparse product per sweep.
    """
    inputs = model.step_inputs
    network = model.social_network()
    frozen = (freeze(model, network, valence=True), freeze(model, network, valence=False))
    parts = rules.substeps(max(float(f.social.max(initial=0.0)) for f in frozen),
                           model.dt_minutes)
    dt = model.dt_minutes / parts
    starts = [state if f.held is None else np.where(np.isnan(f.held), state, f.held)
              for f, state in zip(frozen, (model.valence, model.arousal))]
    if network.signed is network.weights:
        new = np.column_stack(starts)
        for _ in range(parts):
            const, w_social = zip(*(f.part(new[:, k], dt) for k, f in enumerate(frozen)))
            new = jacobi(np.column_stack(const), np.column_stack(w_social), network.weights, new)
        solved = [new[:, 0], new[:, 1]]
    else:
        solved = []
        for f, new, matrix in zip(frozen, starts, (network.signed, network.weights)):
            for _ in range(parts):
                const, w_social = f.part(new, dt)
                new = jacobi(const, w_social, matrix, new)
            solved.append(new)
    draws = (inputs.noise_valence, inputs.noise_arousal)
    kicks = (inputs.kick_valence, inputs.kick_arousal)
    bounds = (rules.VALENCE_RANGE, rules.AROUSAL_RANGE)
    return tuple(_finish(new, f.social + f.stimulus + f.regulation, draws[k], kicks[k], f.held,
                         model.noise, model.dt_minutes, bounds[k])
                 for k, (f, new) in enumerate(zip(frozen, solved)))
