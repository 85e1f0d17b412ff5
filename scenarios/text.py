"""Plain-text descriptions of scenarios for the command line."""

from __future__ import annotations

import textwrap

__all__ = ["describe"]


def _wrap(text: str, indent: str = "  ") -> str:
    paragraphs = [p for p in text.strip().split("\n\n") if p.strip()]
    return "\n\n".join(textwrap.fill(" ".join(p.split()), 88, initial_indent=indent,
                                     subsequent_indent=indent) for p in paragraphs)


def describe(scenario) -> str:
    """Title, description, caveat, parameters (value and range), metrics and references."""
    lines = [f"{scenario.title} ({scenario.name})", "", _wrap(scenario.description)]
    if scenario.caveat:
        lines += ["", "Caveat:", _wrap(scenario.caveat)]
    lines += ["", f"Parameters (default run: {scenario.steps} steps):"]
    for name in scenario.parameter_names():
        p = scenario.parameter(name)
        own = name in scenario.declared or name in scenario.parameters
        if not own:
            continue
        value = "derived" if p.value is None else p.value
        if p.kind == "goals" and p.value != "random":
            value = " ".join(f"{step}:{side}" for step, side in p.value) or "none"
        lines.append(f"  {name:<20} = {value!s:<10} {p.range_text:<14} {p.description}")
    lines.append("  (every engine parameter can be set too: contagion show --all NAME)")
    columns = [*scenario.key_metrics, *scenario.metrics]
    if columns:
        lines += ["", "Metrics: " + ", ".join(dict.fromkeys(columns))]
    if scenario.outcomes:
        lines += ["Outcomes: " + ", ".join(scenario.outcomes)]
    lines += ["", "References:"]
    lines += [textwrap.fill(ref, 88, initial_indent="  - ", subsequent_indent="    ")
              for ref in scenario.references]
    return "\n".join(lines)
