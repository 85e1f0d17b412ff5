"""The ensemble engine: many runs of the model advanced together as one array program.

A sweep of small models spends its time in Python around microseconds of
arithmetic. An :class:`Ensemble` lays many runs (replicates, grid points, each with
its own parameters, network, people, events and random generator) end to end in one
set of arrays: their perception matrices sit block-diagonally in one sparse matrix,
their states, traits and inputs one after the other, and one step of the engine
(:func:`contagion.engine.freeze`, sub-steps by :func:`contagion.engine.advance`, noise,
shocks, pins, choices) advances all of them at once.

A run in an ensemble goes through the same floating-point operations as the same run
alone in :func:`contagion.engine.vectorized_update`, so its trajectory is the same
whatever the batch:

- its rows of every product are its own block: runs never mix;
- it takes its own number of sub-steps (:func:`rules.substeps` of its own fastest
  agents and its own tolerance), of its own length; a run with fewer sub-steps waits
  while the others go on;
- its random numbers come from its own generator in the order it draws them alone
  (:class:`contagion.ensemble_inputs.RandomDraws`).

Only metrics are reduced differently (run by run in one call, see
:mod:`contagion.ensemble_metrics`); they differ from a run's own by rounding only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from contagion import rules
from contagion.behaviour import NONE, choice_probabilities, pick
from contagion.engine import (advance, advance_fused, channel_shares, finish, freeze, normalise,
                              parts, perceived)
from contagion.ensemble_inputs import (EventTables, RandomDraws, RunView,
                                       check_batchable_events, chooser_indices)
from contagion.ensemble_metrics import Segments, choice_columns, standard_columns

__all__ = ["Ensemble", "RunSpec", "generator"]

TRAITS = ("mirroring", "reactivity", "attention", "expressiveness", "regulation", "baseline",
          "baseline_arousal", "negativity_gain", "expertise", "anticipation", "amplification")


def generator(seed) -> np.random.Generator:
    """The generator ``ContagionModel(rng=seed)`` draws from (Mesa's ``Model(rng=seed)``)."""
    rng = np.random.default_rng(seed)
    if not isinstance(seed, (int, np.integer)):
        rng.integers(np.iinfo(np.int32).max)  # Mesa seeds its stdlib random from it
    return rng


@dataclass
class RunSpec:
    """One run as arrays: what a :class:`~contagion.model.ContagionModel` holds when built.

    ``valence``/``arousal`` are the state at step 0 (pins that hold at step 0 are
    applied by the ensemble); ``rng`` is the run's generator, already past every draw
    its construction made; ``nodes`` are the node ids (default ``range(n)``), needed
    only for events that name nodes.
    """

    in_edges: sp.csr_array
    group_codes: np.ndarray
    group_names: list
    traits: Mapping[str, np.ndarray]
    valence: np.ndarray
    arousal: np.ndarray
    rng: np.random.Generator
    expertise_gain: float = 1.0
    outgroup_sign: float = 1.0
    noise: float = 0.0
    events: tuple = ()
    choices: tuple = ()
    nodes: Sequence | None = None
    dt: float = 1.0
    time_unit: str = "minute"
    dt_minutes: float = 1.0
    social: bool = True
    stimuli: bool = True
    tolerance: float = rules.TOLERANCE

    @classmethod
    def from_model(cls, model) -> RunSpec:
        """The run a freshly built model would make (it then continues in the ensemble)."""
        if model.steps:
            raise ValueError(f"the model has made {model.steps} steps: an ensemble starts "
                             "from freshly built models")
        rule = getattr(model, "rule", "mirroring")
        if rule != "mirroring":
            raise ValueError(f"rule={rule!r}: an ensemble runs the mirroring rule only")
        if model.engine != "vectorized":
            raise ValueError(f"engine={model.engine!r}: an ensemble runs the vectorised engine")
        return cls(model.in_edges, model.group_codes, list(model.group_names),
                   {t: model.traits[t] for t in TRAITS}, model.valence.copy(),
                   model.arousal.copy(), model.rng, model.expertise_gain, model.outgroup_sign,
                   model.noise, tuple(model.events), tuple(model.choice_specs), model.nodes,
                   model.dt, model.time_unit, model.dt_minutes, model.social, model.stimuli,
                   model.tolerance)


@dataclass
class _ChoiceSlot:
    name: str
    options: np.ndarray
    choosers: np.ndarray
    coefficients: np.ndarray
    specs: list = field(repr=False)
    peers: sp.csr_array | None = field(default=None, repr=False)


#: Above this many stretches of still-sweeping runs, one product over every row is cheaper.
MAX_STRETCHES = 32


def _uniform(specs, name: str):
    values = {getattr(s, name) for s in specs}
    if len(values) > 1:
        raise ValueError(f"the runs of an ensemble share one {name}, got {sorted(values)}")
    return values.pop()


def _block_diagonal(matrices, offsets: np.ndarray) -> sp.csr_array:
    counts = np.array([m.nnz for m in matrices])
    indptr = np.concatenate([[0], np.concatenate([m.indptr[1:] for m in matrices])
                             + np.repeat(np.concatenate([[0], np.cumsum(counts)[:-1]]),
                                         [m.shape[0] for m in matrices])])
    indices = np.concatenate([m.indices.astype(np.int64) + o for m, o in zip(matrices, offsets)])
    data = np.concatenate([m.data for m in matrices])
    n = int(offsets[-1])
    small = max(n, len(data)) < 2**31 - 1  # 32-bit indices, like a run's own matrix
    kind = np.int32 if small else np.int64
    return sp.csr_array((data, indices.astype(kind), indptr.astype(kind)), shape=(n, n))


class Ensemble:
    """Many runs stepped together (see the module docstring); ``step()`` advances all.

    Arrays over all agents of all runs: ``valence``, ``arousal``, ``traits[name]``,
    ``group_codes`` (codes into ``group_vocabulary``), ``choices[name]``; run r owns
    ``offsets[r]:offsets[r + 1]``. ``reporters`` maps extra column names to
    ``f(ensemble) -> array (runs,)``, collected after the standard ones.
    """

    def __init__(self, runs: Sequence[RunSpec], reporters: Mapping[str, Callable] | None = None):
        if not runs:
            raise ValueError("an ensemble needs at least one run")
        for name in ("dt", "time_unit", "dt_minutes", "social", "stimuli"):
            setattr(self, name, _uniform(runs, name))
        self.dt_seconds = self.dt_minutes * 60.0
        self.tolerance = np.array([rules.check_tolerance(s.tolerance) for s in runs])
        for spec in runs:
            check_batchable_events(spec.events)
        sizes = np.array([len(s.valence) for s in runs])
        self.offsets = np.concatenate([[0], np.cumsum(sizes)])
        self.segments = Segments(self.offsets)
        self.run_of, self.n_runs, self.n_agents = self.segments.run_of, len(runs), int(sizes.sum())
        self.group_names = [list(s.group_names) for s in runs]
        self.group_vocabulary = list(dict.fromkeys(g for names in self.group_names for g in names))
        lookup = {g: k for k, g in enumerate(self.group_vocabulary)}
        codes = [np.array([lookup[g] for g in s.group_names] or [-1])[s.group_codes] for s in runs]
        self.group_codes = np.concatenate(codes)
        self.traits = {t: np.concatenate([s.traits[t] for s in runs]).astype(float) for t in TRAITS}
        per_run = {name: np.array([getattr(s, name) for s in runs], dtype=float)
                   for name in ("expertise_gain", "outgroup_sign", "noise")}
        self.expertise_gain = per_run["expertise_gain"][self.run_of]
        self.outgroup_sign = per_run["outgroup_sign"]
        self.noise = per_run["noise"][self.run_of]
        self.valence = np.concatenate([s.valence for s in runs]).astype(float)
        self.arousal = np.concatenate([s.arousal for s in runs]).astype(float)
        self.valence_change, self.arousal_change = np.zeros(self.n_agents), np.zeros(self.n_agents)
        self.in_edges = _block_diagonal([s.in_edges for s in runs], self.offsets)
        self._network(per_run["outgroup_sign"])
        views = [RunView(s) for s in runs]
        self.events = EventTables(runs, views, self.offsets, self.n_agents)
        self._choices(runs, views)
        self.draws = RandomDraws([s.rng for s in runs], sizes, self.offsets,
                                 per_run["noise"] > 0, self.slots_of_run, len(self._slots))
        self.steps, self._last = 0, None
        #: sub-steps in one compiled call (:func:`contagion.engine.advance_fused`); False:
        #: the numpy path (:func:`contagion.engine.advance`), the same numbers
        self.fused, self._buffers = True, None
        self.events.hold(0, self.valence, self.arousal)
        self.reporters = dict(reporters or {})
        self._columns: dict[tuple, list] = {}

    # -- construction -------------------------------------------------------------------
    def _network(self, outgroup_sign: np.ndarray) -> None:
        """Perception matrices of all runs, and which runs solve valence on its own."""
        self.weights, self.signed, self.has_senders = normalise(
            self.in_edges, self.group_codes, self.traits["expressiveness"],
            outgroup_sign[self.run_of])
        rows = np.repeat(np.arange(self.n_agents), np.diff(self.in_edges.indptr))
        cross = self.group_codes[rows] != self.group_codes[self.in_edges.indices]
        has_cross = np.bincount(self.run_of[rows[cross]], minlength=self.n_runs) > 0
        self.inverted = (outgroup_sign < 0) & has_cross
        self._peers = None

    @property
    def peers(self) -> sp.csr_array:
        """Whose behaviour each agent sees (channel strengths, rows normalised)."""
        if self._peers is None:
            self._peers = channel_shares(self.in_edges)
        return self._peers

    def _choices(self, runs, views) -> None:
        """One slot per choice name; each run makes its own choices, in its own order."""
        known: dict[str, object] = {}
        for spec in runs:
            for choice in spec.choices:
                if choice.every != 1:
                    raise ValueError(f"choice {choice.name}: every={choice.every} steps; the "
                                     "ensemble engine makes choices every step (run such "
                                     "runs one model at a time)")
                first = known.setdefault(choice.name, choice)
                options = [[o.name for o in c.options] for c in (first, choice)]
                if options[0] != options[1]:
                    raise ValueError(f"choice {choice.name}: the runs of an ensemble give it the "
                                     f"same options, got {options[0]} and {options[1]}")
        order = list(known)
        self.slots_of_run = [[order.index(c.name) for c in spec.choices] for spec in runs]
        if any(slots != sorted(slots) for slots in self.slots_of_run):
            raise ValueError(f"the runs of an ensemble make their choices in one order: {order}")
        self._slots = []
        for k, name in enumerate(order):
            having = [r for r, slots in enumerate(self.slots_of_run) if k in slots]
            specs = [runs[r].choices[self.slots_of_run[r].index(k)] for r in having]
            self._slots.append(_ChoiceSlot(name, np.arange(len(known[name].options)),
                                           self._choosers(views, having, specs),
                                           self._coefficients(having, specs), specs))
        self.choice_specs = [known[name] for name in order]
        self.choices = {s.name: np.full(self.n_agents, NONE) for s in self._slots}
        self.choosers = {}
        for slot in self._slots:
            mask = np.zeros(self.n_agents, dtype=bool)
            mask[slot.choosers] = True
            self.choosers[slot.name] = mask

    def _choosers(self, views, having: list[int], specs: list) -> np.ndarray:
        if len(having) == self.n_runs and all(c.who == specs[0].who for c in specs):
            return chooser_indices(views, self.offsets, specs[0].who)
        return np.concatenate([chooser_indices([views[r]], [self.offsets[r]], c.who)
                               for r, c in zip(having, specs)])

    def _coefficients(self, having: list[int], specs: list) -> np.ndarray:
        """One table (options, 5) if every run weighs alike, else one per run."""
        tables = {id(c): c.coefficients() for c in specs}
        first = next(iter(tables.values()))
        if len(having) == self.n_runs and all((t == first).all() for t in tables.values()):
            return first
        table = np.zeros((self.n_runs, *first.shape))
        table[having] = [tables[id(c)] for c in specs]
        return table

    def members(self, group: str) -> np.ndarray:
        """Mask of the agents in ``group`` in every run (nobody in runs without it)."""
        if group not in self.group_vocabulary:
            return np.zeros(self.n_agents, dtype=bool)
        return self.group_codes == self.group_vocabulary.index(group)

    # -- stepping ------------------------------------------------------------------------
    def run(self, steps: int, collect: Callable[[Ensemble], None] | None = None) -> None:
        """Advance ``steps`` steps; call ``collect(self)`` after each."""
        self._last = self.steps + int(steps)
        for _ in range(int(steps)):
            self.step()
            if collect is not None:
                collect(self)

    def step(self) -> None:
        """Advance every run one step of ``dt`` (as :meth:`ContagionModel.step`)."""
        self.steps += 1
        step = self.steps
        self.draws.prepare(step, self._last if self._last and self._last >= step else step)
        inputs = self.events.inputs(step)
        inputs.noise_valence, inputs.noise_arousal = self.draws.noise(step)
        self.step_inputs = inputs
        new_v, new_a = self._update()
        self.valence_change = new_v - self.valence
        self.arousal_change = new_a - self.arousal
        self.valence, self.arousal = new_v, new_a
        self._choose(step)

    def _update(self) -> tuple[np.ndarray, np.ndarray]:
        frozen = (freeze(self, self, valence=True), freeze(self, self, valence=False))
        count = parts(frozen, self.dt_minutes, self.tolerance, self.segments.max)
        h = (self.dt_minutes / count)[self.run_of]
        states = [f.start(y) for f, y in zip(frozen, (self.valence, self.arousal))]
        if self.fused:
            if self._buffers is None:
                self._buffers = [np.empty(self.n_agents) for _ in range(5)]
            states = advance_fused(frozen, states, h, count[self.run_of], self.signed,
                                   self.weights, True, self._buffers)
        else:
            for part in range(int(count.max())):
                live = count > part
                new = advance(frozen, states, h, 1, lambda ys: self._product(ys, live))
                if live.all():
                    states = new
                else:
                    rows = live[self.run_of]
                    states = [np.where(rows, n, y) for n, y in zip(new, states)]
        inputs = self.step_inputs
        draws = (inputs.noise_valence, inputs.noise_arousal)
        kicks = (inputs.kick_valence, inputs.kick_arousal)
        bounds = (rules.VALENCE_RANGE, rules.AROUSAL_RANGE)
        return tuple(finish(states[k], draws[k], kicks[k], f.held, self.noise, self.dt_minutes,
                            bounds[k])
                     for k, f in enumerate(frozen))

    def _product(self, states: list[np.ndarray], live: np.ndarray) -> list[np.ndarray]:
        """``[signed @ valence, weights @ arousal]``: each run's own block of each product.

        Only the rows of the runs taking this sub-step (``live``) are computed where
        they are few stretches; the others are 0 and go unused.
        """
        return perceived(self.signed, self.weights, states, self._stretches(live))

    def _stretches(self, live: np.ndarray) -> list[tuple[int, int]] | None:
        """Agent ranges of the runs in ``live``, joined where adjacent (None: every row)."""
        if live.all():
            return None
        edges = np.diff(np.concatenate([[0], live.astype(np.int8), [0]]))
        starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        if len(starts) > MAX_STRETCHES:
            return None
        return list(zip(self.offsets[starts].tolist(), self.offsets[stops].tolist()))

    def _choose(self, step: int) -> None:
        """Every chooser picks an option, as in :meth:`ContagionModel._choose`."""
        for k, slot in enumerate(self._slots):
            uniform = self.draws.uniform(step, k)
            before, who = self.choices[slot.name], slot.choosers
            if self.social:
                done = (before[:, None] == slot.options).astype(float)
                if slot.peers is None:  # the choosers' rows of the peer matrix
                    slot.peers = sp.csr_array(self.peers[who])
                shares = slot.peers @ done
            else:  # nobody sees what anybody did: shares as with no ties
                shares = np.zeros((len(who), len(slot.options)))
            coefficients = (slot.coefficients if slot.coefficients.ndim == 2
                            else slot.coefficients[self.run_of[who]])
            probs = choice_probabilities(coefficients, self.valence[who], self.arousal[who],
                                         shares)
            now = before.copy()
            now[who] = pick(probs, uniform[who])
            self.choices[slot.name] = now

    # -- metrics -------------------------------------------------------------------------
    def columns(self, run: int) -> list[str]:
        """Column names of run ``run``'s table, in the order its own model reports them."""
        key = (tuple(self.group_names[run]), tuple(self.slots_of_run[run]))
        if key not in self._columns:
            choices = [self.choice_specs[k] for k in key[1]]
            names = ["step", "time", *standard_columns(list(key[0])), *choice_columns(choices),
                     *self.reporters]
            self._columns[key] = list(dict.fromkeys(names))
        return self._columns[key]

    def collect(self, names: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        """The named columns now (default: every column of any run), each an array (runs,).

        A group column is NaN for the runs without that group.
        """
        functions = {**standard_columns(self.group_vocabulary),
                     **choice_columns(self.choice_specs), **self.reporters}
        wanted = [*functions] if names is None else [n for n in names if n not in ("step", "time")]
        out = {"step": np.full(self.n_runs, self.steps),
               "time": np.full(self.n_runs, self.steps * self.dt)}
        for name in wanted:
            out[name] = np.asarray(functions[name](self), dtype=float)
        return out
