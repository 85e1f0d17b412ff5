"""The SISa rule on a model, in both engines: ``MoodAgent`` (one person) and the array step.

The equations are in :mod:`contagion.rules.sisa`. The model keeps each person's mood
in ``model.state`` (0 neutral, 1 content, 2 discontent) and shows it as valence
(+1 content, 0 neutral, -1 discontent); arousal is not part of the rule. Rates are
per year; a step of ``dt`` in any unit is converted. A person's contacts are the
people it perceives, each counted with its channel strength times the sender's
expressiveness (times ``|outgroup_sign|`` across groups): with plain ties, the number
of contacts in each mood.
"""

from __future__ import annotations

import numpy as np

from contagion.agents import EmotionAgent
from contagion.clock import TIME_UNITS
from contagion.discrete.contacts import ContactMatrix, contacts_of
from contagion.rules import sisa
from contagion.rules.sisa import CONTENT, DISCONTENT

__all__ = ["RATES", "MoodAgent", "MoodDynamics"]

#: The rule's eight rates (per year), by their names in the parameter registry.
RATES = ("content_rate", "discontent_rate", "content_contagion", "discontent_contagion",
         "content_recovery", "discontent_recovery", "content_to_discontent",
         "discontent_to_content")


class MoodAgent(EmotionAgent):
    """A person who is neutral, content or discontent, and catches moods from contacts.

    Each step of dt years::

        neutral:     to content at a_C + m f b_C n_C,  to discontent at a_D + m f b_D n_D
        content:     to neutral at g_C,   to discontent at x_CD
        discontent:  to neutral at g_D,   to content at x_DC

    with n_C (n_D) the number of my contacts who are content (discontent), m my
    mirroring and f my expertise factor; the two ways out compete, and one uniform
    number decides.
    """

    @property
    def mood(self) -> str:
        """``"neutral"``, ``"content"`` or ``"discontent"``."""
        return sisa.STATES[int(self.model.state[self.index])]

    def contacts(self) -> tuple[float, float]:
        """``(n_C, n_D)``: how many of the people I perceive are content, and discontent."""
        model = self.model
        content = discontent = 0.0
        for j, weight in contacts_of(self):
            if model.state[j] == CONTENT:
                content += weight
            elif model.state[j] == DISCONTENT:
                discontent += weight
        return content, discontent

    def step(self) -> None:
        """Draw my mood for the next step; the model applies everyone's at once."""
        model, i = self.model, self.index
        content, discontent = self.contacts()
        dynamics = model.dynamics
        first, second = sisa.hazards(model.state[i], content, discontent, dynamics.gain[i],
                                     dynamics.rates(model))
        model.next_state[i] = sisa.transition(model.state[i], first, second,
                                              dynamics.uniform[i], dynamics.dt_years(model))


class MoodDynamics:
    """State and the vectorised step of the SISa rule on ``model``."""

    agent_class = MoodAgent

    def __init__(self, model):
        model.state = sisa.from_valence(model.start_valence)
        self.contact_matrix = ContactMatrix()
        self.uniform = self.gain = None

    @staticmethod
    def rates(model) -> dict[str, float]:
        """The eight rates (per year) as set on the model now."""
        return {name: getattr(model, name) for name in RATES}

    @staticmethod
    def dt_years(model) -> float:
        """The model's step in years."""
        return model.dt_seconds / TIME_UNITS["year"]

    def expression(self, model) -> tuple[np.ndarray, np.ndarray]:
        """(valence, arousal) shown: the mood as valence, arousal unchanged."""
        return sisa.VALENCE[model.state], model.arousal.copy()

    def contacts(self, model) -> tuple[np.ndarray, np.ndarray]:
        """``(n_C, n_D)`` for everyone: how many of the people each perceives are content,
        and discontent (0 without social contagion)."""
        if not model.social:
            return np.zeros(model.n_agents), np.zeros(model.n_agents)
        moods = np.column_stack([model.state == CONTENT, model.state == DISCONTENT])
        counts = self.contact_matrix.update(model) @ moods.astype(float)
        return counts[:, 0], counts[:, 1]

    def advance(self, model) -> tuple[np.ndarray, np.ndarray]:
        """One step in the model's engine; returns the new (valence, arousal)."""
        n = model.n_agents
        self.uniform = model.rng.random(n)
        self.gain = model.traits["mirroring"] * (1.0 + model.expertise_gain
                                                 * model.traits["expertise"])
        if model.engine == "agents":
            model.next_state = model.state.copy()
            model.agents.do("step")
            model.state = model.next_state
        else:
            content, discontent = self.contacts(model)
            first, second = sisa.hazards(model.state, content, discontent, self.gain,
                                         self.rates(model))
            model.state = sisa.transition(model.state, first, second, self.uniform,
                                          self.dt_years(model))
        return self.expression(model)
