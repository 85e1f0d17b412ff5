"""``ContagionModel``: emotional contagion (mirroring) on a network, as a Mesa model."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import mesa
import networkx as nx
import numpy as np
from mesa.discrete_space import Network

from contagion import discrete, metrics, rules
from contagion.agents import EmotionAgent
from contagion.behaviour import NONE, Choice, choice_probabilities, pick
from contagion.clock import check_time_step, to_minutes
from contagion.discrete import RULE_PARAMETERS, RuleParameters
from contagion.engine import SocialNetwork, StepInputs, vectorized_update
from contagion.events import Pin, Shock, Stimulus, check_event, group_code, select
from contagion.graphs import as_in_edges
from contagion.memory import check_memory, model_bytes, table_bytes
from contagion.params import PARAMETERS, check_limit, unknown_name_error
from contagion.population import Parameter, Population

__all__ = ["ENGINES", "ContagionModel"]

ENGINES = ("vectorized", "agents")
_DEFAULT = {name: p.default for name, p in PARAMETERS.items()}


def _check_rng(rng) -> None:
    ok = (rng is None or isinstance(rng, (np.random.Generator, np.random.SeedSequence))
          or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0))
    if not ok:
        raise ValueError(f"rng={rng!r} is not a seed: allowed None, an integer >= 0 or a "
                         "numpy Generator")


def _network(graph, rng):
    """The network a model is given: a graph, a matrix, graph(rng), or a family name.

    "small-world:200" or "small-world:200:8" (family, agents, degree; see
    :data:`contagion.networks.FAMILIES`) is built from the model's generator: a value
    ``mesa.batch_run`` passes as it is (it iterates a graph's nodes and a list's items).
    """
    if isinstance(graph, str):
        from contagion.networks import FAMILIES, build

        family, _, rest = graph.partition(":")
        sizes = rest.split(":") if rest else []
        if family not in FAMILIES and ("." in graph or "/" in graph):
            raise ValueError(f"graph={graph!r} looks like a file: read it with "
                             "contagion.graphs.read_graph and pass the graph, or give a network "
                             "name such as 'small-world:200:8'")
        if family not in FAMILIES or not 1 <= len(sizes) <= 2 or not all(s.isdigit() for s in sizes):
            raise ValueError(f"graph={graph!r} is not a network name: allowed FAMILY:AGENTS or "
                             f"FAMILY:AGENTS:DEGREE with FAMILY one of {', '.join(FAMILIES)}, "
                             "e.g. 'small-world:200:8'")
        return build(family, *map(int, sizes), rng=rng)
    if callable(graph) and not isinstance(graph, nx.Graph):
        return graph(rng)
    if isinstance(graph, (int, np.integer, float)) and not isinstance(graph, bool):
        raise ValueError(f"graph={graph!r} is not a network: with mesa.batch_run give the graph "
                         "in a list ({'graph': [G]}: Mesa iterates a bare graph's nodes) or "
                         "as a name such as 'small-world:200:8'")
    return graph


class ContagionModel(RuleParameters, Population, mesa.Model):
    """People on a network who pick up the emotions of the people they perceive.

    Each agent holds a valence v in [-1, 1] and an arousal a in [0, 1]. In real time,
    every agent relaxes towards what it perceives in other people (social input s,
    at rate ``mirroring``), towards what it perceives directly (stimuli u, at rate
    ``reactivity``) and towards its own baseline b (at rate ``regulation``)::

        dy_i/dt = m_i (s_i - y_i) + rho_i (u_i - y_i) + r_i (b_i - y_i)

    Each step of length ``dt`` is cut into sub-steps of an exponential Heun method,
    exact for every agent's own relaxation and of order 2 in the coupling, to the
    accuracy ``tolerance`` asks: states stay in range and the step adds
    no oscillation of its own (see :mod:`contagion.rules.mirroring` for the equations and
    docs/model.md for the argument).
    With ``regulation = reactivity = 0`` this is DeGroot averaging; with
    ``regulation > 0`` the Friedkin-Johnsen model.

    That is the default rule, ``rule="mirroring"``. Two others move a discrete state per
    person, kept in ``model.state`` (see :mod:`contagion.rules` and docs/model.md):
    ``rule="excitable"`` (resting, active, refractory: a stadium wave; ``model.active``
    says who is active) and ``rule="sisa"`` (neutral, content, discontent caught per
    contact, Hill et al. 2010). In every rule ``mirroring`` says how strongly what one
    perceives of others moves one.

    Parameters
    ----------
    graph : networkx.Graph or DiGraph, scipy.sparse matrix, callable, or str
        The social network. An edge u -> v means v perceives u; an undirected
        edge works both ways. The edge attribute ``weight`` (see ``weight``) is
        the channel strength (default 1). A sparse matrix ``M`` is read as
        ``M[u, v]`` = strength of u -> v. A callable ``graph(rng)`` is called
        with the model's generator, so the network is drawn from the seed. A name
        ``"FAMILY:AGENTS[:DEGREE]"`` (``"small-world:200:8"``) builds that family of
        :data:`contagion.networks.FAMILIES` from the generator; with ``mesa.batch_run``
        give a graph in a list (``{"graph": [G]}``) or by name.
    mirroring, reactivity, attention, expressiveness, regulation, baseline, baseline_arousal,
    negativity_gain, expertise, anticipation, amplification : float, array (N,), mapping or None
        Traits (see :data:`contagion.params.PARAMETERS` for ranges and units; rates
        are per minute). A scalar applies to everyone, an array or ``{node: value}``
        mapping gives one value per agent. ``None``: the node attribute of that name
        when every node has one, else the default (``baseline*``: the agent's start
        state).
    expertise_gain, outgroup_sign, noise : float
        Model-wide parameters.
    rule : {"mirroring", "excitable", "sisa"}
        The update rule. A parameter that the rule does not use (its ``rules`` in the
        registry) is accepted and has no effect.
    threshold, softness, reaction_rate, spontaneous_rate, active_time, refractory_time, side_bias, side_following : float
        The excitable rule's parameters (``threshold`` may be one value per agent; rates
        per second, times in seconds).
    content_rate, discontent_rate, content_contagion, discontent_contagion, content_recovery, discontent_recovery, content_to_discontent, discontent_to_content : float
        The sisa rule's rates, per year.
    group : str, array (N,), mapping or None
        Group label per agent (team, fan club). ``None``: the node attribute
        ``group`` if present, else no groups.
    initial_valence, initial_arousal : float, array (N,), mapping or None
        Start state; ``None``: the node attribute if present, else the baseline if
        one is given, else drawn from the model's generator.
    dt, time_unit : float, str
        One step lasts ``dt`` ``time_unit`` (``"second"``, ``"minute"``, ...);
        default one minute. The output's ``time`` column counts in ``time_unit``.
    tolerance : float in (0, 1]
        Accuracy of the integrator: each step is cut into sub-steps with
        ``sub-step x rate <= tolerance`` (see :func:`contagion.rules.substeps`); the
        error shrinks with its square. A step that would need more than
        :data:`contagion.rules.MAX_SUBSTEPS` sub-steps is refused.
    social, stimuli : bool
        ``social=False`` cuts social contagion (nobody perceives anybody, neither
        their emotions nor what they choose; stimuli are kept): the fair null.
        ``stimuli=False`` removes every stimulus. Both may be switched on a running
        model.
    events : iterable of Stimulus, Shock, Pin, or callable
        A callable ``events(model)`` is called once the network and start state
        exist, so events can be drawn from the model's generator.
    choices : iterable of Choice
        Behaviour the agents choose each step (see :mod:`contagion.behaviour`);
        ``model.choices[name]`` holds each agent's latest option (-1: none), and the
        share choosing each option is reported as ``<choice>_<option>``.
    reporters : mapping of name -> f(model) -> float, optional
        Extra model-level metrics collected with the standard ones.
    engine : {"vectorized", "agents"}
        ``"vectorized"`` advances all agents with sparse products; ``"agents"``
        lets every agent compute its own step. Both give the same trajectories.
    weight : str or None
        Edge attribute holding the channel strength.
    space : bool
        Place agents on a ``mesa.discrete_space.Network`` (without a layout), kept as
        ``model.space`` and ``model.grid`` (so Mesa's SolaraViz space components draw
        it; ``None`` without one). Turn off for very large graphs where only the arrays
        matter; ``model.has_space`` says which.
    collect_every : int
        Collect metrics every this many steps (and at the end of :meth:`run`).
    agent_class : type
        The agent class (a subclass of :class:`EmotionAgent`).
    rng : int or numpy.random.Generator, optional
        The one source of randomness (Mesa's convention).
    """

    mirroring = Parameter()
    reactivity = Parameter()
    attention = Parameter()
    expressiveness = Parameter()
    regulation = Parameter()
    baseline = Parameter()
    baseline_arousal = Parameter()
    negativity_gain = Parameter()
    expertise = Parameter()
    anticipation = Parameter()
    amplification = Parameter()
    expertise_gain = Parameter()
    outgroup_sign = Parameter()
    noise = Parameter()
    group = Parameter()

    def __init__(
        self,
        graph,
        *,
        mirroring=None,
        reactivity=None,
        attention=None,
        expressiveness=None,
        regulation=None,
        baseline=None,
        baseline_arousal=None,
        negativity_gain=None,
        expertise=None,
        anticipation=None,
        amplification=None,
        expertise_gain: float = _DEFAULT["expertise_gain"],
        outgroup_sign: float = _DEFAULT["outgroup_sign"],
        noise: float = _DEFAULT["noise"],
        rule: str = "mirroring",
        group=None,
        initial_valence=None,
        initial_arousal=None,
        dt: float = 1.0,
        time_unit: str = "minute",
        tolerance: float = rules.TOLERANCE,
        social: bool = True,
        stimuli: bool = True,
        events: Iterable = (),
        choices: Iterable[Choice] = (),
        reporters: Mapping[str, Callable] | None = None,
        engine: str = "vectorized",
        weight: str | None = "weight",
        space: bool = True,
        collect_every: int = 1,
        agent_class: type | None = None,
        rng=None,
        **unknown,
    ):
        rule_values = {name: unknown.pop(name) for name in RULE_PARAMETERS if name in unknown}
        if unknown:
            raise unknown_name_error("parameter", next(iter(unknown)), [*PARAMETERS, "group"])
        self.rule = discrete.check_rule(rule)
        if engine not in ENGINES:
            raise ValueError(f"engine={engine!r} is not known: allowed {', '.join(ENGINES)}")
        if isinstance(collect_every, bool) or not isinstance(collect_every, int) or collect_every < 1:
            raise ValueError(f"collect_every={collect_every!r} is invalid: allowed integers >= 1")
        _check_rng(rng)
        self.dt, self.time_unit = check_time_step(dt, time_unit)
        self.dt_minutes = to_minutes(self.dt, self.time_unit)
        self.dt_seconds = self.dt_minutes * 60.0
        self.tolerance = rules.check_tolerance(tolerance)
        for name, flag in (("social", social), ("stimuli", stimuli)):
            if not isinstance(flag, (bool, np.bool_)):
                raise ValueError(f"{name}={flag!r} is invalid: allowed True or False")
        self.social, self.stimuli = bool(social), bool(stimuli)
        base = discrete.agent_base(rule, EmotionAgent)
        agent_class = base if agent_class is None else agent_class
        if not (isinstance(agent_class, type) and issubclass(agent_class, base)):
            raise ValueError(f"agent_class={agent_class!r} is not a subclass of "
                             f"{base.__name__} (rule={rule!r})")
        overridden = [name for name in ("prepare", "step", "finish")
                      if getattr(agent_class, name) is not getattr(base, name)]
        if engine == "vectorized" and overridden:
            raise ValueError(f"agent_class={agent_class.__name__} overrides {overridden[0]}(), "
                             "which only the agents engine calls: pass engine='agents'")
        super().__init__(rng=rng)
        if not isinstance(space, (bool, np.bool_)):
            raise ValueError(f"space={space!r} is invalid: allowed True or False")
        self.engine, self.weight, self.collect_every = engine, weight, collect_every
        self.has_space = bool(space)
        self.agent_class, self.initial_valence, self.initial_arousal = agent_class, initial_valence, initial_arousal
        self.graph = _network(graph, self.rng)
        self.in_edges, self.nodes = as_in_edges(self.graph, weight)
        self.n_agents = len(self.nodes)
        check_memory(f"a model of {self.n_agents:,} agents and {self.in_edges.nnz:,} ties",
                     model_bytes(self.n_agents, self.in_edges.nnz))
        self.node_index = {node: i for i, node in enumerate(self.nodes)}
        self._given: dict[str, object] = {}
        self._set_start_state(initial_valence, initial_arousal, baseline, baseline_arousal)
        self.traits: dict[str, np.ndarray] = {}
        given = dict(mirroring=mirroring, reactivity=reactivity, attention=attention,
                     expressiveness=expressiveness,
                     regulation=regulation,
                     baseline=baseline, baseline_arousal=baseline_arousal,
                     negativity_gain=negativity_gain, expertise=expertise,
                     anticipation=anticipation, amplification=amplification,
                     expertise_gain=expertise_gain,
                     outgroup_sign=outgroup_sign, noise=noise, group=group)
        for name, value in given.items():
            setattr(self, name, value)
        for name in RULE_PARAMETERS:
            setattr(self, name, rule_values.get(name, None if PARAMETERS[name].per_agent
                                                    else _DEFAULT[name]))
        self.events = ()
        self._network = SocialNetwork()
        for event in tuple(events(self) if callable(events) else events):
            self._admit(event)
        self._set_choices(choices)
        self.reporters = dict(reporters or {})
        self._place_agents()
        self.dynamics = discrete.for_rule(rule, self)
        if self.dynamics is not None:
            self.valence, self.arousal = self.dynamics.expression(self)
        for pin in self._events_of(Pin):
            pin.hold(self, 0)
        if self.dynamics is None:
            self._check_step_length()
        self.step_inputs = StepInputs()
        self.datacollector = mesa.DataCollector(
            model_reporters={"step": lambda m: m.steps, "time": lambda m: m.steps * m.dt,
                             **metrics.standard_reporters(self.group_names),
                             **metrics.choice_reporters(self.choice_specs), **self.reporters}
        )
        self.datacollector.collect(self)

    # -- parameters -------------------------------------------------------------
    def _admit(self, event) -> None:
        """Check ``event`` against this model and add it."""
        check_event(self, event)
        discrete.check_event(self.rule, event)
        self.events = (*self.events, event)

    def _place_agents(self) -> None:
        """The Mesa agents, on a ``Network`` space where there is one.

        Without a space the vectorised engine needs no agent, so a million of them are
        made only when something asks (``agent_list``, ``agents``, a predicate in an
        event's ``who``): building the model costs the arrays alone.
        """
        self.space = self.grid = self.network = None
        self._agent_list = None
        if self.has_space:
            graph = self.graph
            if not isinstance(graph, nx.Graph):
                graph = nx.from_scipy_sparse_array(self.in_edges.T, create_using=nx.DiGraph)
            self.space = self.grid = self.network = Network(graph, layout=None,
                                                            random=self.random)
        if self.has_space or self.engine != "vectorized":
            self._make_agents()
        self.next_valence, self.next_arousal = self.valence.copy(), self.arousal.copy()

    def _make_agents(self) -> None:
        self._agent_list = []
        for i, node in enumerate(self.nodes):
            agent = self.agent_class(self, i, node)
            if self.network is not None:
                agent.cell = self.network[node]
            self._agent_list.append(agent)

    @property
    def agent_list(self) -> list:
        """The agents in the order of the model's arrays (made on first use without a space)."""
        if self._agent_list is None:
            self._make_agents()
        return self._agent_list

    @property
    def agents(self):
        """Mesa's set of all agents (made on first use without a space)."""
        if self.__dict__.get("_agent_list", ()) is None:
            self._make_agents()
        return super().agents

    def _set_choices(self, choices) -> None:
        self.choice_specs = tuple(choices)
        names = [c.name for c in self.choice_specs]
        for choice in self.choice_specs:
            if not isinstance(choice, Choice):
                raise ValueError(f"choices: {choice!r} is not a Choice")
            if isinstance(choice.who, str):
                group_code(self, choice.who)
        if len(set(names)) != len(names):
            raise ValueError(f"choices: names repeat: {names}")
        self.choices = {c.name: np.full(self.n_agents, NONE) for c in self.choice_specs}
        self.choosers = {c.name: select(self, c.who) for c in self.choice_specs}

    def _choose(self) -> None:
        """Every chooser picks an option from its new mood and what it saw others do
        (nothing with ``social=False``)."""
        for choice in self.choice_specs:
            if self.steps % choice.every:
                continue  # between two choices everyone keeps what they chose
            uniform = self.rng.random(self.n_agents)
            who, before = self.choosers[choice.name], self.choices[choice.name]
            if self.engine == "agents":
                now = before.copy()
                for i in who:
                    now[i] = self.agent_list[i].choose(choice, before, float(uniform[i]))
            else:
                options = np.arange(len(choice.options))
                if self.social:
                    done = (before[:, None] == options).astype(float)
                    shares = self.social_network().peers @ done
                else:  # nobody sees what anybody did: shares as with no ties
                    shares = np.zeros((self.n_agents, len(options)))
                probs = choice_probabilities(choice.coefficients(), self.valence[who],
                                             self.arousal[who], shares[who])
                now = before.copy()
                now[who] = pick(probs, uniform[who])
            self.choices[choice.name] = now

    def _events_of(self, kind):
        return [e for e in self.events if isinstance(e, kind)]

    def add_event(self, event) -> None:
        """Add an event to a running model (a button pressed in the dashboard).

        Events for steps already past have no effect; ``Shock(model.steps + 1, ...)``
        happens in the next step.
        """
        self._admit(event)
        if isinstance(event, Pin):
            event.hold(self, self.steps)

    def social_network(self) -> SocialNetwork:
        """Who perceives whom, normalised (rebuilt when expressiveness, groups or
        ``outgroup_sign`` changed)."""
        return self._network.update(self.in_edges, self.group_codes,
                                    self.traits["expressiveness"], self.outgroup_sign)

    # -- dynamics ---------------------------------------------------------------
    def _inputs_for(self, step: int) -> StepInputs:
        inputs = StepInputs()
        n = self.n_agents
        stimuli = [e for e in self._events_of(Stimulus) if e.active(step)]
        if stimuli:
            inputs.stimulus_valence, inputs.stimulus_arousal = np.zeros(n), np.zeros(n)
            inputs.salience = np.zeros(n)
            for stimulus in stimuli:
                stimulus.add_input(self, step, inputs.stimulus_valence, inputs.stimulus_arousal,
                                   inputs.salience)
        shocks = [e for e in self._events_of(Shock) if e.step == step]
        if shocks:
            inputs.kick_valence, inputs.kick_arousal = np.zeros(n), np.zeros(n)
            for shock in shocks:
                shock.kick(self, step, inputs.kick_valence, inputs.kick_arousal)
        if self.noise > 0:
            inputs.noise_valence = self.rng.standard_normal(n)
            inputs.noise_arousal = self.rng.standard_normal(n)
        pins = [e for e in self._events_of(Pin) if e.active(step)]
        if pins:
            inputs.held_valence, inputs.held_arousal = np.full(n, np.nan), np.full(n, np.nan)
            for pin in pins:
                idx, v, a = pin.levels(self, step)
                if v is not None:
                    inputs.held_valence[idx] = v
                if a is not None:
                    inputs.held_arousal[idx] = a
        return inputs

    def _check_step_length(self) -> None:
        """Refuse a step that its fastest social rate would cut into too many sub-steps."""
        factor = rules.expertise_factor(self.traits["expertise"], self.expertise_gain)
        fastest = float((self.traits["mirroring"] * factor * self.traits["negativity_gain"]).max(
            initial=0.0)) if self.social and self.in_edges.nnz else 0.0
        rules.check_step_length(fastest, self.dt, self.time_unit, self.dt_minutes,
                                self.tolerance)

    def _agents_update(self) -> tuple[np.ndarray, np.ndarray]:
        """Every agent freezes its rates; then each sub-step, every agent takes two stages.

        ``stage_*`` holds everyone's state at the current stage (what the others
        perceive); each agent's ``step`` writes its next stage into ``next_*``
        (``model.stage`` says which: 0 the predictor, 1 the corrector).
        """
        self.network_version = self.social_network().version  # agents cache who they see
        self.agents.do("prepare")
        bounds = np.array([agent.fastest() for agent in self.agent_list]).reshape(-1, 2)
        count = rules.substeps(bounds[:, 0].max(initial=0.0), bounds[:, 1].max(initial=0.0),
                               rules.stable_step(bounds[:, 0], bounds[:, 1]).min(initial=np.inf),
                               self.dt_minutes, self.tolerance)
        self.substep = self.dt_minutes / count
        inputs = self.step_inputs
        for name, held in (("valence", inputs.held_valence), ("arousal", inputs.held_arousal)):
            state = getattr(self, name)
            start = state if held is None else np.where(np.isnan(held), state, held)
            setattr(self, f"stage_{name}", start.copy())
            setattr(self, f"start_{name}", start.copy())
        for _ in range(count):
            for self.stage in (0, 1):
                self.agents.do("step")
                self.stage_valence, self.next_valence = self.next_valence, self.stage_valence
                self.stage_arousal, self.next_arousal = self.next_arousal, self.stage_arousal
            self.start_valence[:] = self.stage_valence
            self.start_arousal[:] = self.stage_arousal
        self.next_valence[:] = self.stage_valence
        self.next_arousal[:] = self.stage_arousal
        self.agents.do("finish")
        return self.next_valence, self.next_arousal

    def step(self) -> None:
        """Advance every agent one synchronous step of ``dt``, then apply pins and collect."""
        step = self.steps  # Mesa has already counted this step
        self.step_inputs = self._inputs_for(step)
        if self.dynamics is not None:
            new_v, new_a = self.dynamics.advance(self)
        elif self.engine == "agents":
            new_v, new_a = self._agents_update()
        else:
            new_v, new_a = vectorized_update(self)
        old_v, old_a = self.valence.copy(), self.arousal.copy()
        self.valence[:] = new_v
        self.arousal[:] = new_a
        for pin in self._events_of(Pin):
            pin.hold(self, step)
        self._choose()
        np.subtract(self.valence, old_v, out=self.valence_change)
        np.subtract(self.arousal, old_a, out=self.arousal_change)
        if step % self.collect_every == 0:
            self.datacollector.collect(self)

    def run(self, steps: int, *, progress: bool = False):
        """Advance ``steps`` steps and return the collected metrics as a DataFrame.

        One row per collected step (every step by default, step 0 = start), one
        column per metric.
        """
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
            raise ValueError(f"steps={steps!r} is invalid: allowed integers >= 0")
        check_limit("steps", int(steps))
        check_memory(f"a table of {int(steps) // self.collect_every + 1:,} steps",
                     table_bytes(int(steps) // self.collect_every + 1,
                                 len(self.datacollector.model_reporters)))
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=int(steps), unit="step", desc="running", leave=False, delay=0.5)
        for _ in range(int(steps)):
            self.step()
            if bar is not None:
                bar.update(1)
        if bar is not None:
            bar.close()
        if self.steps % self.collect_every:
            self.datacollector.collect(self)
        return self.dataframe()

    def dataframe(self):
        """The metrics collected so far: one row per collected step."""
        frame = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        return frame.drop_duplicates("step", keep="last").reset_index(drop=True)
