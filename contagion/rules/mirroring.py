"""The mirroring rule as pure functions over numbers or numpy arrays.

Both engines call these functions: the agents engine with one agent's scalars,
the vectorised engine with whole arrays. Keeping the arithmetic in one place is
what makes the two engines agree to rounding error.

Each agent i holds y = (valence v, arousal a) and relaxes, in real time, towards
three things at three rates (per minute)::

    dy_i/dt = m_i (s_i - y_i) + rho_i (u_i - y_i) + r_i (b_i - y_i)

- s_i, the **social input**: the emotion i perceives in other people,
  ``s_i = sum_j w_ji e_j |c_ij| sigma_ij y_j / sum_j w_ji e_j |c_ij|`` over the people
  i perceives (w: channel strength, e: the sender's expressiveness, c: 1 within the
  group and ``outgroup_sign`` across, sigma = sign(c) on valence, 1 on arousal);
  gain m_i = ``mirroring`` x (1 + expertise_gain x_i);
- u_i, the **stimulus input**: what i perceives directly (a film, a scene, a goal),
  the salience-weighted mean of the active stimuli that reach i; gain
  rho_i = ``reactivity`` x (1 + expertise_gain x_i) x ``attention`` x total salience
  x (1 + ``amplification`` x the share of the people i perceives who are exposed too);
- b_i, the agent's **baseline**, at rate r_i = ``regulation``.

On valence, the negativity gain g_i multiplies m_i (rho_i) when the social
(stimulus) input pulls i down, and divides r_i while i is below its baseline.

**Integration.** Over one step of length dt the gains are frozen at their values at
the start of the step, and the step is solved exactly for each agent's own
relaxation and implicitly for the coupling::

    y_i' = q_i y_i + (1 - q_i) (m_i s_i(y') + rho_i u_i + r_i b_i) / lambda_i,
    lambda_i = m_i + rho_i + r_i,   q_i = exp(-lambda_i dt)

with s_i evaluated at the *new* states y' of the others. Alone (no coupling) this
is the exact solution of the equation above. Coupled, the weights q_i, w_i^m,
w_i^rho, w_i^r are non-negative and sum to 1, the system is strictly diagonally
dominant, and every new state is a convex combination of the old states, the
stimuli and the baselines (with negated states where the out-group is perceived
with inverted valence): no overshoot, no pair that swaps its moods, no state that
reaches +-1 unless an input is at +-1. Where the coupling is stiff (``m dt > 1``)
the step is taken as :func:`substeps` equal parts with the same frozen gains, which
keeps the system well conditioned (the weight on the others stays below
``1 - 1/e``) and every part convex. With ``regulation = reactivity = 0`` it is lazy
DeGroot averaging; with r > 0 a Friedkin-Johnsen model whose fixed point is the
continuous model's. See docs/model.md for the argument.

References
----------
.. [1] Hatfield, E., Cacioppo, J. T., & Rapson, R. L. (1993). Emotional contagion.
   Current Directions in Psychological Science, 2(3), 96-100.
.. [2] DeGroot, M. H. (1974). Reaching a consensus. JASA, 69(345), 118-121.
.. [3] Friedkin, N. E., & Johnsen, E. C. (1990). Social influence and opinions.
   Journal of Mathematical Sociology, 15(3-4), 193-206.
.. [4] Boothby, E. J., Clark, M. S., & Bargh, J. A. (2014). Shared experiences are
   amplified. Psychological Science, 25(12), 2209-2216.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "AROUSAL_RANGE", "VALENCE_RANGE", "TOLERANCE", "expertise_factor", "loss_gain",
    "noise_scale", "relax", "release", "saturate", "step_weights", "substeps",
]

VALENCE_RANGE = (-1.0, 1.0)
AROUSAL_RANGE = (0.0, 1.0)
#: The implicit step is iterated until its remaining error is below this.
TOLERANCE = 1e-13


def expertise_factor(expertise, expertise_gain):
    """``1 + expertise_gain * expertise``: how much an expert's gains are raised."""
    return 1.0 + expertise_gain * expertise


def loss_gain(rate, negativity_gain, pulled_down):
    """``rate`` times the negativity gain where the input pulls valence down."""
    return np.where(pulled_down, rate * negativity_gain, rate)


def release(regulation, negativity_gain, valence, baseline):
    """Regulation of valence: ``r / g`` below baseline (holding on to loss), else ``r``."""
    return np.where(valence < baseline, regulation / negativity_gain, regulation)


def step_weights(social_rate, stimulus_rate, regulation, dt):
    """Weights ``(q, w_social, w_stimulus, w_baseline)`` of one step of length ``dt``.

    ``y' = q y + w_social s + w_stimulus u + w_baseline b``: the exact solution of
    ``dy/dt = m (s - y) + rho (u - y) + r (b - y)`` for inputs frozen over the step,
    ``q = exp(-lambda dt)`` and each other weight its rate's share of ``1 - q``.
    The four weights are >= 0 and sum to 1.
    """
    total = social_rate + stimulus_rate + regulation
    keep = np.exp(-total * dt)
    moving = total > 0
    share = np.divide(1.0 - keep, total, out=np.zeros_like(total * 1.0), where=moving)
    return keep, social_rate * share, stimulus_rate * share, regulation * share


def substeps(social_rate_max: float, dt: float) -> int:
    """How many equal parts a step takes so that ``social rate x part <= 1``."""
    return max(1, math.ceil(social_rate_max * dt - 1e-12))


def relax(start, perceived, social, stimulus, regulation, target, baseline, dt):
    """One implicit part of a step: ``q start + w_social perceived + w_stimulus target + w_baseline baseline``.

    ``perceived`` is the social input at the *end* of the part (the engines solve
    for it); everything else is frozen. Pinned agents are not relaxed.
    """
    keep, w_social, w_stimulus, w_baseline = step_weights(social, stimulus, regulation, dt)
    return keep * start + w_social * perceived + w_stimulus * target + w_baseline * baseline


def saturate(state, push, bounds):
    """``state + push``, bending smoothly towards the bound instead of crossing it.

    With headroom h (distance to the bound in the direction of the push) the result
    is ``bound - h exp(-push / h)``: nearly ``state + push`` for a push small
    against h, and never past the bound. A state at the bound stays there.
    """
    low, high = bounds
    up = np.maximum(high - state, 0.0)
    down = np.maximum(state - low, 0.0)
    room = np.where(push >= 0, up, down)
    safe = np.where(room > 0, room, 1.0)
    with np.errstate(over="ignore"):  # a push huge against a tiny room: exp(-inf) = 0
        moved = room * -np.expm1(-np.abs(push) / safe)
    return np.where(room > 0, state + np.sign(push) * moved, state)


def noise_scale(noise, rate, dt):
    """Standard deviation of the noise added over one step (Ornstein-Uhlenbeck, exact).

    ``noise * sqrt((1 - exp(-2 lambda dt)) / (2 lambda))``: the spread a fluctuation
    of size ``noise`` per sqrt(minute) builds up in ``dt`` minutes while the agent
    relaxes at total rate lambda (``noise * sqrt(dt)`` when it does not relax).
    """
    rate = np.asarray(rate, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        relaxing = np.sqrt(-np.expm1(-2.0 * rate * dt) / (2.0 * rate))
    return noise * np.where(rate > 0, relaxing, np.sqrt(dt))
