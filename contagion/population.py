"""Who the agents are: their traits, groups and start state, validated against the registry.

:class:`Population` is the part of :class:`~contagion.model.ContagionModel` that turns
what a user gives (a number, one value per agent, a ``{node: value}`` mapping, a node
attribute, or nothing) into one float per agent in ``model.traits``, with the
registry's range checks; :class:`Parameter` makes ``model.mirroring = 0.2`` on a
running model re-validate and take effect at the next step.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from contagion.graphs import node_attribute
from contagion.params import PARAMETERS, check_array, check_scalar, default_for

__all__ = ["START", "Parameter", "Population", "start_state"]


class Parameter:
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


class Population:
    """Mixin: traits, groups and start state of a model's agents (see the module docstring)."""

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
        return default_for(name, getattr(self, "rule", "mirroring"))

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

    def _set_start_state(self, initial_valence, initial_arousal, baseline, baseline_arousal):
        """Start where given; else at the baseline where one is given; else drawn."""
        state = {}
        for name, value, rest in (("initial_valence", initial_valence, baseline),
                                  ("initial_arousal", initial_arousal, baseline_arousal)):
            rest_name = START[name][0]
            value = self._per_agent(name, value)
            if value is None:
                rest = node_attribute(self.graph, self.nodes, rest_name) if rest is None else rest
                rest = self._from_mapping(rest_name, rest) if isinstance(rest, Mapping) else rest
            state[name] = start_state(name, value, rest, self.rng, self.n_agents)
        self.start_valence, self.start_arousal = state["initial_valence"], state["initial_arousal"]
        self.valence = self.start_valence.copy()
        self.arousal = self.start_arousal.copy()
        self.valence_change = np.zeros(self.n_agents)
        self.arousal_change = np.zeros(self.n_agents)


#: Where a start state comes from when none is given: the baseline (its name), else a
#: draw from N(mean, sd) clipped to [low, high]: ``name -> (baseline, mean, sd, low, high)``.
START = {"initial_valence": ("baseline", 0.0, 0.25, -1.0, 1.0),
         "initial_arousal": ("baseline_arousal", 0.3, 0.1, 0.0, 1.0)}


def start_state(name: str, value, rest, rng, n_agents: int) -> np.ndarray:
    """One dimension's start state: ``value`` if given, else ``rest`` (its baseline), else drawn.

    ``value`` and ``rest`` are None, a number or one value per agent; a draw comes from
    ``rng``. An out-of-range baseline is reported under the baseline's name.
    """
    rest_name, mean, sd, low, high = START[name]
    if value is None and rest is not None:
        value = check_array(PARAMETERS[rest_name], rest, n_agents)
    if value is None:
        value = np.clip(rng.normal(mean, sd, n_agents), low, high)
    return check_array(PARAMETERS[name], value, n_agents)
