"""What the runs of an ensemble receive each step: events and random numbers, as tables.

A run alone asks each of its events, every step, what it contributes
(:meth:`contagion.model.ContagionModel._inputs_for`). In an ensemble that would be a
Python loop over runs and events every step, so each event is asked once, when the
ensemble is built, and its contribution is kept as rows of a table (agent, value,
active steps); a step then selects the active rows of all runs with one mask.
Rows are ordered by the event's place in its run's list, so where two events of a
run reach the same agent their contributions add up in the same order as alone.

Random numbers come from each run's own generator in the order the run alone draws
them: each step ``2 n`` normal numbers for the noise (when ``noise > 0``), then ``n``
uniform numbers for each choice. A run that draws only one kind draws many steps at
once (the values, in order, are the same); a run that draws both draws step by step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from contagion.engine import StepInputs
from contagion.events import Pin, Shock, Stimulus, group_code, select

__all__ = ["EventTables", "RandomDraws", "RunView"]

#: Random numbers drawn ahead at most, over all runs (8 bytes each).
DRAW_AHEAD = 4_000_000
_NEVER = np.iinfo(np.int64).max


class RunView:
    """One run of an ensemble seen the way events see a model (its own indices)."""

    def __init__(self, spec):
        self.n_agents = len(spec.valence)
        self.group_codes, self.group_names = spec.group_codes, spec.group_names
        self.traits, self.outgroup_sign = spec.traits, spec.outgroup_sign
        self.expertise_gain = spec.expertise_gain
        self.agent_list = None
        self._nodes = spec.nodes

    @property
    def node_index(self) -> dict:
        nodes = range(self.n_agents) if self._nodes is None else self._nodes
        return {node: i for i, node in enumerate(nodes)}


def check_batchable_events(events) -> None:
    """An event whose ``who`` is a predicate needs Mesa agents each step: not in an ensemble."""
    for event in events:
        if not isinstance(event, (Stimulus, Shock, Pin)):
            raise ValueError(f"events: {event!r} is not a Stimulus, Shock or Pin")
        for who in (event.who, getattr(event, "source_group", None)):
            if callable(who):
                raise ValueError(f"event {type(event).__name__} selects agents with a function "
                                 f"({who!r}), which needs Mesa agents: it cannot run in an "
                                 "ensemble")


@dataclass
class _Rows:
    """Rows of one kind of event: global agent, values, and the steps each row is active."""

    agent: np.ndarray
    values: list[np.ndarray]
    start: np.ndarray
    stop: np.ndarray

    def active(self, step: int) -> np.ndarray:
        return (self.start <= step) & (step < self.stop)


def _table(entries: list, width: int) -> _Rows | None:
    """Rows sorted by (slot, run): ``entries`` holds (slot, run, agents, values, start, stop)."""
    if not entries:
        return None
    entries.sort(key=lambda e: (e[0], e[1]))
    agent = np.concatenate([e[2] for e in entries])
    sizes = [len(e[2]) for e in entries]
    values = [np.concatenate([np.broadcast_to(np.asarray(e[3][k], dtype=float), (len(e[2]),))
                              for e in entries]) for k in range(width)]
    start = np.repeat([e[4] for e in entries], sizes)
    stop = np.repeat([e[5] for e in entries], sizes)
    return _Rows(agent, values, start, stop)


class EventTables:
    """The stimuli, shocks and pins of every run of an ensemble, as row tables."""

    def __init__(self, specs, views, offsets: np.ndarray, n_total: int):
        self.n = n_total
        stimuli, shocks, pins = [], [], []
        for run, (spec, view) in enumerate(zip(specs, views)):
            offset = int(offsets[run])
            slots = {Stimulus: 0, Shock: 0, Pin: 0}
            for event in spec.events:
                kind = type(event)
                slot, slots[kind] = slots[kind], slots[kind] + 1
                if kind is Stimulus:
                    idx, *values = event.contributions(view)
                    stop = _NEVER if event.stop is None else event.stop
                    stimuli.append((slot, run, idx + offset, values, event.start, stop))
                elif kind is Shock:
                    idx, *values = event.pushes(view)
                    shocks.append((slot, run, idx + offset, values, event.step, event.step + 1))
                else:
                    pins.append((slot, run, select(view, event.who) + offset, event))
        self.stimuli = _table(stimuli, 3)
        self.shocks = _table(shocks, 2)
        self.pins = _PinTable(pins) if pins else None

    def inputs(self, step: int) -> StepInputs:
        """Stimulus sums, shock pushes and pinned values of every agent for ``step``."""
        inputs = StepInputs()
        if self.stimuli is not None and (on := self.stimuli.active(step)).any():
            agent = self.stimuli.agent[on]
            inputs.stimulus_valence, inputs.stimulus_arousal, inputs.salience = (
                _added(self.n, agent, values[on]) for values in self.stimuli.values)
        if self.shocks is not None and (on := self.shocks.active(step)).any():
            agent = self.shocks.agent[on]
            inputs.kick_valence, inputs.kick_arousal = (
                _added(self.n, agent, values[on]) for values in self.shocks.values)
        if self.pins is not None:
            inputs.held_valence, inputs.held_arousal = self.pins.held(step, self.n)
        return inputs

    def hold(self, step: int, valence: np.ndarray, arousal: np.ndarray) -> None:
        """Set the pinned agents' state for ``step`` (as :meth:`Pin.hold` does)."""
        if self.pins is None:
            return
        held_v, held_a = self.pins.held(step, self.n)
        if held_v is not None:
            np.copyto(valence, held_v, where=~np.isnan(held_v))
            np.copyto(arousal, held_a, where=~np.isnan(held_a))


def _added(n: int, agent: np.ndarray, values: np.ndarray) -> np.ndarray:
    total = np.zeros(n)
    np.add.at(total, agent, values)
    return total


class _PinTable:
    """Pins of all runs: which agents, which steps, and the level at each step.

    Rows are (pin, agent) pairs, grouped by the pin's place in its run's list (its
    slot): a later pin of a run overwrites an earlier one where both hold an agent.
    """

    def __init__(self, pins: list):
        pins.sort(key=lambda p: (p[0], p[1]))
        events = [p[3] for p in pins]
        self.start = np.array([e.start for e in events])
        self.stop = np.array([_NEVER if e.stop is None else e.stop for e in events])
        self.levels = [_levels([getattr(e, name) for e in events])
                       for name in ("valence", "arousal")]
        sizes = [len(p[2]) for p in pins]
        self.agent = np.concatenate([p[2] for p in pins])
        self.pin = np.repeat(np.arange(len(pins)), sizes)
        slot = np.repeat([p[0] for p in pins], sizes)
        self.slots = [np.flatnonzero(slot == k) for k in np.unique(slot)]

    def held(self, step: int, n: int):
        """``(valence, arousal)`` held at ``step`` (NaN where free), or ``(None, None)``."""
        on = (self.start <= step) & (step < self.stop)
        if not on.any():
            return None, None
        held = (np.full(n, np.nan), np.full(n, np.nan))
        for target, (table, length, free) in zip(held, self.levels):
            level = table[np.arange(len(table)), np.clip(step - self.start, 0, length - 1)]
            use = on & ~free
            for rows in self.slots:
                rows = rows[use[self.pin[rows]]]
                target[self.agent[rows]] = level[self.pin[rows]]
        return held


def _levels(levels: list):
    """Levels as a table (pins, longest script), their lengths, and which are None."""
    free = np.array([level is None for level in levels])
    scripts = [(0.0,) if level is None else (level,) if np.isscalar(level) else tuple(level)
               for level in levels]
    length = np.array([len(s) for s in scripts])
    table = np.empty((len(scripts), int(length.max())))
    for row, script in enumerate(scripts):  # after its end a script holds its last value
        table[row, :len(script)] = script
        table[row, len(script):] = script[-1]
    return table, length, free


class RandomDraws:
    """Every run's random numbers, from its own generator in the order it draws them alone.

    ``slots_of_run[r]`` lists the choices run r makes (numbers of the ensemble's choice
    slots, in the run's order); each step it draws ``n`` uniform numbers for each.
    """

    def __init__(self, generators, sizes, offsets, noisy: np.ndarray, slots_of_run: list,
                 n_slots: int):
        self.generators, self.sizes, self.offsets = generators, sizes, offsets
        self.n, self.n_slots = int(offsets[-1]), n_slots
        self.any_noise = bool(noisy.any())
        self.slots = [np.array(slots, dtype=int) for slots in slots_of_run]
        choosing = np.array([len(slots) > 0 for slots in slots_of_run])
        self.ahead_normal = np.flatnonzero(noisy & ~choosing)  # runs drawn many steps ahead
        self.ahead_uniform = np.flatnonzero(choosing & ~noisy)
        mixed = np.flatnonzero(noisy & choosing)  # runs drawn step by step
        self.mixed = mixed
        self.mixed_in_slot = [[r for r in mixed if k in slots_of_run[r]] for k in range(n_slots)]
        self._first = self._end = 0
        self._normal = self._uniform = None

    def _slice(self, run: int) -> slice:
        return slice(int(self.offsets[run]), int(self.offsets[run + 1]))

    def prepare(self, step: int, last: int) -> None:
        """Draw ahead for steps ``step`` .. at most ``last`` if the buffer has run out."""
        if step < self._end:
            return
        per_step = 2 * self.n * self.any_noise + self.n_slots * self.n
        count = int(max(1, min(last - step + 1, DRAW_AHEAD // max(per_step, 1))))
        self._first, self._end = step, step + count
        self._normal = np.zeros((count, 2, self.n)) if self.any_noise else None
        self._uniform = np.zeros((count, self.n_slots, self.n)) if self.n_slots else None
        for run in self.ahead_normal:
            self._normal[:, :, self._slice(run)] = self.generators[run].standard_normal(
                (count, 2, self.sizes[run]))
        everything = np.arange(self.n_slots)
        for run in self.ahead_uniform:
            slots = self.slots[run]
            block = self.generators[run].random((count, len(slots), self.sizes[run]))
            if len(slots) == self.n_slots and (slots == everything).all():
                self._uniform[:, :, self._slice(run)] = block
            else:
                self._uniform[:, slots, self._slice(run)] = block

    def noise(self, step: int):
        """``(valence, arousal)`` normal draws of ``step`` (zeros for quiet runs), or None."""
        if not self.any_noise:
            return None, None
        block = self._normal[step - self._first]
        for run in self.mixed:
            part = self._slice(run)
            block[0, part] = self.generators[run].standard_normal(self.sizes[run])
            block[1, part] = self.generators[run].standard_normal(self.sizes[run])
        return block[0], block[1]

    def uniform(self, step: int, slot: int) -> np.ndarray:
        """The uniform numbers of choice slot ``slot`` in ``step`` (for the runs that make it)."""
        row = self._uniform[step - self._first, slot]
        for run in self.mixed_in_slot[slot]:
            row[self._slice(run)] = self.generators[run].random(self.sizes[run])
        return row


def chooser_indices(views, offsets, who) -> np.ndarray:
    """Global indices of the agents ``who`` names in every run (a missing group raises)."""
    parts = []
    for view, offset in zip(views, offsets):
        if isinstance(who, str):
            group_code(view, who)
        parts.append(select(view, who) + int(offset))
    return np.concatenate(parts) if parts else np.array([], dtype=int)
