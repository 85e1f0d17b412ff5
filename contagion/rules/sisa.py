"""The SISa rule as pure functions: three moods caught per contact (Hill et al. 2010).

Each person is **neutral**, **content** or **discontent**. A neutral person becomes
content (discontent) by themselves at a rate a_C (a_D) per year, and faster by b_C
(b_D) per year for every content (discontent) contact, taken up with the person's
``mirroring``; a mood ends at its own rate g_C (g_D) whatever the contacts, back to
neutral (or, with the direct switches x_CD, x_DC, to the other mood)::

    neutral    -> content      h = a_C + m_i f_i b_C n_C,i
    neutral    -> discontent   h = a_D + m_i f_i b_D n_D,i
    content    -> neutral      g_C        content    -> discontent   x_CD
    discontent -> neutral      g_D        discontent -> content      x_DC

with n_X,i = sum_j w_ji e_j 1[j is in mood X], the (weighted) number of i's contacts
in mood X, m_i = ``mirroring`` (1 gives the rates as stated) and f_i the expertise
factor. One step of dt years treats the two ways out of a state as competing risks
and draws one uniform number u per person::

    H = h1 + h2,  P = 1 - exp(-H dt)
    u < P h1 / H        -> the first way out
    P h1 / H <= u < P   -> the second way out
    otherwise           stay

which is exact for hazards frozen over the step. A mood is shown as valence: +1
content, 0 neutral, -1 discontent.

References
----------
.. [1] Hill, A. L., Rand, D. G., Nowak, M. A., & Christakis, N. A. (2010). Emotions as
   infectious diseases in a large social network: the SISa model. Proceedings of the
   Royal Society B, 277(1701), 3827-3835. doi:10.1098/rspb.2010.1217
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "CONTENT", "DISCONTENT", "NEUTRAL", "STATES", "VALENCE", "exits", "from_valence",
    "hazards", "transition", "well_mixed_counts",
]

NEUTRAL, CONTENT, DISCONTENT = 0, 1, 2
#: The moods by code.
STATES = ("neutral", "content", "discontent")
#: How each mood is shown as valence.
VALENCE = np.array([0.0, 1.0, -1.0])


def from_valence(valence):
    """The mood nearest a valence: content from +1/2 up, discontent from -1/2 down."""
    v = np.asarray(valence, dtype=float)
    return np.where(v >= 0.5, CONTENT, np.where(v <= -0.5, DISCONTENT, NEUTRAL)).astype(np.int8)


def hazards(state, content_contacts, discontent_contacts, gain, rates):
    """``(h1, h2)`` per person, the hazards (per year) of its two ways out.

    The ways out are (content, discontent) for a neutral person, (neutral, discontent)
    for a content one and (neutral, content) for a discontent one. ``gain`` is
    mirroring times the expertise factor; ``rates`` maps the eight rate names of the
    registry (``content_rate`` ... ``discontent_to_content``) to numbers.
    """
    r = rates
    h1 = np.where(state == NEUTRAL, r["content_rate"] + gain * r["content_contagion"]
                  * content_contacts,
                  np.where(state == CONTENT, r["content_recovery"], r["discontent_recovery"]))
    h2 = np.where(state == NEUTRAL, r["discontent_rate"] + gain * r["discontent_contagion"]
                  * discontent_contacts,
                  np.where(state == CONTENT, r["content_to_discontent"],
                           r["discontent_to_content"]))
    return h1, h2


def exits(state):
    """``(first, second)``: where each person goes by its first and by its second way out."""
    first = np.where(state == NEUTRAL, CONTENT, NEUTRAL)
    second = np.where(state == NEUTRAL, DISCONTENT,
                      np.where(state == CONTENT, DISCONTENT, CONTENT))
    return first, second


def transition(state, h1, h2, uniform, dt):
    """Next mood from the two hazards, one uniform number each, a step of ``dt`` years."""
    total = np.asarray(h1 + h2, dtype=float)
    leave = -np.expm1(-total * dt)
    safe = np.where(total > 0, total, 1.0)
    cut = np.where(total > 0, leave * h1 / safe, 0.0)
    first, second = exits(state)
    return np.where(uniform < cut, first,
                    np.where(uniform < leave, second, state)).astype(np.int8)


def well_mixed_counts(state, contacts: float):
    """``(n_C, n_D)`` in a well-mixed population where everyone has ``contacts`` contacts.

    A complete graph whose every pair has weight ``contacts / (N - 1)``: each person's
    count is ``contacts`` times the share of the *others* in the mood, so the hazard of
    a neutral person is ``a + b contacts x`` as in the mean field, and the mean field
    becomes exact as N grows.
    """
    n = len(state)
    weight = contacts / (n - 1)
    content, discontent = state == CONTENT, state == DISCONTENT
    return (weight * (np.count_nonzero(content) - content),
            weight * (np.count_nonzero(discontent) - discontent))
