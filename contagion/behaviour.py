"""Behaviour people choose: at each choice step, each chooser picks one of a few options, or none.

Emotion is what agents feel; behaviour is what they do, and what others see them
do. A :class:`Choice` is a multinomial logit (McFadden 1974): option o has the
utility ::

    U_o = intercept_o + valence_o v + arousal_o a + tension_o (-v) a + peers_o p_o

where v, a are the chooser's own emotion, ``(-v) a`` is unpleasant activation
(mood-as-information: a bad, aroused mood signals that something needs effort;
Schwarz & Clore 1983), and p_o is the share of the people the chooser perceives
(channel strength, normalised) who chose o in the previous step (conformity:
Cialdini & Goldstein 2004). Doing nothing has utility 0. The probabilities are
``exp(U_o) / (1 + sum exp(U))``; one uniform number per chooser and step, drawn
from the model's generator, picks the option.

The coefficients are assumptions a scenario declares, not findings: what emerges
is how choices spread and line up over time through ``peers``, and how a mood that
travels through the network moves them.

References
----------
.. [1] McFadden, D. (1974). Conditional logit analysis of qualitative choice
   behavior. In Frontiers in Econometrics (pp. 105-142).
.. [2] Schwarz, N., & Clore, G. L. (1983). Mood, misattribution, and judgments of
   well-being. Journal of Personality and Social Psychology, 45(3), 513-523.
.. [3] Cialdini, R. B., & Goldstein, N. J. (2004). Social influence: Compliance and
   conformity. Annual Review of Psychology, 55, 591-621.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from contagion.events import Who

__all__ = ["NONE", "Choice", "Option", "choice_probabilities", "pick"]

#: The code of "no option chosen" in ``model.choices[name]``.
NONE = -1
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_COEFFICIENTS = ("intercept", "valence", "arousal", "tension", "peers")
_LIMIT = 50.0


@dataclass(frozen=True)
class Option:
    """One option of a :class:`Choice` and the weights of its utility (log-odds)."""

    name: str
    intercept: float = 0.0
    valence: float = 0.0
    arousal: float = 0.0
    tension: float = 0.0
    peers: float = 0.0

    def __post_init__(self):
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise ValueError(f"option name={self.name!r} is invalid: allowed lower-case "
                             "letters, digits and _")
        for key in _COEFFICIENTS:
            value = getattr(self, key)
            if (isinstance(value, bool) or not isinstance(value, (int, float))
                    or not math.isfinite(value) or abs(value) > _LIMIT):
                raise ValueError(f"option {self.name}: {key}={value!r} is invalid: allowed "
                                 f"numbers in [-{_LIMIT:g}, {_LIMIT:g}]")


@dataclass(frozen=True)
class Choice:
    """Every ``every`` steps, every agent that ``who`` names picks one of ``options`` or none.

    Between two choices each chooser keeps what it chose. A scenario declares how often
    people choose as a time (``every = 1.0``: once a minute), so the choices fall at
    the same times whatever the step (:func:`scenarios.timing.choice_every`).
    """

    name: str
    options: Sequence[Option]
    who: Who = None
    every: int = 1

    def __post_init__(self):
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise ValueError(f"choice name={self.name!r} is invalid: allowed lower-case "
                             "letters, digits and _")
        options = tuple(self.options)
        if not options or not all(isinstance(o, Option) for o in options):
            raise ValueError(f"choice {self.name}: options must be a non-empty list of Option")
        names = [o.name for o in options]
        if len(set(names)) != len(names):
            raise ValueError(f"choice {self.name}: option names repeat: {names}")
        object.__setattr__(self, "options", options)
        if isinstance(self.every, bool) or not isinstance(self.every, (int, np.integer)) \
                or self.every < 1:
            raise ValueError(f"choice {self.name}: every={self.every!r} is invalid: allowed "
                             "whole numbers of steps >= 1")

    def coefficients(self) -> np.ndarray:
        """Array (options, 5): intercept, valence, arousal, tension, peers per option."""
        return np.array([[getattr(o, k) for k in _COEFFICIENTS] for o in self.options])


def choice_probabilities(coefficients, valence, arousal, peer_shares):
    """Probabilities of each option (last axis) for one chooser or many.

    ``coefficients`` is :meth:`Choice.coefficients` (options, 5), or one such table per
    chooser (choosers, options, 5) where choosers of different runs weigh differently.
    ``peer_shares`` has the options on its last axis; the probability of choosing
    nothing is one minus the sum.
    """
    valence = np.asarray(valence, dtype=float)[..., None]
    arousal = np.asarray(arousal, dtype=float)[..., None]
    c = np.asarray(coefficients)
    utility = (c[..., 0] + c[..., 1] * valence + c[..., 2] * arousal
               + c[..., 3] * (-valence) * arousal
               + c[..., 4] * np.asarray(peer_shares, dtype=float))
    top = np.maximum(utility.max(axis=-1, keepdims=True), 0.0)
    weights = np.exp(utility - top)
    return weights / (np.exp(-top) + weights.sum(axis=-1, keepdims=True))


def pick(probabilities, uniform):
    """The option whose cumulative probability first exceeds ``uniform``, else :data:`NONE`."""
    cumulative = np.cumsum(probabilities, axis=-1)
    chosen = (np.asarray(uniform)[..., None] < cumulative).argmax(axis=-1)
    return np.where(np.asarray(uniform) < cumulative[..., -1], chosen, NONE)
