"""Plain-text descriptions of scenarios for the command line."""

from __future__ import annotations

import math
import re
import textwrap

from contagion.clock import duration_text, to_minutes
from contagion.params import PARAMETERS
from scenarios.measures import KINDS

__all__ = ["describe", "metric_kinds"]

_RATES = ("mirroring", "reactivity", "regulation")
_RULE_TEXT = {
    "excitable": "resting, active, refractory; a resting person becomes active when the "
                 "activity it perceives, times its mirroring, passes its threshold",
    "sisa": "neutral, content, discontent; moods start by themselves and per contact in that "
            "mood, and end at their own rates (per year)",
}
_STANDARD_COLUMN = re.compile(r"^(\w+_)?(valence|arousal)(_sd)?$|^(\w+_)?fraction_positive$")


def _wrap(text: str, indent: str = "  ") -> str:
    paragraphs = [p for p in text.strip().split("\n\n") if p.strip()]
    return "\n\n".join(textwrap.fill(" ".join(p.split()), 88, initial_indent=indent,
                                     subsequent_indent=indent) for p in paragraphs)


def metric_kinds(scenario) -> dict[str, str]:
    """What each per-step column of the scenario reads: ``mood`` or ``behaviour``."""
    kinds = {}
    choice_columns = {f"{name}_{option}": "behaviour" for name, spec in scenario.choices.items()
                      for option in spec if option != "who"}
    for column in dict.fromkeys([*scenario.key_metrics, *scenario.metrics]):
        if column in scenario.metrics:
            kinds[column] = KINDS[scenario.metrics[column]["measure"]]
        elif column in choice_columns:
            kinds[column] = "behaviour"
        elif _STANDARD_COLUMN.match(column):
            kinds[column] = "mood"
        else:
            kinds[column] = "unknown"
    return kinds


def _time(scenario) -> list[str]:
    step = duration_text(scenario.dt, scenario.time_unit)
    run = duration_text(scenario.dt * scenario.steps, scenario.time_unit)
    lines = [f"Time: one step is {step}; the default run lasts {run} ({scenario.steps} steps)."]
    if scenario.rule != "mirroring":
        return [*lines, f"Rule: {scenario.rule} ({_RULE_TEXT[scenario.rule]})."]
    values = scenario.values()
    rates = []
    for name in _RATES:
        rate = values[name] if values[name] is not None else PARAMETERS[name].default
        if rate > 0:
            half = duration_text(0.6931471805599453 / rate, "minute")
            rates.append(f"{name} {rate:g}/min (half-life {half})")
    if rates:
        lines.append("Rates: " + "; ".join(rates) + ".")
    fastest = to_minutes(scenario.dt, scenario.time_unit) * max(values[n] or 0.0 for n in _RATES)
    if fastest > scenario.tolerance:
        lines.append(f"  (integrated in sub-steps of at most {scenario.tolerance:g} / rate, "
                     f"about {math.ceil(fastest / scenario.tolerance)} a step at these "
                     "rates: see docs/model.md)")
    return lines


def describe(scenario) -> str:
    """Title, time, description, channels, findings, parameters, metrics, references."""
    lines = [f"{scenario.title} ({scenario.name})", "", *_time(scenario), "",
             _wrap(scenario.description)]
    if scenario.channels:
        lines += ["", "Channels:"]
        lines += [f"  {key}: {text}" for key, text in scenario.channels.items()]
    if scenario.findings:
        lines += ["", "Input -> mechanism -> emergent result:"]
        for finding in scenario.findings:
            lines += [textwrap.fill(f"{label}: {finding[key]}", 88,
                                    initial_indent="  " + ("- " if key == "input" else "  "),
                                    subsequent_indent="      ")
                      for key, label in (("input", "input"), ("mechanism", "mechanism"),
                                         ("emergent", "emergent"))]
    if scenario.caveat:
        lines += ["", "Caveat:", _wrap(scenario.caveat)]
    lines += ["", "Parameters:"]
    for name in scenario.parameter_names():
        p = scenario.parameter(name)
        own = name in scenario.declared or name in scenario.parameters
        if not own:
            continue
        value = "derived" if p.value is None else p.value
        if p.kind == "goals" and p.value != "random":
            value = " ".join(f"{step}:{side}" for step, side in p.value) or "none"
        lines.append(f"  {name:<20} = {value!s:<10} {p.range_text:<14} {p.description}")
    if scenario.population:
        drawn = ", ".join(f"{t} ({spec['dist']})" for t, spec in scenario.population.items())
        lines.append(f"  people differ: {drawn}; heterogeneity scales every spread")
    lines.append("  (every engine parameter can be set too: contagion show --all NAME)")
    kinds = metric_kinds(scenario)
    if kinds:
        lines += ["", "Metrics (what each reads):"]
        lines += [f"  {column:<28} {kind}" for column, kind in kinds.items()]
    if scenario.outcomes:
        lines += ["Outcomes (one number per run): " + ", ".join(scenario.outcomes)]
    lines += ["", "References:"]
    lines += [textwrap.fill(ref, 88, initial_indent="  - ", subsequent_indent="    ")
              for ref in scenario.references]
    return "\n".join(lines)
