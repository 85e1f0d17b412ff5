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

**Integration.** Time is real: a step of length dt is cut into ``n`` equal
sub-steps of length h (:func:`substeps`). At any state the equation of person i is
linear in its own state, ``dy_i/dt = N_i - lambda_i y_i`` with ``lambda_i = m_i +
rho_i + r_i`` and ``N_i = m_i s_i + rho_i u_i + r_i b_i`` (:func:`rates`); each
sub-step is an exponential Heun step (a predictor-corrector of exponential time
differencing)::

    y1 = relax(y, lambda(y), N(y), h)                                   (predictor)
    y' = relax(y, (lambda(y) + lambda(y1)) / 2, (N(y) + N(y1)) / 2, h)   (corrector)

where ``relax(y, lambda, N, h) = N / lambda + (y - N / lambda) exp(-lambda h)`` is the
exact solution for lambda and N frozen (:func:`relax`). The rates are evaluated at
each stage, so the negativity gain decides on the state of that stage. Two sparse
products per sub-step (s at y and at y1).

Guarantees:

- **Exact where nothing couples**: a person who perceives nobody (everyone in the
  fair null) relaxes exactly towards stimulus and baseline, whatever the step.
- **Range**: ``N / lambda`` is a convex combination of what i perceives, the stimulus
  and the baseline, and its stage average too; ``relax`` moves y part of the way
  towards it. Every new state is a convex combination of old states and inputs (with
  negated states where the out-group is perceived with inverted valence), for any h.
- **Fixed points**: where ``N = lambda y`` the step does not move, so the continuous
  model's fixed points (Friedkin-Johnsen's y*, DeGroot's consensus) are the step's.
- **No oscillation of its own**: for a mode mu of W (|mu| <= 1) the one-step factor is
  ``q + w (1 + q) / 2 + w^2 / 2`` with ``q = exp(-lambda h)``, ``w = (1 - q) mu m /
  lambda``; its real part is >= 0 when ``lambda h <= 1`` or ``(1 - q) m / lambda <= q``
  (checked on a grid, and on random networks in tests/core/test_properties.py).
  :func:`stable_step` gives the longest h for which one of the two holds for everyone.
  The continuous model's own oscillations (a frustrated signed cycle) are followed.
- **Order 2**: the error of a sub-step is O(h^3) in the coupling; :func:`substeps`
  chooses h with ``h m <= tolerance`` and ``h sqrt(m lambda) <= tolerance`` (how fast
  the people one perceives change while one relaxes). Findings converge as shown in
  docs/convergence.md.

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
    "AROUSAL_RANGE", "MAX_SUBSTEPS", "TOLERANCE", "VALENCE_RANGE", "check_step_length",
    "check_tolerance",
    "expertise_factor", "loss_gain", "noise_scale", "rates", "relax", "release", "saturate",
    "share", "stable_step", "substeps",
]

VALENCE_RANGE = (-1.0, 1.0)
AROUSAL_RANGE = (0.0, 1.0)
#: Default accuracy of the integrator: the largest ``h x rate`` a sub-step may take
#: (see :func:`substeps`); findings at the scenarios' own steps lie within
#: max(0.005, 5 %) of their limit as the step shrinks (docs/convergence.md).
TOLERANCE = 0.5
#: Sub-steps a step takes at most. A step whose social rates alone need more is refused
#: when the model is built; a stimulus so strong that stability asks for more (a
#: salience of thousands) is taken in this many: still in range and with the same fixed
#: points, but a mode may then alternate with a factor down to -1/8 of its size.
MAX_SUBSTEPS = 1_000


def expertise_factor(expertise, expertise_gain):
    """``1 + expertise_gain * expertise``: how much an expert's gains are raised."""
    return 1.0 + expertise_gain * expertise


_PLAIN = frozenset({float, int, bool, np.float64, np.bool_})


def _scalars(*values) -> bool:
    """Whether every value is a plain number (one agent's step: no numpy on the way)."""
    for value in values:
        if type(value) not in _PLAIN:
            return False
    return True


def loss_gain(rate, negativity_gain, pulled_down):
    """``rate`` times the negativity gain where the input pulls valence down."""
    if _scalars(rate, negativity_gain, pulled_down):
        return rate * negativity_gain if pulled_down else rate
    return np.where(pulled_down, rate * negativity_gain, rate)


def release(regulation, negativity_gain, valence, baseline):
    """Regulation of valence: ``r / g`` below baseline (holding on to loss), else ``r``."""
    if _scalars(regulation, negativity_gain, valence, baseline):
        return regulation / negativity_gain if valence < baseline else regulation
    return np.where(valence < baseline, regulation / negativity_gain, regulation)


def check_tolerance(tolerance) -> float:
    """``tolerance`` as a float in (0, 1], or a one-line ValueError."""
    try:
        value = float(tolerance)
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(tolerance, bool) or not 0.0 < value <= 1.0:
        raise ValueError(f"tolerance={tolerance!r} is invalid: allowed numbers in (0, 1] "
                         "(the largest sub-step x rate; smaller is more accurate)")
    return value


def check_step_length(fastest: float, dt: float, time_unit: str, dt_minutes: float,
                      tolerance: float) -> None:
    """Refuse a step whose fastest social rate needs more than :data:`MAX_SUBSTEPS` sub-steps.

    ``fastest``: the fastest social rate per minute (expertise and negativity gain
    included); the one-line error names dt and the longest step allowed.
    """
    if fastest * dt_minutes / tolerance > MAX_SUBSTEPS:
        longest = MAX_SUBSTEPS * tolerance / fastest / dt_minutes * dt
        raise ValueError(
            f"dt={dt:g} {time_unit} is too long for the fastest social rate "
            f"({fastest:.3g} per minute) at tolerance {tolerance:g}: allowed dt <= "
            f"{longest:.3g} {time_unit}")


def rates(social, stimulus, regulation, target, baseline, perceived, state, gain=None):
    """``(lambda, N)`` of ``dy/dt = N - lambda y`` at this state.

    ``lambda = m + rho + r`` and ``N = m s + rho u + r b``; with a negativity gain
    (valence), m (rho) is multiplied by it where s (u) pulls the state down and r
    divided by it below the baseline (:func:`loss_gain`, :func:`release`).
    """
    if gain is not None:
        social = loss_gain(social, gain, perceived < state)
        stimulus = loss_gain(stimulus, gain, target < state)
        regulation = release(regulation, gain, state, baseline)
    return (social + stimulus + regulation,
            social * perceived + stimulus * target + regulation * baseline)


def share(rate, h):
    """``(1 - exp(-rate h)) / rate`` (``h`` where the rate is 0)."""
    if _scalars(rate, h):
        return -math.expm1(-rate * h) / rate if rate > 0 else float(h)
    rate = np.asarray(rate, dtype=float)
    moving = rate > 0
    return np.divide(-np.expm1(-rate * h), rate, out=np.broadcast_to(
        np.asarray(h, dtype=float), rate.shape).copy(), where=moving)


def relax(state, rate, drive, h, weight=None):
    """The exact solution over ``h`` of ``dy/dt = drive - rate y`` (both frozen).

    ``y + (drive - rate y) (1 - exp(-rate h)) / rate``; ``weight`` is that last factor
    when it is already known (:func:`share`).
    """
    return state + (drive - rate * state) * (share(rate, h) if weight is None else weight)


def stable_step(social, total):
    """Per person, the longest sub-step whose one-step factor has no negative real part.

    ``max(1, ln(1 + lambda / m)) / lambda`` (infinite where m = 0): ``lambda h <= 1``,
    or ``(1 - exp(-lambda h)) m / lambda <= exp(-lambda h)`` (see the module docstring).
    """
    social, total = np.asarray(social, dtype=float), np.asarray(total, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        longest = np.maximum(1.0, np.log1p(total / social)) / total
    return np.where(social > 0, longest, np.inf)


def substeps(social_max, total_max, stable, dt: float, tolerance=TOLERANCE):
    """How many equal sub-steps a step of ``dt`` takes (an int, or one per run for arrays).

    ``h m <= tolerance`` and ``h sqrt(m lambda) <= tolerance`` (accuracy), and
    ``h <= stable`` (:func:`stable_step`, the shortest over everyone), at most
    :data:`MAX_SUBSTEPS`. ``social_max`` and ``total_max``: the fastest social and total
    rates (times the negativity gain).
    """
    social_max = np.maximum(social_max, 0.0)
    speed = np.maximum(social_max, np.sqrt(social_max * np.maximum(total_max, 0.0)))
    with np.errstate(divide="ignore"):
        parts = np.maximum(np.ceil(speed * dt / tolerance - 1e-9),
                           np.ceil(dt / np.asarray(stable, dtype=float) - 1e-9))
    parts = np.minimum(np.maximum(parts, 1.0), MAX_SUBSTEPS)
    return int(parts) if np.ndim(parts) == 0 else parts.astype(np.int64)


def saturate(state, push, bounds):
    """``state + push``, bending smoothly towards the bound instead of crossing it.

    With headroom h (distance to the bound in the direction of the push) the result
    is ``bound - h exp(-push / h)``: nearly ``state + push`` for a push small
    against h, and never past the bound. A state at the bound stays there.
    """
    low, high = bounds
    if _scalars(state, push):
        room = max(high - state, 0.0) if push >= 0 else max(state - low, 0.0)
        if room <= 0:
            return state
        moved = room * -math.expm1(-abs(push) / room)
        return state + math.copysign(moved, push) if push != 0 else state
    up = np.maximum(high - state, 0.0)
    down = np.maximum(state - low, 0.0)
    room = np.where(push >= 0, up, down)
    safe = np.where(room > 0, room, 1.0)
    with np.errstate(over="ignore"):  # a push huge against a tiny room: exp(-inf) = 0
        moved = room * -np.expm1(-np.abs(push) / safe)
    return np.where(room > 0, state + np.sign(push) * moved, state)


def noise_scale(noise, dt):
    """Standard deviation of the noise added over a step of ``dt`` minutes: ``noise sqrt(dt)``.

    The same per unit of time for everyone, whatever their rates (the fair null's
    people fluctuate as much as the full model's): ``noise`` per sqrt(minute), a
    Wiener increment added at the end of the step (Euler-Maruyama).
    """
    return noise * math.sqrt(dt)
