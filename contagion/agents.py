"""``EmotionAgent``: one person on the network, the readable reference of the rule.

An agent's attributes (``valence``, ``arousal``, ``mirroring``, ...) are views
of the model's arrays: reading one reads the model's array at the agent's index,
and writing one writes it. In the ``"agents"`` engine each agent computes its own
next emotion: :meth:`EmotionAgent.prepare` freezes its rates for the step,
:meth:`EmotionAgent.step` takes one stage of a sub-step from what it perceives of the
others (the model runs two stages per sub-step for everyone, see
:mod:`contagion.rules.mirroring`), and :meth:`EmotionAgent.finish` adds noise and
shocks. Subclass it to try another
rule on the same model.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from mesa.discrete_space import FixedAgent

from contagion import rules
from contagion.behaviour import choice_probabilities, pick
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
    """A person who perceives the emotions of the people it sees, and stimuli, and mirrors them.

    In real time, with y = (valence, arousal)::

        dy/dt = m (s - y) + rho (u - y) + r (baseline - y)

        s = sum_j W_j sigma_j y_j           what I perceive in others (their states now)
        u = sum_k S_k y_k / sum_k S_k       what I perceive directly (stimuli, salience S)
        m = mirroring (1 + expertise_gain expertise)             [x negativity_gain]
        rho = reactivity (1 + expertise_gain expertise) attention sum_k S_k
              (1 + amplification x share of the people I see who are exposed too)
        r = regulation                                 [/ negativity_gain below baseline]

    Each sub-step of length h is an exponential Heun step (:meth:`step`): with
    ``lambda = m + rho + r`` and ``N = m s + rho u + r baseline`` at the start, I relax
    exactly towards N / lambda for h (predictor); then again from the start with lambda
    and N averaged over the start and the predicted states (corrector).

    with y = (valence, arousal), W_j my normalised weight on sender j
    (channel strength x the sender's expressiveness x |outgroup_sign| across
    groups), sigma_j the sign of ``outgroup_sign`` on valence across groups, and the
    negativity gain applied on valence where the input pulls me down. With
    ``anticipation`` tau > 0 I perceive a pinned performer's state projected tau
    seconds along its latest change.

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
    reactivity = _TraitView()
    attention = _TraitView()
    expressiveness = _TraitView()
    regulation = _TraitView()
    baseline = _TraitView()
    baseline_arousal = _TraitView()
    negativity_gain = _TraitView()
    expertise = _TraitView()
    anticipation = _TraitView()
    amplification = _TraitView()
    threshold = _TraitView()

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

    def perception(self) -> list[tuple[int, float, float]]:
        """``(sender index, normalised weight W, valence sign)`` for everyone I perceive.

        Weights are ``w e |c|`` over their sum (so they add up to 1); an empty list
        when I perceive nobody.
        """
        outgroup_sign, mine = self.model.outgroup_sign, self.group
        raw = []
        for sender, w in self.senders():
            same = sender.group == mine
            weight = w * sender.expressiveness * (1.0 if same else abs(outgroup_sign))
            sign = 1.0 if same or outgroup_sign >= 0 else -1.0
            raw.append((sender.index, weight, sign))
        total = sum(weight for _, weight, _ in raw)
        return [(j, weight / total, sign) for j, weight, sign in raw] if total > 0 else []

    def prepare(self) -> None:
        """Freeze my rates for this step: what I perceive directly, pinned values, anticipation.

        The negativity gain is applied later, at each stage, on the state of that stage.
        """
        model, i, inputs = self.model, self.index, self.model.step_inputs
        if not model.social:
            self._seen = []
        else:  # who I perceive changes only when the network is rebuilt
            version = model.network_version
            if getattr(self, "_perceived", (None,))[0] != version:
                self._perceived = (version, self.perception())
            self._seen = self._perceived[1]
        factor = rules.expertise_factor(self.expertise, model.expertise_gain)
        social = self.mirroring * factor if self._seen else 0.0
        salience = float(inputs.salience[i]) if inputs.salience is not None else 0.0
        stimulus = 0.0
        if salience > 0 and model.stimuli:
            stimulus = self.reactivity * factor * salience
            if self._seen and self.amplification > 0:
                shared = sum(w for j, w, _ in self._seen if inputs.salience[j] > 0)
                stimulus *= 1.0 + self.amplification * shared
        self._frozen = []
        for valence in (True, False):
            num = inputs.stimulus_valence if valence else inputs.stimulus_arousal
            target = float(num[i]) / salience if stimulus > 0 else 0.0
            baseline = self.baseline if valence else self.baseline_arousal
            gain = self.negativity_gain if valence else 1.0
            held = inputs.held_valence if valence else inputs.held_arousal
            pinned = None if held is None or math.isnan(held[i]) else float(held[i])
            projected = 0.0 if held is None else self._anticipated(held, valence)
            self._frozen.append((social, stimulus, self.regulation, target, baseline, gain,
                                 pinned, projected))

    def fastest(self) -> list[tuple[float, float]]:
        """Per dimension, my fastest social and total rates this step (the gain included)."""
        out = []
        for m, rho, r, _, _, gain, pinned, _ in self._frozen:
            m, rho, r = (0.0, 0.0, 0.0) if pinned is not None else (m * gain, rho * gain, r)
            out.append((m, m + rho + r))
        return out

    def _anticipated(self, held, valence: bool) -> float:
        """What projecting pinned senders' course adds to what I perceive."""
        if self.anticipation <= 0:
            return 0.0
        old = self.model.valence if valence else self.model.arousal
        bounds = rules.VALENCE_RANGE if valence else rules.AROUSAL_RANGE
        extra = 0.0
        for j, w, sign in self._seen:
            if not math.isnan(held[j]):
                push = self.anticipation * (held[j] - old[j]) / self.model.dt_seconds
                projected = float(rules.saturate(held[j], push, bounds))
                extra += w * (sign if valence else 1.0) * (projected - held[j])
        return extra

    def step(self) -> None:
        """One stage of an exponential Heun sub-step of length ``model.substep``.

        At this stage's states (``model.stage_valence`` / ``stage_arousal``, everyone's),
        my equation is ``dy/dt = N - lambda y`` with ``lambda = m + rho + r`` and
        ``N = m s + rho u + r baseline``. The predictor (``model.stage == 0``) relaxes my
        state at the start of the sub-step exactly for those lambda and N; the corrector
        (``model.stage == 1``) does so for their averages over both stages. I write the
        result into ``model.next_valence`` / ``next_arousal``. A subclass with a rule of
        its own writes its next stage from what it reads.
        """
        model, i, h = self.model, self.index, self.model.substep
        if model.stage == 0:
            self._first = [None, None]
        for k, (frozen, stage, start, out) in enumerate(zip(
                self._frozen, (model.stage_valence, model.stage_arousal),
                (model.start_valence, model.start_arousal),
                (model.next_valence, model.next_arousal))):
            m, rho, r, target, baseline, gain, pinned, projected = frozen
            if pinned is not None:
                out[i] = pinned
                continue
            seen = float(sum(w * (sign if k == 0 else 1.0) * stage[j] for j, w, sign in self._seen))
            rate, drive = rules.rates(m, rho, r, target, baseline, seen + projected,
                                      float(stage[i]), gain)
            if model.stage == 0:
                self._first[k] = (rate, drive)
            else:
                first_rate, first_drive = self._first[k]
                rate, drive = 0.5 * (first_rate + rate), 0.5 * (first_drive + drive)
            out[i] = float(rules.relax(float(start[i]), rate, drive, h))

    def finish(self) -> None:
        """Add noise and shocks to my solved state (bending at the bounds) and hold pins."""
        model, i, inputs = self.model, self.index, self.model.step_inputs
        for k, (new, draws, kicks, held, bounds) in enumerate((
                (model.next_valence, inputs.noise_valence, inputs.kick_valence,
                 inputs.held_valence, rules.VALENCE_RANGE),
                (model.next_arousal, inputs.noise_arousal, inputs.kick_arousal,
                 inputs.held_arousal, rules.AROUSAL_RANGE))):
            y = float(new[i])
            if draws is not None:
                scale = rules.noise_scale(model.noise, model.dt_minutes)
                y = float(rules.saturate(y, scale * draws[i], bounds))
            if kicks is not None:
                y = float(rules.saturate(y, kicks[i], bounds))
            if held is not None and not math.isnan(held[i]):
                y = float(held[i])
            new[i] = min(max(y, bounds[0]), bounds[1])  # a safety net for rounding

    def choose(self, choice, previous, uniform: float) -> int:
        """My option for ``choice`` this step: from my mood and what my senders did last step.

        Without social contagion (``model.social`` False) I see nobody's choice.
        """
        shares = [0.0] * len(choice.options)
        senders = list(self.senders()) if self.model.social else []
        total = sum(w for _, w in senders)
        for sender, w in senders:
            option = previous[sender.index]
            if option >= 0 and total > 0:
                shares[option] += w / total
        probabilities = choice_probabilities(choice.coefficients(), self.valence, self.arousal,
                                             shares)
        return int(pick(probabilities, uniform))
