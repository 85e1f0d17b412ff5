"""Scenarios as TOML text: the complete table of a declaration, written with tomli-w.

Reading TOML back (with ``extends``) is :mod:`scenarios.files`; this module only reads
a declaration's fields, so every other module may use it.
"""

from __future__ import annotations

import tomli_w

from contagion import rules
from scenarios.declaration import thaw

__all__ = ["dumps", "to_table"]


def dumps(scenario) -> str:
    """The scenario as a complete TOML document (no ``extends``)."""
    return tomli_w.dumps(to_table(scenario), multiline_strings=True)


def to_table(scenario) -> dict:
    """The scenario's fields as plain TOML-ready data (no ``extends``)."""
    table = {"name": scenario.name, "title": scenario.title, "description": scenario.description}
    if scenario.rule != "mirroring":
        table["rule"] = scenario.rule
    if scenario.caveat:
        table["caveat"] = scenario.caveat
    table.update(references=list(scenario.references), duration=scenario.duration, dt=scenario.dt,
                 time_unit=scenario.time_unit, view=scenario.view)
    if scenario.seed is not None:
        table["seed"] = scenario.seed
    if scenario.tolerance != rules.TOLERANCE:
        table["tolerance"] = scenario.tolerance
    if scenario.key_metrics:
        table["key_metrics"] = list(scenario.key_metrics)
    table["network"] = thaw(scenario.network)
    params = {k: thaw(v) for k, v in scenario.parameters.items() if k not in scenario.declared}
    for name, decl in scenario.declared.items():
        value = scenario.parameters.get(name, decl.value)
        params[name] = {"value": thaw(value), "low": decl.low, "high": decl.high,
                        "kind": decl.kind, "description": decl.description}
    table["parameters"] = params
    for key in ("population", "profiles", "choices", "events", "metrics", "outcomes", "actions",
                "channels", "findings"):
        if getattr(scenario, key):
            table[key] = thaw(getattr(scenario, key))
    return table
