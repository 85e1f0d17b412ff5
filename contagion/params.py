"""The parameter registry: one declaration per parameter, used everywhere.

Every parameter of the engine is declared once here with its range, default,
description and unit. The same declaration drives constructor validation, the
CLI's ``--set NAME=VALUE``, sweep grids, dashboard sliders and output columns, so
a name means the same thing wherever it appears.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from contagion.rules import RULES as ALL_RULES

__all__ = [
    "ALL_RULES",
    "LIMITS",
    "PARAMETERS",
    "RULE_DEFAULTS",
    "STRICT_LIMITS",
    "Limit",
    "Param",
    "check_array",
    "check_limit",
    "check_scalar",
    "default_for",
    "parse_value",
    "tighten",
    "unknown_name_error",
]


@dataclass(frozen=True)
class Param:
    """Declaration of one model parameter.

    Attributes
    ----------
    name : str
        The name used as constructor keyword, TOML key, CLI ``--set`` name, sweep
        grid key, dashboard slider and output column.
    low, high : float
        Closed range of allowed values (``math.inf`` for unbounded).
    default : float or None
        Value used when the parameter is not given. ``None`` means "derived":
        the docstring of the parameter says from what.
    description : str
        One line a workshop audience understands.
    per_agent : bool
        True when the parameter may be given as one value per agent.
    live : bool
        True when changing it on a running model takes effect at the next step.
    unit : str
        Unit or scale of the value.
    rules : tuple of str
        The rules that use it (see :mod:`contagion.rules`); the others ignore it.
    """

    name: str
    low: float
    high: float
    default: float | None
    description: str
    per_agent: bool = True
    live: bool = True
    unit: str = ""
    rules: tuple[str, ...] = ("mirroring",)

    @property
    def range_text(self) -> str:
        """The allowed range as text, e.g. ``[0, 1]``."""
        return f"[{_fmt(self.low)}, {_fmt(self.high)}]"


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:g}"


_MIRRORING_EXCITABLE = ("mirroring", "excitable")

_DECLARED = [
    Param("mirroring", 0.0, 30.0, 0.5,
          "How strongly an agent takes up what it perceives in other people (social contagion): "
          "a rate per minute in the mirroring rule, a gain (1 = as stated) in the excitable and "
          "sisa rules.",
          unit="per minute (mirroring rule); gain (excitable, sisa: default 1)", rules=ALL_RULES),
    Param("reactivity", 0.0, 30.0, 0.5,
          "How fast an agent takes up what it perceives directly: a film, a scene, a goal it sees "
          "(a gain on stimuli in the excitable rule).",
          unit="per minute (mirroring rule); gain (excitable)", rules=_MIRRORING_EXCITABLE),
    Param("regulation", 0.0, 30.0, 0.05,
          "How fast an agent returns to its own baseline mood (emotion regulation).",
          unit="per minute"),
    Param("attention", 0.0, 1.0, 1.0,
          "How much of the stimuli around it reach the agent: 1 all, 0 none (an obstructed view).",
          rules=_MIRRORING_EXCITABLE),
    Param("expressiveness", 0.0, 1.0, 1.0,
          "How visibly an agent shows its emotion: its weight as a sender.", rules=ALL_RULES),
    Param("baseline", -1.0, 1.0, None,
          "Valence the agent returns to (temperament); default: its start valence."),
    Param("baseline_arousal", 0.0, 1.0, None,
          "Arousal the agent returns to (in the excitable rule: its arousal while not active); "
          "default: its start arousal.", rules=_MIRRORING_EXCITABLE),
    Param("negativity_gain", 1.0, 5.0, 1.0,
          "Loss sensitivity: gain on input that pulls valence down, and slower release from low mood.",
          unit="multiplier"),
    Param("expertise", 0.0, 1.0, 0.0,
          "Familiarity with the domain; raises mirroring and reactivity.", rules=ALL_RULES),
    Param("anticipation", 0.0, 60.0, 0.0,
          "How far ahead an agent projects the course of a performer who follows a script.",
          unit="seconds"),
    Param("amplification", 0.0, 2.0, 0.0,
          "How much sharing a stimulus with the people one perceives intensifies it.",
          unit="multiplier"),
    Param("threshold", 0.0, 100.0, 0.2,
          "Activity a resting person must perceive around it before it reacts (excitable rule): "
          "higher is a more bored crowd.",
          unit="summed strength of the active people perceived", rules=("excitable",)),
    Param("expertise_gain", 0.0, 2.0, 1.0,
          "How much full expertise multiplies mirroring and reactivity: x (1 + expertise_gain).",
          per_agent=False, unit="multiplier", rules=ALL_RULES),
    Param("outgroup_sign", -1.0, 1.0, 1.0,
          "How the out-group is perceived: 1 like the in-group, 0 not at all, -1 with valence inverted.",
          per_agent=False, rules=ALL_RULES),
    Param("noise", 0.0, 2.0, 0.0,
          "Size of random mood fluctuation (standard deviation after one minute).",
          per_agent=False, unit="per sqrt(minute)"),
    Param("softness", 0.0, 100.0, 0.1,
          "How gradually reactions start above the threshold (excitable rule): 0 a sharp step; "
          "the full reaction rate is reached at threshold + softness.",
          per_agent=False, unit="summed strength of the active people perceived",
          rules=("excitable",)),
    Param("reaction_rate", 0.0, 100.0, 6.5,
          "How fast a resting person well above threshold becomes active (excitable rule).",
          per_agent=False, unit="per second", rules=("excitable",)),
    Param("spontaneous_rate", 0.0, 1.0, 0.002,
          "How often a resting person becomes active for no reason (excitable rule): the "
          "crowd's excitement.", per_agent=False, unit="per second", rules=("excitable",)),
    Param("active_time", 0.0, 600.0, 0.75,
          "How long a person stays active, standing up (excitable rule).",
          per_agent=False, unit="seconds", rules=("excitable",)),
    Param("refractory_time", 0.0, 3600.0, 5.0,
          "How long after being active a person cannot react again (excitable rule).",
          per_agent=False, unit="seconds", rules=("excitable",)),
    Param("side_bias", -1.0, 1.0, 0.0,
          "Habit of watching one side more (excitable rule): > 0 the lower seat numbers, so "
          "waves tend to run clockwise; 0 no habit.", per_agent=False, rules=("excitable",)),
    Param("side_following", 0.0, 20.0, 5.0,
          "How strongly people watch the side their crowd's wave comes from (excitable rule).",
          per_agent=False, unit="multiplier", rules=("excitable",)),
    Param("content_rate", 0.0, 100.0, 0.18,
          "Rate at which a neutral person becomes content by themselves (sisa rule).",
          per_agent=False, unit="per year", rules=("sisa",)),
    Param("discontent_rate", 0.0, 100.0, 0.04,
          "Rate at which a neutral person becomes discontent by themselves (sisa rule).",
          per_agent=False, unit="per year", rules=("sisa",)),
    Param("content_contagion", 0.0, 100.0, 0.02,
          "Extra rate of becoming content for each content contact (sisa rule).",
          per_agent=False, unit="per year per contact", rules=("sisa",)),
    Param("discontent_contagion", 0.0, 100.0, 0.04,
          "Extra rate of becoming discontent for each discontent contact (sisa rule).",
          per_agent=False, unit="per year per contact", rules=("sisa",)),
    Param("content_recovery", 0.0, 100.0, 0.1,
          "Rate at which contentment ends, back to neutral (sisa rule): 1 / its mean length.",
          per_agent=False, unit="per year", rules=("sisa",)),
    Param("discontent_recovery", 0.0, 100.0, 0.2,
          "Rate at which discontent ends, back to neutral (sisa rule): 1 / its mean length.",
          per_agent=False, unit="per year", rules=("sisa",)),
    Param("content_to_discontent", 0.0, 100.0, 0.0,
          "Rate at which a content person turns discontent directly (sisa rule; 0: every mood "
          "ends in neutral).", per_agent=False, unit="per year", rules=("sisa",)),
    Param("discontent_to_content", 0.0, 100.0, 0.0,
          "Rate at which a discontent person turns content directly (sisa rule; 0: every mood "
          "ends in neutral).", per_agent=False, unit="per year", rules=("sisa",)),
    Param("initial_valence", -1.0, 1.0, None,
          "Start valence; default: the baseline if given, else drawn from N(0, 0.25) (sisa "
          "rule: the nearest mood, content from +0.5, discontent from -0.5).",
          live=False, rules=("mirroring", "sisa")),
    Param("initial_arousal", 0.0, 1.0, None,
          "Start arousal; default: the baseline arousal if given, else drawn from N(0.3, 0.1).",
          live=False, rules=_MIRRORING_EXCITABLE),
]

#: All numeric engine parameters by name (``group`` is categorical and separate).
PARAMETERS: dict[str, Param] = {p.name: p for p in _DECLARED}

#: Defaults that differ by rule: in the excitable and sisa rules mirroring is a gain.
RULE_DEFAULTS: dict[str, dict[str, float]] = {"excitable": {"mirroring": 1.0},
                                              "sisa": {"mirroring": 1.0}}


def default_for(name: str, rule: str = "mirroring") -> float | None:
    """The default of parameter ``name`` under ``rule``."""
    return RULE_DEFAULTS.get(rule, {}).get(name, PARAMETERS[name].default)


def unknown_name_error(kind: str, name: str, valid: Iterable[str]) -> ValueError:
    """A ValueError for an unknown name that suggests the closest valid ones."""
    valid = sorted(valid)
    close = difflib.get_close_matches(name, valid, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return ValueError(f"unknown {kind} {name!r}{hint}; valid names: {', '.join(valid)}")


def _range_error(param: Param, shown: object) -> ValueError:
    return ValueError(f"{param.name}={shown} is out of range: allowed {param.range_text}")


def check_scalar(param: Param, value: object) -> float:
    """Validate one number for ``param`` and return it as float."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(
            f"{param.name}={value!r} is not a number: allowed {param.range_text}"
        )
    x = float(value)
    if math.isnan(x) or not param.low <= x <= param.high:
        raise _range_error(param, _short(value))
    return x


def check_array(param: Param, value: object, n_agents: int) -> np.ndarray:
    """Validate a scalar or one-value-per-agent ``value``; return a float array (N,)."""
    if np.isscalar(value) and not isinstance(value, str):
        return np.full(n_agents, check_scalar(param, value))
    if not param.per_agent:
        raise ValueError(
            f"{param.name} takes one number for the whole model, got {_short(value)}"
        )
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"{param.name}={_short(value)} is not numeric: allowed {param.range_text}"
        ) from None
    if arr.shape != (n_agents,):
        raise ValueError(
            f"{param.name} has shape {arr.shape} but the graph has {n_agents} agents: "
            f"give one number or {n_agents} values"
        )
    inside = (arr >= param.low) & (arr <= param.high)  # False for NaN too
    if not inside.all():
        i = int(np.flatnonzero(~inside)[0])
        raise ValueError(
            f"{param.name}[{i}]={arr[i]:g} is out of range: allowed {param.range_text}"
            + (" (NaN is never allowed)" if np.isnan(arr[i]) else "")
        )
    return arr.copy()


def parse_value(name: str, text: str) -> float:
    """Parse ``text`` given on a command line for parameter ``name`` and validate it."""
    if name == "group":
        raise ValueError(f"group={text!r} cannot be set as one value: groups are labels per "
                         "agent, given by the network (node attribute 'group') or a scenario")
    if name not in PARAMETERS:
        raise unknown_name_error("parameter", name, [*PARAMETERS, "group"])
    try:
        value = float(text)
    except ValueError:
        raise ValueError(
            f"{name}={text!r} is not a number: allowed {PARAMETERS[name].range_text}"
        ) from None
    return check_scalar(PARAMETERS[name], value)


def describe(names: Mapping[str, Param] | None = None) -> str:
    """A plain-text table of parameters: name, range, default, description."""
    rows = []
    for p in (names or PARAMETERS).values():
        default = "derived" if p.default is None else f"{p.default:g}"
        rows.append(f"  {p.name:<18} {p.range_text:<12} {default:<8} {p.description}")
    return "\n".join(rows)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# -- resource limits -----------------------------------------------------------------

@dataclass(frozen=True)
class Limit:
    """A declared maximum for one size a user can set (agents, steps, grid values, ...).

    Every limit is checked before anything of that size is allocated; a value above it
    is a ``ValueError`` naming the key, the value and the limit. Memory, the real
    constraint behind most sizes, is checked besides (:mod:`contagion.memory`): a size
    within its limit is still refused when the estimate of what it needs does not fit.

    Attributes
    ----------
    key : str
        The limit's name (docs/limits.md lists them all).
    maximum : int or float
        The largest allowed value (inclusive).
    what : str
        What is counted, as the error message says it ("agents in one model").
    why : str
        Why there is a maximum and why this one, in a sentence.
    shown : str or None
        How docs/limits.md states the maximum where it depends on the machine.
    """

    key: str
    maximum: int | float
    what: str
    why: str
    shown: str | None = None

    def check(self, value, where: str | None = None):
        """``value`` if it is at most the maximum; else a one-line ValueError."""
        if value > self.maximum:
            raise ValueError(f"{where or self.key}={_short(value)} is above the limit of "
                             f"{self.maximum:,} {self.what} (limit {self.key!r}, docs/limits.md)")
        return value


def _usable_cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


_LIMITS = [
    Limit("agents", 10_000_000, "agents in one model",
          "each agent costs about 2 kB in the engine and its network; ten million is ten "
          "times the largest benchmarked run"),
    Limit("edges", 100_000_000, "ties in one network",
          "each tie costs 100-400 bytes while a network is built; a recipe's ties are "
          "counted from its keys before it runs"),
    Limit("steps", 1_000_000, "steps",
          "the length of a run and every step an event or outcome names; each step is a "
          "row of the per-step table"),
    Limit("lag", 10_000, "steps of lag",
          "an outcome's max_lag: its work grows with the lag times the run's length"),
    Limit("grid_values", 100_000, "values of one grid key",
          "a:b:n allocates n values before anything runs"),
    Limit("runs", 10_000_000, "runs in one sweep or sensitivity analysis",
          "each finished run is remembered by its id to resume and to order the table"),
    Limit("chunk", 100_000, "runs per Parquet shard",
          "a shard's runs are held in memory until it is written"),
    Limit("seeds", 10_000, "seeds of a --null comparison",
          "three runs per seed, one after another in one process"),
    Limit("seed", 2**63 - 1, "(the largest seed)",
          "seeds are stored as 64-bit integers in every table"),
    Limit("jobs", 2 * _usable_cores(), "worker processes (twice the usable CPU cores)",
          "more workers than cores add memory (each holds an interpreter and a model), "
          "not speed", shown="2 x usable CPU cores"),
    Limit("nesting", 20, "levels of nested tables and arrays in a scenario file",
          "the deepest scenario needs 6; deeper nesting only exhausts the parser's stack"),
    Limit("scenario_bytes", 1_000_000, "bytes in a scenario file",
          "the largest library file has 10 kB; a file is read whole"),
    Limit("name_length", 64, "characters in a declared name",
          "names become columns, TOML keys, CLI options and slider labels"),
    Limit("graphml_bytes", 200_000_000, "bytes in a GraphML file",
          "XML is parsed in memory at 20-50 times its size; edge lists are streamed instead"),
    Limit("dask_timeout", 3600, "seconds to reach a Dask scheduler",
          "a scheduler that does not answer within an hour is not coming"),
    Limit("particles", 100_000, "particles per population of a fit",
          "each population weighs every particle against all of the previous one's "
          "(particles squared kernel terms) and stores one database row per particle"),
    Limit("populations", 1_000, "populations of a fit",
          "each population is a generation of ABC-SMC; fits settle within tens"),
    Limit("pilot", 1_000_000, "pilot simulations of a fit",
          "their statistics are held in memory and regressed on the parameters at once"),
    Limit("draws", 10_000, "posterior predictive draws of a fit",
          "each draw's simulated tables are held in memory for the predictive figure"),
    Limit("fit_rows", 1_000_000, "rows in one data table of a fit",
          "a table is read whole; reading stops one row past the limit"),
    Limit("fit_agent_steps", 100_000_000,
          "agent-steps in one simulation of a fit (people x last observed step)",
          "every simulation runs the model to the last observed step, and a fit runs "
          "thousands of them: at 20-100 ns per agent-step, 1e8 is seconds per simulation"),
    Limit("memory_share", 0.8, "of the available memory",
          "the share of available memory (RAM, or the process's address-space limit) that "
          "one model or sweep may plan to use; the rest is for the interpreter and the OS"),
]

#: Every resource limit by key (docs/limits.md gives each one's reason).
LIMITS: dict[str, Limit] = {limit.key: limit for limit in _LIMITS}


def tighten(limits: Mapping[str, Limit] | None = None, **maxima) -> dict[str, Limit]:
    """A copy of ``limits`` (default :data:`LIMITS`) with some maxima lowered.

    A profile may only be stricter: raising a maximum is an error.
    """
    base = dict(LIMITS if limits is None else limits)
    for key, maximum in maxima.items():
        if key not in base:
            raise unknown_name_error("limit", key, base)
        if maximum > base[key].maximum:
            raise ValueError(f"limit {key}={maximum} is above {base[key].maximum}: a profile "
                             "may only lower a limit")
        base[key] = dataclasses.replace(base[key], maximum=maximum)
    return base


#: Stricter limits for files a stranger hands to a shared server (a scenario pasted into
#: the dashboard): small enough that one of them cannot take the machine down.
STRICT_LIMITS: dict[str, Limit] = tighten(
    agents=20_000, edges=1_000_000, steps=20_000, lag=1_000, grid_values=1_000, runs=10_000,
    seeds=100, nesting=12, scenario_bytes=200_000, memory_share=0.25,
)


def check_limit(key: str, value, limits: Mapping[str, Limit] | None = None,
                where: str | None = None):
    """``value`` if it is within limit ``key`` of ``limits`` (default :data:`LIMITS`).

    ``where`` is the name the message shows (``network.n_agents``); the key by default.
    """
    return (LIMITS if limits is None else limits)[key].check(value, where)
