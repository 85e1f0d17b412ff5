"""The excitable rule on a model, in both engines: ``Fan`` (one person) and the array step.

The equations are in :mod:`contagion.rules.excitable`. The model keeps each person's
``state`` (0 resting, 1 active, 2 refractory), ``age`` (seconds in that state) and
``came`` (the side its activity came from when it last stood up) as arrays. Two
things are fields every person of a crowd sees, computed once per step: the side
the crowd watches (``model.looking``, one number per crowd, a crowd being a
connected part of the network) and the stimuli (``model.step_inputs``).

Sides come from the node attributes ``seat`` (position along a ring, growing
clockwise) and ``row``; on a network without them every tie is seen from no side in
particular and the side terms vanish. A person shows its state as arousal: 1 while
active, its ``baseline_arousal`` otherwise; valence is not part of the rule.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from contagion.agents import EmotionAgent
from contagion.discrete.contacts import ContactMatrix, contacts_of
from contagion.graphs import node_attribute
from contagion.rules import excitable
from contagion.rules.excitable import ACTIVE, REFRACTORY, RESTING

__all__ = ["ExcitableDynamics", "Fan"]


class Fan(EmotionAgent):
    """A person in an excitable crowd: resting, active (standing) or refractory.

    Each step of dt seconds, if I am resting::

        s = sum_j W_j a_j            the activity I perceive: strengths of the active people I see
        c = sum_j W_j b_j a_j        the same, signed by the side they are on
        p = s + L c                  L: the side my crowd watches (model.looking)
        x = m f p + rho f u          what moves me: people (mirroring), stimuli (reactivity)
        I become active with probability 1 - exp(-(lambda ramp((x - theta)/delta) + eps) dt)

    and then stay active for ``active_time`` seconds and refractory for
    ``refractory_time`` seconds; while refractory nothing moves me.
    """

    def side_of(self, sender: int) -> float:
        """+1 if ``sender`` sits straight on my upstream side (lower seat number), -1 downstream."""
        model = self.model
        geometry = model.dynamics.geometry
        if geometry is None:
            return 0.0
        seat, row, seats = geometry
        offset = excitable.seat_offset(seat[self.index], seat[sender], seats)
        return float(excitable.bearing(offset, row[sender] - row[self.index]))

    def perceived(self) -> tuple[float, float]:
        """``(s, c)``: the activity I perceive (strengths of the active people), and its signed part."""
        model = self.model
        activity = signed = 0.0
        for j, weight in contacts_of(self):
            if model.state[j] == ACTIVE:
                activity += weight
                signed += weight * self.side_of(j)
        return activity, signed

    def step(self) -> None:
        """Decide my state for the next step; the model applies everyone's at once."""
        model, i = self.model, self.index
        state, fire, came = model.state[i], False, model.came[i]
        if state == RESTING:
            activity, signed = self.perceived()
            watched = activity + model.looking[model.crowd[i]] * signed
            factor = float(model.dynamics.factor[i])
            x = excitable.drive(watched, self.mirroring, model.dynamics.stimulus[i],
                                self.reactivity, factor)
            chance = excitable.activation_probability(
                x, self.threshold, model.softness, model.reaction_rate, model.spontaneous_rate,
                model.dt_seconds)
            fire = bool(model.dynamics.uniform[i] < chance)
            if fire:
                came = np.sign(signed)
        new_state, new_age = excitable.advance(state, model.age[i], fire, model.dt_seconds,
                                               model.active_time, model.refractory_time)
        model.next_state[i], model.next_age[i], model.next_came[i] = new_state, new_age, came


def _geometry(model):
    """``(seat, row, seats per ring)`` from the node attributes, or None without seats."""
    seat = node_attribute(model.graph, model.nodes, "seat")
    if seat is None:
        return None
    row = node_attribute(model.graph, model.nodes, "row")
    row = np.zeros(model.n_agents) if row is None else row
    if (seat < 0).any() or (seat != np.round(seat)).any():
        raise ValueError("node attribute 'seat' must hold whole numbers >= 0 (seats along "
                         "a ring, growing clockwise)")
    return seat.astype(np.int64), row, int(seat.max()) + 1


class ExcitableDynamics:
    """State, fields and the vectorised step of the excitable rule on ``model``."""

    agent_class = Fan

    def __init__(self, model):
        n = model.n_agents
        model.state = np.full(n, RESTING, dtype=np.int8)
        model.age = np.zeros(n)
        model.came = np.zeros(n, dtype=np.int8)
        self.geometry = _geometry(model)
        count, labels = connected_components(model.in_edges, directed=True, connection="weak")
        model.crowd, self.crowds = labels, count
        model.looking = np.zeros(count)
        self.contact_matrix = ContactMatrix()
        self._matrix_key = None
        self.uniform = self.stimulus = self.factor = None

    def expression(self, model) -> tuple[np.ndarray, np.ndarray]:
        """(valence, arousal) shown: arousal 1 while active, the baseline otherwise."""
        arousal = np.where(model.state == ACTIVE, 1.0, model.traits["baseline_arousal"])
        return model.valence.copy(), arousal

    def _perception(self, model) -> sp.csc_array:
        """``[W; W * side]`` stacked (2N x N) by columns: what each sender adds to s and c.

        W holds how much each person counts (:class:`ContactMatrix`), not shares."""
        weights = self.contact_matrix.update(model)
        if self._matrix_key is not weights:
            coo = weights.tocoo()
            side = np.zeros(coo.nnz)
            if self.geometry is not None:
                seat, row, seats = self.geometry
                offset = excitable.seat_offset(seat[coo.row], seat[coo.col], seats)
                side = excitable.bearing(offset, row[coo.col] - row[coo.row])
            sides = sp.csr_array((coo.data * side, (coo.row, coo.col)), shape=weights.shape)
            self._stacked = sp.csc_array(sp.vstack([weights, sides], format="csr"))
            self._matrix_key = weights
        return self._stacked

    def _perceived(self, model) -> tuple[np.ndarray, np.ndarray]:
        """``(s, c)`` for everyone, summed over the active senders only.

        Each receiver's terms are added in the order of the senders' indices, as a
        ``Fan`` adds them, so both engines get the same numbers to the last bit.
        """
        n = model.n_agents
        stacked = self._perception(model)
        senders = np.flatnonzero(model.state == ACTIVE)
        begin, end = stacked.indptr[senders], stacked.indptr[senders + 1]
        lengths = end - begin
        where = np.repeat(end - np.cumsum(lengths), lengths) + np.arange(lengths.sum())
        both = np.bincount(stacked.indices[where], weights=stacked.data[where], minlength=2 * n)
        return both[:n], both[n:]

    def _fields(self, model) -> None:
        """The draws and fields of this step: uniforms first, then stimuli and looking."""
        n = model.n_agents
        self.uniform = model.rng.random(n)
        inputs = model.step_inputs
        self.stimulus = (inputs.stimulus_arousal if inputs.salience is not None and model.stimuli
                         else np.zeros(n))
        self.factor = 1.0 + model.expertise_gain * model.traits["expertise"]
        active = model.state == ACTIVE
        came_sum = np.bincount(model.crowd[active], weights=model.came[active].astype(float),
                               minlength=self.crowds)
        count = np.bincount(model.crowd[active], minlength=self.crowds)
        model.looking = excitable.looking(came_sum, count, model.side_bias, model.side_following)

    def advance(self, model) -> tuple[np.ndarray, np.ndarray]:
        """One step in the model's engine; returns the new (valence, arousal)."""
        self._fields(model)
        if model.engine == "agents":
            model.next_state = model.state.copy()
            model.next_age, model.next_came = model.age.copy(), model.came.copy()
            model.agents.do("step")
            model.state, model.age, model.came = model.next_state, model.next_age, model.next_came
        else:
            self._vectorized(model)
        return self.expression(model)

    def _vectorized(self, model) -> None:
        n = model.n_agents
        if model.social:
            activity, signed = self._perceived(model)
        else:
            activity = signed = np.zeros(n)
        watched = activity + model.looking[model.crowd] * signed
        x = excitable.drive(watched, model.traits["mirroring"], self.stimulus,
                            model.traits["reactivity"], self.factor)
        chance = excitable.activation_probability(
            x, model.traits["threshold"], model.softness, model.reaction_rate,
            model.spontaneous_rate, model.dt_seconds)
        fire = excitable.fires(model.state, self.uniform, chance)
        came = np.where(fire, np.sign(signed), model.came).astype(np.int8)
        model.state, model.age = excitable.advance(model.state, model.age, fire, model.dt_seconds,
                                                   model.active_time, model.refractory_time)
        model.came = came
