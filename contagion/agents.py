"""``EmotionAgent``: one person on the network, the readable reference of the rule.

An agent's attributes (``valence``, ``arousal``, ``mirroring``, ...) are views
of the model's arrays: reading one reads the model's array at the agent's index,
and writing one writes it. In the ``"agents"`` engine every agent's own
:meth:`EmotionAgent.step` computes its next emotion from its in-neighbours;
subclass it to try another rule on the same model.
"""

from __future__ import annotations

from collections.abc import Iterator

from mesa.discrete_space import FixedAgent

from contagion import rules
from contagion.params import PARAMETERS, check_scalar

__all__ = ["EmotionAgent"]


class _StateView:
    """Descriptor: ``agent.valence`` reads and writes ``model.valence[agent.index]``."""

    def __init__(self, bounds: tuple[float, float]):
        self.bounds = bounds

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, agent, owner=None):
        if agent is None:
            return self
        return float(getattr(agent.model, self.name)[agent.index])

    def __set__(self, agent, value):
        low, high = self.bounds
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{self.name}={value!r} is not a number: allowed "
                             f"[{low:g}, {high:g}]") from None
        if not low <= x <= high:
            raise ValueError(f"{self.name}={value!r} is out of range: allowed [{low:g}, {high:g}]")
        getattr(agent.model, self.name)[agent.index] = x


class _TraitView:
    """Descriptor: ``agent.mirroring`` reads and writes ``model.traits["mirroring"][index]``."""

    def __set_name__(self, owner, name):
        self.param = PARAMETERS[name]

    def __get__(self, agent, owner=None):
        if agent is None:
            return self
        return float(agent.model.traits[self.param.name][agent.index])

    def __set__(self, agent, value):
        agent.model.traits[self.param.name][agent.index] = check_scalar(self.param, value)


class EmotionAgent(FixedAgent):
    """A person who perceives the emotions its in-neighbours express and mirrors them.

    Each step (synchronous: everyone reads the state of the previous step)::

        s = sum_j w_j e_j c_j y_j / sum_j w_j e_j          what I perceive
        k = min(1, mirroring (1 + expertise_gain expertise) [negativity_gain if s_v < v])
        r = regulation [/ negativity_gain on valence below baseline]
        y <- clip(y + k (s - y) - r (y - baseline) + shock + noise)

    with y = (valence, arousal), w_j the channel strength of the edge j -> me,
    e_j the sender's expressiveness and c_j the model's ``outgroup_sign`` on
    valence when the sender is in another group. With ``anticipation`` a > 0 I
    perceive a sender's extrapolated state y_j + a (y_j - y_j(previous step)); with
    ``amplification`` q > 0 I intensify the valence I perceive: s <- s + q s (1 - |s|).

    Parameters
    ----------
    model : ContagionModel
    index : int
        Position of this agent in the model's arrays.
    node : hashable
        The graph node the agent sits on.
    """

    valence = _StateView(rules.VALENCE_RANGE)
    arousal = _StateView(rules.AROUSAL_RANGE)
    mirroring = _TraitView()
    expressiveness = _TraitView()
    regulation = _TraitView()
    baseline = _TraitView()
    baseline_arousal = _TraitView()
    negativity_gain = _TraitView()
    expertise = _TraitView()
    anticipation = _TraitView()
    amplification = _TraitView()

    def __init__(self, model, index: int, node):
        super().__init__(model)
        self.index = index
        self.node = node

    @property
    def group(self) -> str | None:
        """Name of the agent's group, or None when the model has no groups."""
        names = self.model.group_names
        return names[self.model.group_codes[self.index]] if names else None

    @property
    def valence_change(self) -> float:
        """Change of valence over the previous step."""
        return float(self.model.valence_change[self.index])

    @property
    def arousal_change(self) -> float:
        """Change of arousal over the previous step."""
        return float(self.model.arousal_change[self.index])

    def senders(self) -> Iterator[tuple[EmotionAgent, float]]:
        """The agents I perceive, each with the channel strength w of its edge to me."""
        model = self.model
        lo, hi = model.in_edges.indptr[self.index], model.in_edges.indptr[self.index + 1]
        for j, weight in zip(model.in_edges.indices[lo:hi], model.in_edges.data[lo:hi]):
            yield model.agent_list[j], float(weight)

    def perceive(self) -> tuple[float, float, float]:
        """Weighted sums ``(sum w e c v, sum w e a, sum w e)`` over my senders and sources."""
        model = self.model
        my_group, ahead, outgroup_sign = self.group, self.anticipation, model.outgroup_sign
        num_v = num_a = total = 0.0
        for sender, w in self.senders():
            weight = w * sender.expressiveness
            sign = 1.0 if sender.group == my_group else outgroup_sign
            num_v += weight * sign * (sender.valence + ahead * sender.valence_change)
            num_a += weight * (sender.arousal + ahead * sender.arousal_change)
            total += weight
        source = model.step_inputs
        if source.broadcast_weight is not None:
            num_v += source.broadcast_valence[self.index]
            num_a += source.broadcast_arousal[self.index]
            total += source.broadcast_weight[self.index]
        return num_v, num_a, total

    def step(self) -> None:
        """Compute my next emotion from what I perceive (written to the model's buffer)."""
        model, i = self.model, self.index
        num_v, num_a, total = self.perceive()
        seen_v = rules.perceived(num_v, total, self.valence)
        seen_a = rules.perceived(num_a, total, self.arousal)
        if self.amplification > 0:
            seen_v = rules.amplify(seen_v, total, self.amplification)
        k_v, k_a = rules.gains(self.mirroring, self.expertise, model.expertise_gain,
                               self.negativity_gain, seen_v, self.valence)
        kick_v, kick_a = model.step_inputs.kicks(i)
        r_v = rules.release(self.regulation, self.negativity_gain, self.valence, self.baseline)
        model.next_valence[i] = rules.update(self.valence, seen_v, k_v, r_v,
                                             self.baseline, kick_v, rules.VALENCE_RANGE)
        model.next_arousal[i] = rules.update(self.arousal, seen_a, k_a, self.regulation,
                                             self.baseline_arousal, kick_a, rules.AROUSAL_RANGE)
