"""``ContagionModel``: emotional contagion (mirroring) on a network, as a Mesa model."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import mesa
import networkx as nx
import numpy as np
from mesa.discrete_space import Network

from contagion import metrics
from contagion.agents import EmotionAgent
from contagion.engine import StepInputs, split_by_group, vectorized_update
from contagion.events import Broadcast, Pin, Shock, group_code, select
from contagion.graphs import as_in_edges, node_attribute
from contagion.params import PARAMETERS, check_array, check_scalar, unknown_name_error

__all__ = ["ENGINES", "ContagionModel"]

ENGINES = ("vectorized", "agents")
_EVENT_TYPES = (Shock, Pin, Broadcast)
_DEFAULT = {name: p.default for name, p in PARAMETERS.items()}


def _check_rng(rng) -> None:
    ok = (rng is None or isinstance(rng, (np.random.Generator, np.random.SeedSequence))
          or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0))
    if not ok:
        raise ValueError(f"rng={rng!r} is not a seed: allowed None, an integer >= 0 or a "
                         "numpy Generator")


class _Parameter:
    """Descriptor: the value as given (stored unchanged); setting it re-validates.

    Per-agent parameters also fill ``model.traits[name]`` (one float per agent);
    changes on a running model take effect at the next step.
    """

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, model, owner=None):
        if model is None:
            return self
        return model._given[self.name]

    def __set__(self, model, value):
        model._set_parameter(self.name, value)


class ContagionModel(mesa.Model):
    """People on a network who pick up the emotions their neighbours express.

    Each agent holds a valence v in [-1, 1] and an arousal a in [0, 1]. Each step
    every agent perceives the expressiveness- and channel-weighted mean emotion of
    its in-neighbours and moves towards it by its gain, while regulation pulls it
    back to its baseline (see :mod:`contagion.rules` for the equations)::

        y_i <- clip(y_i + k_i (s_i - y_i) - r_i (y_i - b_i) + shock_i + noise_i)

    With ``regulation=0`` and no noise this is DeGroot averaging; with
    ``regulation>0`` and baseline = start state it is the Friedkin-Johnsen model.

    Parameters
    ----------
    graph : networkx.Graph or DiGraph, scipy.sparse matrix, or callable
        The social network. An edge u -> v means v perceives u; an undirected
        edge works both ways. The edge attribute ``weight`` (see ``weight``) is
        the channel strength (default 1). A sparse matrix ``M`` is read as
        ``M[u, v]`` = strength of u -> v. A callable ``graph(rng)`` is called
        with the model's generator, so the network is drawn from the seed.
    mirroring, expressiveness, regulation, baseline, baseline_arousal,
    negativity_gain, expertise, anticipation, amplification : float, array (N,), mapping or None
        Traits (see :data:`contagion.params.PARAMETERS` for ranges). A scalar
        applies to everyone, an array or ``{node: value}`` mapping gives one
        value per agent. ``None``: the node attribute of that name when every
        node has one, else the default (``baseline*``: the agent's start state).
    expertise_gain, outgroup_sign, noise : float
        Model-wide parameters.
    group : str, array (N,), mapping or None
        Group label per agent (team, fan club). ``None``: the node attribute
        ``group`` if present, else no groups.
    initial_valence, initial_arousal : float, array (N,), mapping or None
        Start state; ``None``: the node attribute if present, else drawn from
        the model's generator.
    events : iterable of Shock, Pin, Broadcast, or callable
        A callable ``events(model)`` is called once the network and start state
        exist, so events can be drawn from the model's generator.
    reporters : mapping of name -> f(model) -> float, optional
        Extra model-level metrics collected with the standard ones.
    engine : {"vectorized", "agents"}
        ``"vectorized"`` advances all agents with sparse products; ``"agents"``
        calls every agent's own ``step``. Both give the same trajectories.
    weight : str or None
        Edge attribute holding the channel strength.
    space : bool
        Place agents on a ``mesa.discrete_space.Network`` (without a layout).
        Turn off for very large graphs where only the arrays matter.
    collect_every : int
        Collect metrics every this many steps (and at the end of :meth:`run`).
    agent_class : type
        The agent class (a subclass of :class:`EmotionAgent`).
    rng : int or numpy.random.Generator, optional
        The one source of randomness (Mesa's convention).
    """

    mirroring = _Parameter()
    expressiveness = _Parameter()
    regulation = _Parameter()
    baseline = _Parameter()
    baseline_arousal = _Parameter()
    negativity_gain = _Parameter()
    expertise = _Parameter()
    anticipation = _Parameter()
    amplification = _Parameter()
    expertise_gain = _Parameter()
    outgroup_sign = _Parameter()
    noise = _Parameter()
    group = _Parameter()

    def __init__(
        self,
        graph,
        *,
        mirroring=None,
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
        group=None,
        initial_valence=None,
        initial_arousal=None,
        events: Iterable = (),
        reporters: Mapping[str, Callable] | None = None,
        engine: str = "vectorized",
        weight: str | None = "weight",
        space: bool = True,
        collect_every: int = 1,
        agent_class: type = EmotionAgent,
        rng=None,
        **unknown,
    ):
        if unknown:
            raise unknown_name_error("parameter", next(iter(unknown)), [*PARAMETERS, "group"])
        if engine not in ENGINES:
            raise ValueError(f"engine={engine!r} is not known: allowed {', '.join(ENGINES)}")
        if isinstance(collect_every, bool) or not isinstance(collect_every, int) or collect_every < 1:
            raise ValueError(f"collect_every={collect_every!r} is invalid: allowed integers >= 1")
        _check_rng(rng)
        if not (isinstance(agent_class, type) and issubclass(agent_class, EmotionAgent)):
            raise ValueError(f"agent_class={agent_class!r} is not a subclass of EmotionAgent")
        if engine == "vectorized" and agent_class.step is not EmotionAgent.step:
            raise ValueError(f"agent_class={agent_class.__name__} overrides step(), which only "
                             "the agents engine calls: pass engine='agents'")
        super().__init__(rng=rng)
        self.engine, self.weight, self.space, self.collect_every = engine, weight, space, collect_every
        self.agent_class, self.initial_valence, self.initial_arousal = agent_class, initial_valence, initial_arousal
        self.graph = graph(self.rng) if callable(graph) and not isinstance(graph, nx.Graph) else graph
        self.in_edges, self.nodes = as_in_edges(self.graph, weight)
        self.n_agents = len(self.nodes)
        self.node_index = {node: i for i, node in enumerate(self.nodes)}
        self._given: dict[str, object] = {}
        self._set_start_state(initial_valence, initial_arousal)
        self.traits: dict[str, np.ndarray] = {}
        given = dict(mirroring=mirroring, expressiveness=expressiveness, regulation=regulation,
                     baseline=baseline, baseline_arousal=baseline_arousal,
                     negativity_gain=negativity_gain, expertise=expertise,
                     anticipation=anticipation, amplification=amplification,
                     expertise_gain=expertise_gain,
                     outgroup_sign=outgroup_sign, noise=noise, group=group)
        for name, value in given.items():
            setattr(self, name, value)
        self.events = tuple(events(self) if callable(events) else events)
        self._check_events()
        self.reporters = dict(reporters or {})
        self._place_agents()
        for pin in self._events_of(Pin):
            pin.hold(self, 0)
        self.step_inputs = StepInputs()
        self.datacollector = mesa.DataCollector(
            model_reporters={"step": lambda m: m.steps,
                             **metrics.standard_reporters(self.group_names), **self.reporters}
        )
        self.datacollector.collect(self)

    # -- parameters -------------------------------------------------------------
    def _set_parameter(self, name: str, value) -> None:
        if name == "group":
            self._set_groups(value)
        else:
            param = PARAMETERS[name]
            if not param.per_agent:
                check_scalar(param, value)
            else:
                self.traits[name] = check_array(param, self._per_agent(name, value), self.n_agents)
        self._given[name] = value

    def _per_agent(self, name: str, value):
        if isinstance(value, Mapping):
            return self._from_mapping(name, value)
        if value is not None:
            return value
        from_nodes = node_attribute(self.graph, self.nodes, name)
        if from_nodes is not None:
            return from_nodes
        if name == "baseline":
            return self.start_valence
        if name == "baseline_arousal":
            return self.start_arousal
        return PARAMETERS[name].default

    def _from_mapping(self, name: str, mapping: Mapping) -> list:
        missing = [node for node in self.nodes if node not in mapping]
        if missing:
            raise ValueError(f"{name} mapping has no value for nodes {missing[:5]}")
        return [mapping[node] for node in self.nodes]

    def _set_groups(self, value) -> None:
        if isinstance(value, Mapping):
            value = self._from_mapping("group", value)
        elif value is None:
            value = node_attribute(self.graph, self.nodes, "group", numeric=False)
        if value is None:
            labels = None
        elif isinstance(value, str):
            labels = [value] * self.n_agents
        else:
            labels = [str(x) for x in value]
            if len(labels) != self.n_agents:
                raise ValueError(
                    f"group has {len(labels)} values but the graph has {self.n_agents} agents"
                )
        names = list(dict.fromkeys(labels)) if labels else []
        if hasattr(self, "datacollector") and set(names) != set(self.group_names):
            raise ValueError(f"group names {names} differ from {self.group_names}: on a running "
                             "model (metrics per group) only membership can change")
        self.group_names = names
        lookup = {g: k for k, g in enumerate(self.group_names)}
        self.group_codes = (np.array([lookup[g] for g in labels], dtype=np.int64)
                            if labels else np.zeros(self.n_agents, dtype=np.int64))
        self.same_edges, self.cross_edges = split_by_group(self.in_edges, self.group_codes)

    def _set_start_state(self, initial_valence, initial_arousal) -> None:
        draws = {"initial_valence": (initial_valence, 0.0, 0.25, -1.0, 1.0),
                 "initial_arousal": (initial_arousal, 0.3, 0.1, 0.0, 1.0)}
        state = {}
        for name, (value, mean, sd, low, high) in draws.items():
            value = self._per_agent(name, value)
            if value is None:
                value = np.clip(self.rng.normal(mean, sd, self.n_agents), low, high)
            state[name] = check_array(PARAMETERS[name], value, self.n_agents)
        self.start_valence, self.start_arousal = state["initial_valence"], state["initial_arousal"]
        self.valence = self.start_valence.copy()
        self.arousal = self.start_arousal.copy()
        self.valence_change = np.zeros(self.n_agents)
        self.arousal_change = np.zeros(self.n_agents)

    def _check_events(self) -> None:
        for event in self.events:
            if not isinstance(event, _EVENT_TYPES):
                raise ValueError(f"events: {event!r} is not a Shock, Pin or Broadcast")
            for who in (event.who, getattr(event, "source_group", None)):
                if isinstance(who, str):
                    group_code(self, who)
                elif who is not None and not callable(who):
                    select(self, who)

    def _place_agents(self) -> None:
        self.network = None
        if self.space:
            graph = self.graph
            if not isinstance(graph, nx.Graph):
                graph = nx.from_scipy_sparse_array(self.in_edges.T, create_using=nx.DiGraph)
            self.network = Network(graph, layout=None, random=self.random)
        self.agent_list = []
        for i, node in enumerate(self.nodes):
            agent = self.agent_class(self, i, node)
            if self.network is not None:
                agent.cell = self.network[node]
            self.agent_list.append(agent)
        self.next_valence = np.empty(self.n_agents)
        self.next_arousal = np.empty(self.n_agents)

    def _events_of(self, kind):
        return [e for e in self.events if isinstance(e, kind)]

    def add_event(self, event) -> None:
        """Add an event to a running model (a button pressed in the dashboard).

        Events for steps already past have no effect; ``Shock(model.steps + 1, ...)``
        happens in the next step.
        """
        self.events = (*self.events, event)
        try:
            self._check_events()
        except ValueError:
            self.events = self.events[:-1]
            raise
        if isinstance(event, Pin):
            event.hold(self, self.steps)

    # -- dynamics ---------------------------------------------------------------
    def _inputs_for(self, step: int) -> StepInputs:
        inputs = StepInputs()
        shocks = [e for e in self._events_of(Shock) if e.step == step]
        if shocks or self.noise > 0:
            inputs.kick_valence = np.zeros(self.n_agents)
            inputs.kick_arousal = np.zeros(self.n_agents)
            for shock in shocks:
                shock.kick(self, step, inputs.kick_valence, inputs.kick_arousal)
            if self.noise > 0:
                inputs.kick_valence += self.rng.normal(0.0, self.noise, self.n_agents)
                inputs.kick_arousal += self.rng.normal(0.0, self.noise, self.n_agents)
        sources = [e for e in self._events_of(Broadcast) if e.active(step)]
        if sources:
            inputs.broadcast_valence = np.zeros(self.n_agents)
            inputs.broadcast_arousal = np.zeros(self.n_agents)
            inputs.broadcast_weight = np.zeros(self.n_agents)
            for source in sources:
                source.add_input(self, step, inputs.broadcast_valence,
                                 inputs.broadcast_arousal, inputs.broadcast_weight)
        return inputs

    def step(self) -> None:
        """Advance every agent one synchronous step, then apply pins and collect."""
        step = self.steps  # Mesa has already counted this step
        self.step_inputs = self._inputs_for(step)
        if self.engine == "agents":
            self.agents.do("step")
            new_v, new_a = self.next_valence, self.next_arousal
        else:
            new_v, new_a = vectorized_update(self)
        old_v, old_a = self.valence.copy(), self.arousal.copy()
        self.valence[:] = new_v
        self.arousal[:] = new_a
        for pin in self._events_of(Pin):
            pin.hold(self, step)
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
