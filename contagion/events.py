"""Events that change the course of a run: stimuli, shocks and pins.

Events are frozen declarations (data); the model asks each one, at every step,
what it contributes. Steps are counted like ``model.steps``: the first call of
``model.step()`` produces the state at step 1; the state at step 0 is the start.

Who an event reaches (``who``) is one of

- ``None``: every agent;
- a string: the name of a group (``"home"``);
- a list of node ids (``[0, 5, 7]``);
- a callable ``predicate(agent) -> bool`` over :class:`~contagion.agents.EmotionAgent`,
  evaluated at each step the event is active.

Events read the model they act on (``model.group_names``, ``model.traits``, ...)
but do not import it: the model imports the events, never the reverse.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Pin", "Shock", "Stimulus", "check_event", "group_code", "select"]

Who = None | str | Sequence[Any] | Callable[[Any], bool]


def group_code(model, name: str) -> int:
    """The integer code of group ``name``, or a ValueError listing the groups."""
    if name not in model.group_names:
        raise ValueError(
            f"group {name!r} is not a group of this model: groups are "
            f"{', '.join(model.group_names) or '(none: the model has no groups)'}"
        )
    return model.group_names.index(name)


def select(model, who: Who) -> np.ndarray:
    """Indices of the agents that ``who`` names (see the module docstring)."""
    if who is None:
        return np.arange(model.n_agents)
    if isinstance(who, str):
        return np.flatnonzero(model.group_codes == group_code(model, who))
    if callable(who):
        return np.array([i for i, a in enumerate(model.agent_list) if who(a)], dtype=int)
    index = model.node_index
    if isinstance(who, bytes) or not hasattr(who, "__iter__"):
        raise ValueError(f"who={who!r} is not a group name, a list of nodes or a predicate")
    missing = [node for node in who if node not in index]
    if missing:
        raise ValueError(f"who lists nodes that are not in the graph: {missing[:5]}")
    return np.array([index[node] for node in who], dtype=int)


def check_event(model, event) -> None:
    """That ``event`` is an event and every group and node it names is in ``model``."""
    if not isinstance(event, (Stimulus, Shock, Pin)):
        raise ValueError(f"events: {event!r} is not a Stimulus, Shock or Pin")
    for who in (event.who, getattr(event, "source_group", None)):
        if isinstance(who, str):
            group_code(model, who)
        elif who is not None and not callable(who):
            select(model, who)


def _check_step(name: str, value: int | None, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{name}={value!r} is not a valid step: allowed integers >= 0")


def _check_level(name: str, value, low: float, high: float, sequence: bool = False) -> None:
    """A finite number in [low, high], or (``sequence``) a non-empty 1-D list of them."""
    if value is None:
        return
    allowed = f"allowed [{low:g}, {high:g}]" if high < np.inf else f"allowed finite numbers >= {low:g}"
    scalar = np.isscalar(value) and not isinstance(value, (str, bytes))
    if not scalar and not sequence:
        raise ValueError(f"{name}={value!r} is not a number: {allowed}")
    try:
        values = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={value!r} is not numeric: {allowed}") from None
    if not scalar and (values.ndim != 1 or values.size == 0):
        raise ValueError(f"{name}={value!r} is not a number or a non-empty list of numbers: {allowed}")
    if not np.isfinite(values).all() or (values < low).any() or (values > high).any():
        raise ValueError(f"{name}={value!r} is out of range: {allowed}")


@dataclass(frozen=True)
class Stimulus:
    """Something people perceive directly, not through another person: a film, a scene, a goal.

    During steps ``start`` .. ``stop - 1`` each agent that ``who`` names takes it up
    at rate ``reactivity x attention x strength`` (see :mod:`contagion.rules`),
    pulled towards (``valence``, ``arousal``); an agent with ``attention`` 0 does not
    see it (an obstructed view). With ``source_group`` the stimulus is about that group:
    agents outside it perceive its valence through the model's ``outgroup_sign``
    (a rival's embarrassment pleases). Cutting social contagion (the fair null)
    keeps every stimulus.
    """

    start: int = 1
    stop: int | None = None
    valence: float = 0.0
    arousal: float = 0.5
    strength: float = 1.0
    who: Who = None
    source_group: str | None = None

    def __post_init__(self):
        _check_step("start", self.start)
        _check_step("stop", self.stop, allow_none=True)
        if self.stop is not None and self.stop <= self.start:
            raise ValueError(f"stop={self.stop} must be greater than start={self.start}")
        _check_level("valence", self.valence, -1.0, 1.0)
        _check_level("arousal", self.arousal, 0.0, 1.0)
        _check_level("strength", self.strength, 0.0, 1e9)

    def active(self, step: int) -> bool:
        """Whether the stimulus is perceived in the update producing ``step``."""
        return step >= self.start and (self.stop is None or step < self.stop)

    def add_input(self, model, step: int, num_v, num_a, salience):
        """Add this stimulus to the selected agents' stimulus sums for ``step``."""
        if not self.active(step):
            return
        idx, valence, arousal, weight = self.contributions(model)
        np.add.at(num_v, idx, valence)
        np.add.at(num_a, idx, arousal)
        np.add.at(salience, idx, weight)

    def contributions(self, model) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(indices, valence, arousal, salience)``: what each selected agent adds up.

        Per agent: salience ``strength x attention`` (times ``|outgroup_sign|`` outside
        ``source_group``) and that salience times the valence (sign-corrected) and arousal.
        """
        idx = select(model, self.who)
        weight = self.strength * model.traits["attention"][idx]
        sign = np.ones(len(idx))
        if self.source_group is not None:
            code = group_code(model, self.source_group)
            outside = model.group_codes[idx] != code
            weight[outside] *= abs(model.outgroup_sign)
            sign[outside] = np.sign(model.outgroup_sign)
        return idx, weight * sign * self.valence, weight * self.arousal, weight


@dataclass(frozen=True)
class Shock:
    """A sudden push to some agents' emotion at one step (an insult, a fright).

    ``valence`` and ``arousal`` are added after the update that produces ``step``,
    bending smoothly towards the bounds instead of crossing them (see
    :func:`contagion.rules.saturate`). With ``scale_by_expertise`` the push to agent
    i is multiplied by ``1 + expertise_gain * expertise_i``. A shock is an input
    that already carries its effect: prefer a :class:`Stimulus` where the finding
    should come from how people take it up.
    """

    step: int
    valence: float = 0.0
    arousal: float = 0.0
    who: Who = None
    scale_by_expertise: bool = False

    def __post_init__(self):
        _check_step("step", self.step)
        _check_level("valence", self.valence, -2.0, 2.0)
        _check_level("arousal", self.arousal, -1.0, 1.0)

    def kick(self, model, step: int, kick_v: np.ndarray, kick_a: np.ndarray):
        """Add this shock's push for ``step`` into the kick arrays."""
        if step != self.step:
            return
        idx, valence, arousal = self.pushes(model)
        np.add.at(kick_v, idx, valence)
        np.add.at(kick_a, idx, arousal)

    def pushes(self, model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(indices, valence, arousal)``: the push each selected agent gets."""
        idx = select(model, self.who)
        scale = 1.0
        if self.scale_by_expertise:
            scale = 1.0 + model.expertise_gain * model.traits["expertise"][idx]
        return idx, self.valence * scale, self.arousal * scale


def _level_at(level, offset: int) -> float | None:
    if level is None or np.isscalar(level):
        return level
    return float(level[min(offset, len(level) - 1)])


@dataclass(frozen=True)
class Pin:
    """Hold some agents' emotion over steps ``start`` .. ``stop - 1`` (a leader in a set mood).

    ``valence`` / ``arousal`` may be a number, or a sequence giving the value at
    ``start``, ``start + 1``, ... (a scripted trajectory; the last value is held
    after the sequence ends). ``None`` leaves that dimension free. ``stop=None``
    holds until the end of the run. A pinned person is still a person: others
    perceive them through mirroring, and the fair null cuts that.
    """

    start: int = 0
    stop: int | None = None
    valence: float | Sequence[float] | None = None
    arousal: float | Sequence[float] | None = None
    who: Who = None

    def __post_init__(self):
        _check_step("start", self.start)
        _check_step("stop", self.stop, allow_none=True)
        if self.stop is not None and self.stop <= self.start:
            raise ValueError(f"stop={self.stop} must be greater than start={self.start}")
        _check_level("valence", self.valence, -1.0, 1.0, sequence=True)
        _check_level("arousal", self.arousal, 0.0, 1.0, sequence=True)

    def active(self, step: int) -> bool:
        """Whether the pin holds at ``step``."""
        return step >= self.start and (self.stop is None or step < self.stop)

    def levels(self, model, step: int) -> tuple[np.ndarray, float | None, float | None]:
        """``(indices, valence, arousal)`` this pin holds at ``step`` (None: that one is free)."""
        idx = select(model, self.who)
        return (idx, _level_at(self.valence, step - self.start),
                _level_at(self.arousal, step - self.start))

    def hold(self, model, step: int) -> None:
        """Set the pinned agents' state for ``step``."""
        if not self.active(step):
            return
        idx, v, a = self.levels(model, step)
        if v is not None:
            model.valence[idx] = v
        if a is not None:
            model.arousal[idx] = a
