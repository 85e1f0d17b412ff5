"""Rules with discrete states on a model: the excitable rule and SISa, in both engines.

The mirroring rule moves continuous moods (:mod:`contagion.engine`, :mod:`contagion.agents`);
the rules here move a discrete state per person, kept in ``model.state``:

- ``rule="excitable"``: resting / active / refractory (:mod:`contagion.discrete.excitable`);
- ``rule="sisa"``: neutral / content / discontent (:mod:`contagion.discrete.sisa`).

Each has an agent class whose ``step`` reads like the rule's equations (the agents
engine) and an array step (the vectorised engine); both call the same pure functions
in :mod:`contagion.rules` with the same uniform numbers, so for the same seed they give
the same states, exactly. :class:`RuleParameters` gives the model its rule parameters
(``model.threshold``, ``model.content_rate``, ...) and ``model.active``.
"""

from __future__ import annotations

from contagion.discrete.excitable import ExcitableDynamics, Fan
from contagion.discrete.sisa import MoodAgent, MoodDynamics
from contagion.events import Stimulus
from contagion.params import PARAMETERS
from contagion.population import Parameter
from contagion.rules import RULES
from contagion.rules.excitable import ACTIVE

__all__ = ["DYNAMICS", "RULE_PARAMETERS", "Fan", "MoodAgent", "RuleParameters", "agent_base",
           "check_event", "check_rule", "for_rule"]

#: The dynamics of each discrete rule.
DYNAMICS = {"excitable": ExcitableDynamics, "sisa": MoodDynamics}
#: Parameters only the excitable or sisa rule uses (keywords of ContagionModel besides its own).
RULE_PARAMETERS = tuple(name for name, p in PARAMETERS.items() if "mirroring" not in p.rules)
#: Events each discrete rule takes: the excitable rule takes stimuli, SISa none.
_EVENTS = {"excitable": (Stimulus,), "sisa": ()}


def check_rule(rule) -> str:
    """``rule`` if it names a rule, else a ValueError listing them."""
    if rule not in RULES:
        raise ValueError(f"rule={rule!r} is not known: allowed {', '.join(RULES)}")
    return rule


def agent_base(rule: str, default: type) -> type:
    """The agent class a model of ``rule`` needs (``default`` for the mirroring rule)."""
    return DYNAMICS[rule].agent_class if rule in DYNAMICS else default


def for_rule(rule: str, model):
    """The dynamics of ``rule`` on ``model`` (None for the mirroring rule)."""
    return DYNAMICS[rule](model) if rule in DYNAMICS else None


def check_event(rule: str, event) -> None:
    """Refuse an event that ``rule`` cannot take up, naming the rule."""
    if rule in _EVENTS and not isinstance(event, _EVENTS[rule]):
        allowed = " and ".join(e.__name__ for e in _EVENTS[rule]) or "no events"
        raise ValueError(f"events: rule={rule!r} takes {allowed}, not "
                         f"{type(event).__name__}: it has no continuous mood to push or hold")


class RuleParameters:
    """Mixin: the excitable and sisa rules' parameters on the model, and ``model.active``."""

    threshold = Parameter()
    softness = Parameter()
    reaction_rate = Parameter()
    spontaneous_rate = Parameter()
    active_time = Parameter()
    refractory_time = Parameter()
    side_bias = Parameter()
    side_following = Parameter()
    content_rate = Parameter()
    discontent_rate = Parameter()
    content_contagion = Parameter()
    discontent_contagion = Parameter()
    content_recovery = Parameter()
    discontent_recovery = Parameter()
    content_to_discontent = Parameter()
    discontent_to_content = Parameter()

    @property
    def active(self):
        """Who is active (standing) now: a boolean per agent (excitable rule only)."""
        if self.rule != "excitable":
            raise AttributeError(f"model.active exists for rule='excitable', not {self.rule!r}")
        return self.state == ACTIVE
