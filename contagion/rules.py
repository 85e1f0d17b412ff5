"""The mirroring update rule as pure functions over numbers or numpy arrays.

Both engines call these functions: the agents engine with one agent's scalars,
the vectorised engine with whole arrays. Keeping the arithmetic in one place is
what makes the two engines agree to rounding error.

The rule (one synchronous step, dt = 1) for agent i with in-neighbours j::

    perceived  s_i = sum_j w_ji e_j c_ij y_j / sum_j w_ji e_j
    amplified  s_i^v <- s_i^v + q_i s_i^v (1 - |s_i^v|)     (valence only)
    gain       k_i = min(1, m_i (1 + expertise_gain x_i) [g_i if s_i^v < v_i])
    release    r_i^v = r_i / g_i if v_i < b_i else r_i      (arousal: r_i)
    update     y_i <- clip(y_i + k_i (s_i - y_i) - r_i (y_i - b_i) + shock_i + noise_i)

with y = (valence, arousal), c_ij = ``outgroup_sign`` on valence when j is in
another group than i (1 otherwise), and the negativity gain g_i applied to the
valence gain only, when what i perceives would pull its valence down.

References
----------
.. [1] Hatfield, E., Cacioppo, J. T., & Rapson, R. L. (1993). Emotional contagion.
   Current Directions in Psychological Science, 2(3), 96-100.
.. [2] DeGroot, M. H. (1974). Reaching a consensus. JASA, 69(345), 118-121.
.. [3] Friedkin, N. E., & Johnsen, E. C. (1990). Social influence and opinions.
   Journal of Mathematical Sociology, 15(3-4), 193-206.
.. [4] Bosse, T., Hoogendoorn, M., Klein, M. C. A., Treur, J., van der Wal, C. N.,
   & van Wissen, A. (2015). Modelling collective decision making in groups and
   crowds: Integrating social contagion and interacting emotions, beliefs and
   intentions. Autonomous Agents and Multi-Agent Systems, 27(1), 52-84.
.. [5] Boothby, E. J., Clark, M. S., & Bargh, J. A. (2014). Shared experiences are
   amplified. Psychological Science, 25(12), 2209-2216.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "VALENCE_RANGE", "AROUSAL_RANGE", "amplify", "gains", "perceived", "release", "update",
]

VALENCE_RANGE = (-1.0, 1.0)
AROUSAL_RANGE = (0.0, 1.0)


def perceived(numerator, weight_sum, own):
    """What an agent perceives: the weighted mean of its senders, or itself.

    ``numerator`` is ``sum_j w_ji e_j c_ij y_j`` (plus any broadcast source),
    ``weight_sum`` is ``sum_j w_ji e_j``. An agent with nothing to perceive
    (zero total weight) perceives its own state, so it is not moved.
    """
    safe = np.where(weight_sum > 0, weight_sum, 1.0)
    return np.where(weight_sum > 0, numerator / safe, own)


def amplify(seen_valence, weight_sum, amplification):
    """Intensify a perceived valence away from neutral by ``amplification`` q.

    ``s + q s (1 - |s|)`` keeps 0 and the ends of the range fixed and the result
    inside [-1, 1] for q in [0, 1]: pleasant feels more pleasant, unpleasant more
    unpleasant. An agent that perceives nothing (zero weight) is not amplified:
    it would only echo itself. Arousal is not amplified.

    Notes
    -----
    Near neutral the perceived valence is multiplied by (1 + q), so a connected
    group's neutral mood is unstable when mirroring * q exceeds regulation: the
    group can then talk itself into a mood, and only then does company make a
    shared stimulus feel stronger than it feels alone.
    """
    return np.where(weight_sum > 0, seen_valence + amplification * seen_valence
                    * (1.0 - np.abs(seen_valence)), seen_valence)


def gains(mirroring, expertise, expertise_gain, negativity_gain, perceived_valence, valence):
    """Effective gains ``(k_valence, k_arousal)``.

    ``k = m (1 + expertise_gain x)``, multiplied by the negativity gain on valence
    when the perceived valence is below the agent's own. Gains are capped at 1:
    an agent moves at most all the way to what it perceives, never past it.
    """
    base = mirroring * (1.0 + expertise_gain * expertise)
    k_valence = np.where(perceived_valence < valence, base * negativity_gain, base)
    return np.minimum(k_valence, 1.0), np.minimum(base, 1.0)


def release(regulation, negativity_gain, valence, baseline):
    """Regulation of valence: ``r / g`` below baseline (holding on to loss), else ``r``."""
    return np.where(valence < baseline, regulation / negativity_gain, regulation)


def update(state, perceived_state, gain, regulation, baseline, kick, bounds):
    """One step of ``y + k (s - y) - r (y - b) + kick``, clipped to ``bounds``."""
    new = state + gain * (perceived_state - state) - regulation * (state - baseline) + kick
    return np.clip(new, bounds[0], bounds[1])
