"""A scenario at given parameter values: every size within its limit, and it fits in memory.

Load-time validation (:mod:`scenarios.validate`) checks what a file writes out; a value
that comes from a parameter (``n_agents = "$people"``) is known only when the parameter
is. :func:`check_values` checks the declaration with every ``$param`` replaced by its
value: network keys and size, event steps, outcome steps and lags, drawable trait
distributions, and the memory a model needs. A :class:`~scenarios.spec.Scenario` runs it
whenever it is created or changed (``load``, ``replace``, ``build``), so nothing that
would not fit is ever allocated.

For a shared server (the dashboard), :func:`check_limits` applies a stricter profile
(:data:`contagion.params.STRICT_LIMITS`) before each rebuild, and
:func:`estimate_memory` says how much a build and a run would take.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from contagion import rules
from contagion.clock import to_minutes
from contagion.memory import check_memory, graph_bytes, model_bytes, table_bytes
from contagion.params import PARAMETERS, check_limit
from scenarios import recipes, shapes
from scenarios.declaration import resolve
from scenarios.resolved import check_event_times
from scenarios.timing import choice_every, event_in_steps, outcome_in_steps
from scenarios.references import check_arguments, columns
from scenarios.measures import MEASURES, OUTCOMES
from scenarios.validate import check_event_spec

__all__ = ["check_limits", "check_values", "estimate_memory"]


def _check_draws(where: str, spec, trait: str, centre, spread: float) -> None:
    """A trait distribution that can be drawn at these values (a beta that exists)."""
    if not isinstance(spec, Mapping) or spec.get("dist") != "beta":
        return
    try:
        recipes.draw_trait(spec, 1, np.random.default_rng(0), trait, centre, spread)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{where}: {exc}") from None


def check_values(scenario, values: Mapping, limits=None, memory: bool = True):
    """Check ``scenario`` with every reference replaced by its value in ``values``.

    Returns the network's :class:`~scenarios.shapes.Shape`. ``limits`` defaults to
    :data:`contagion.params.LIMITS`; ``memory`` also refuses a model that does not fit.
    """
    network = resolve(scenario.network, values)
    shape = shapes.check_network(network, limits, memory)
    dt = scenario.dt
    _check_step_length(scenario, values)  # a step too long first: it explains what follows
    scenario.steps  # noqa: B018 -- the run's steps: at least one, within the limit
    check_event_times(scenario.events, values)  # names the parameters that set the times
    for i, event in enumerate(resolve(scenario.events, values)):
        check_event_spec(f"events[{i}]", event, limits)
        event_in_steps(event, dt, f"events[{i}]", limits=limits)  # every time in steps of dt
    for label, action in resolve(scenario.actions, values).items():
        check_event_spec(f"actions.{label!r}", action, limits)
        event_in_steps(action, dt, f"actions.{label!r}", limits=limits)
    for field, key, registry, first in (("metrics", "measure", MEASURES, "model"),
                                        ("outcomes", "outcome", OUTCOMES, "frame")):
        for name, spec in resolve(getattr(scenario, field), values).items():
            check_arguments(f"{field}.{name}", spec, registry[spec[key]], first, scenario,
                            limits)
            if field == "outcomes":
                outcome_in_steps(spec, dt, f"outcomes.{name}", limits)
    for name, spec in resolve(scenario.choices, values).items():
        choice_every(spec.get("every"), dt, f"choices.{name}")
    spread = values["heterogeneity"]
    for trait, spec in resolve(scenario.population, values).items():
        _check_draws(f"population.{trait}", spec, trait, values.get(trait), spread)
    for profile in resolve(scenario.profiles, values):
        for trait, spec in profile.get("traits", {}).items():
            _check_draws(f"profiles.{profile['name']}.traits.{trait}", spec, trait,
                         values.get(trait), spread)
    return shape


def _check_step_length(scenario, values: Mapping) -> None:
    """Refuse a step the model would refuse: its social rate needs too many sub-steps.

    The same rule as ``ContagionModel`` applies at build, here on the declared values
    (a population drawn around them may reach faster people, which the build checks).
    """
    if scenario.rule != "mirroring":
        return

    def value(name):
        given = values.get(name)
        return float(PARAMETERS[name].default if given is None else given)

    fastest = (value("mirroring") * (1 + value("expertise_gain") * value("expertise"))
               * value("negativity_gain"))
    rules.check_step_length(fastest, scenario.dt, scenario.time_unit,
                            to_minutes(scenario.dt, scenario.time_unit), scenario.tolerance)


def _bytes(scenario, shape, steps: int) -> int:
    return (graph_bytes(shape.agents, shape.ties) + model_bytes(shape.agents, shape.ties)
            + table_bytes(steps + 1, len(columns(scenario))))


def _values(scenario, overrides: Mapping) -> dict:
    """The scenario's values with ``overrides`` checked and applied (no model built)."""
    values = scenario.values()
    values.update({name: scenario.parameter(name).check(value)
                   for name, value in overrides.items()})
    return values


def estimate_memory(scenario, steps: int | None = None, **overrides) -> int:
    """Bytes that building ``scenario`` (with ``overrides``) and running ``steps`` need.

    An upper estimate: the network while it is built, the model, and the per-step table
    (``steps`` defaults to the scenario's). Sizes above the limits still raise; memory
    is only estimated here (see :func:`check_limits`).
    """
    shape = check_values(scenario, _values(scenario, overrides), memory=False)
    return _bytes(scenario, shape, scenario.steps if steps is None else int(steps))


def check_limits(scenario, limits=None, steps: int | None = None, **overrides) -> int:
    """Refuse a build and run that exceed ``limits``; return the memory estimate.

    The same checks as :func:`check_values`, against a (stricter) profile such as
    :data:`contagion.params.STRICT_LIMITS`, plus the run's ``steps`` and the memory of
    the whole run, table included. One-line ValueError naming the key, value and limit.
    """
    steps = scenario.steps if steps is None else steps
    check_limit("steps", steps, limits)
    shape = check_values(scenario, _values(scenario, overrides), limits, memory=False)
    return check_memory(f"scenario {scenario.name} ({shape.agents:,} agents, "
                        f"{shape.ties:,} ties, {steps:,} steps)",
                        _bytes(scenario, shape, steps), limits)
