"""The excitable rule as pure functions: resting, active, refractory (a stadium wave).

Each person is **resting**, **active** (standing up, cheering) or **refractory**
(just sat down, not ready yet). A resting person becomes active when the activity it
perceives in the people around it, taken up with its ``mirroring``, passes its
``threshold``; it stays active for ``active_time`` seconds, then refractory for
``refractory_time`` seconds, then rests again. People watch one side more than the
other: the side the crowd's wave comes from, and by habit one side a little more.

In one step of ``dt`` seconds, with a_j = 1 if j is active::

    s_i = sum_j W_ij a_j                 activity i perceives: strengths of the active people
    c_i = sum_j W_ij b_ij a_j            the same, signed by side: b_ij = +1 straight
                                         upstream (lower seat number), -1 downstream
    B_g = mean of came_j over the active people of i's crowd g (0 if none)
    L_g = clip(side_bias + side_following B_g, -1, 1)    the side crowd g watches
    p_i = s_i + L_g c_i = sum_j W_ij (1 + L_g b_ij) a_j  perceived activity
    x_i = m_i p_i + rho_i u_i            drive: mirroring on people, reactivity on stimuli
    h_i = lambda ramp((x_i - theta_i) / delta) + epsilon          hazard (per second)
    resting    -> active      with probability 1 - exp(-h_i dt); came_i = sign(c_i)
    active     -> refractory  once active_time has passed
    refractory -> resting     once refractory_time has passed

with ``ramp(z) = clip(z, 0, 1)`` (a step at the threshold when delta = 0), W_ij how
much j counts for i (channel strength x expressiveness, not normalised: a person who
sees fewer people perceives less; the stadium gives each of a fan's 28 neighbours
1/28, so a full view standing is 1), u_i the
stimuli's salience x attention x arousal, m_i and rho_i times the expertise factor,
lambda = ``reaction_rate``, epsilon = ``spontaneous_rate``. ``came_i`` remembers from
which side i's activity came when it stood up (+1: from the lower seat numbers, so it
joined a wave running clockwise); the crowd's mean of it is a global field every
member sees (Farkas & Vicsek 2006: long-range interaction picks one direction, a small
asymmetric term in perception picks which). One uniform number per person per step
decides.

References
----------
.. [1] Farkas, I., Helbing, D., & Vicsek, T. (2002). Mexican waves in an excitable
   medium. Nature, 419(6903), 131-132. doi:10.1038/419131a
.. [2] Farkas, I., & Vicsek, T. (2006). Initiating a Mexican wave: An instantaneous
   collective decision with both short- and long-range interactions. Physica A,
   369(2), 830-840. doi:10.1016/j.physa.2006.01.072
.. [3] Wiener, N., & Rosenblueth, A. (1946). The mathematical formulation of the
   problem of conduction of impulses in a network of connected excitable elements.
   Archivos del Instituto de Cardiologia de Mexico, 16, 205-265.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "ACTIVE", "REFRACTORY", "RESTING", "STATES", "TIME_SLACK", "activation_probability",
    "advance", "bearing", "drive", "fires", "looking", "seat_offset",
]

RESTING, ACTIVE, REFRACTORY = 0, 1, 2
#: The states by code.
STATES = ("resting", "active", "refractory")
#: Ages are sums of steps: a duration counts as reached within this many seconds.
TIME_SLACK = 1e-9


def seat_offset(seat_from, seat_to, seats: int):
    """``seat_to - seat_from`` along a ring of ``seats`` seats, in ``(-seats/2, seats/2]``."""
    return (np.asarray(seat_to) - np.asarray(seat_from) + seats // 2 - 1) % seats - seats // 2 + 1


def bearing(seat_offset, row_offset):
    """Side of a sender seen from the receiver: ``-ds / hypot(ds, dr)``.

    +1 straight upstream (a lower seat number), -1 straight downstream, 0 in the same
    column (or the same seat). Seat numbers grow clockwise.
    """
    ds = np.asarray(seat_offset, dtype=float)
    distance = np.hypot(ds, np.asarray(row_offset, dtype=float))
    return np.divide(-ds, distance, out=np.zeros_like(distance), where=distance > 0)


def looking(came_sum, active_count, side_bias, side_following):
    """``clip(side_bias + side_following * mean(came), -1, 1)`` per crowd (0 mean if none)."""
    count = np.asarray(active_count, dtype=float)
    mean = np.divide(came_sum, count, out=np.zeros_like(count), where=count > 0)
    return np.clip(side_bias + side_following * mean, -1.0, 1.0)


def drive(perceived, mirroring, stimulus, reactivity, factor):
    """``x = m f p + rho f u``: what moves a resting person, from people and from stimuli."""
    return mirroring * factor * perceived + reactivity * factor * stimulus


def activation_probability(drive, threshold, softness, reaction_rate, spontaneous_rate, dt):
    """Probability that a resting person becomes active within ``dt`` seconds.

    ``1 - exp(-h dt)`` with ``h = reaction_rate ramp((drive - threshold) / softness)
    + spontaneous_rate``; ``softness = 0`` makes the ramp a step at the threshold.
    """
    over = np.asarray(drive, dtype=float) - threshold
    if softness > 0:
        ramp = np.clip(over / softness, 0.0, 1.0)
    else:
        ramp = (over >= 0).astype(float)
    return -np.expm1(-(reaction_rate * ramp + spontaneous_rate) * dt)


def fires(state, uniform, probability):
    """Who becomes active: resting people whose uniform number falls below their probability.

    Active and refractory people never fire, whatever they perceive.
    """
    return (state == RESTING) & (uniform < probability)


def advance(state, age, fire, dt, active_time, refractory_time):
    """New ``(state, age)``: who fires becomes active, durations that have passed move on.

    ``fire`` may be true only for resting people (a refractory person cannot fire).
    ``age`` is the time spent in the current state, reset to 0 on every change.
    """
    older = age + dt
    done_active = (state == ACTIVE) & (older >= active_time - TIME_SLACK)
    done_refractory = (state == REFRACTORY) & (older >= refractory_time - TIME_SLACK)
    new = np.where(fire, ACTIVE, np.where(done_active, REFRACTORY,
                                          np.where(done_refractory, RESTING, state)))
    changed = fire | done_active | done_refractory
    return new.astype(np.int8), np.where(changed, 0.0, older)
