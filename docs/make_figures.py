"""Figures and generated tables for the scenario documentation (docs/scenarios/).

Run from the repository root::

    uv run python docs/make_figures.py            # every scenario
    uv run python docs/make_figures.py sad_film   # one
    uv run python docs/make_figures.py --keep-findings mexican_wave   # figures and tables only

It writes ``docs/figures/<name>.png`` (and ``football_crowd_seats.png``) with the
library's own API, and refreshes the generated blocks of ``docs/scenarios/<name>.md``:
``design`` (input / mechanism / emergent result, from the scenario's declaration),
``parameters`` (from the declaration) and ``findings`` (measured by
``docs/findings.py``: full model, fair null, no stimulus, and the social part with its
95 % interval over seeds 0-9), and the reference tables of docs/scenario-files.md.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import scenarios

DOCS = Path(__file__).resolve().parent
PAGES = DOCS / "scenarios"
if str(DOCS) not in sys.path:
    sys.path.insert(0, str(DOCS))
import findings  # noqa: E402  (docs/findings.py: the measured findings)
import rule_figures  # noqa: E402  (docs/rule_figures.py: figures of the other rules' scenarios)
import scenario_figures  # noqa: E402  (docs/scenario_figures.py: the figures themselves)
from scenario_figures import seat_grid  # noqa: E402, F401  (seat_grid: the seat map)

#: Every scenario's figure function, by scenario name.
FIGURES_BY_NAME = {**scenario_figures.FIGURES_BY_NAME, **rule_figures.FIGURES_BY_NAME}

STYLE = {"font.size": 11, "axes.titlesize": 12, "legend.fontsize": 9.5, "axes.grid": True,
         "grid.alpha": 0.3}


# -- tables ------------------------------------------------------------------------

def _value_text(p) -> str:
    if p.value is None:
        return "derived"
    if p.kind == "goals" and p.value != "random":
        return ", ".join(f"[{step}, {side}]" for step, side in p.value)
    return f"{p.value:g}" if isinstance(p.value, float) else str(p.value)


def parameter_table(scenario) -> str:
    """Markdown table of the scenario's own parameters and the engine parameters it sets."""
    lines = ["| parameter | default | range | meaning |", "|---|---|---|---|"]
    for name in [*scenario.declared, *scenario.parameters]:
        p = scenario.parameter(name)
        own = "" if name in scenario.declared else " (engine)"
        text = p.description.replace("|", "/")
        lines.append(f"| `{name}`{own} | {_value_text(p)} | {p.range_text.replace('|', '/')} "
                     f"| {text} |")
    if scenario.population:
        spreads = "; ".join(
            f"`{trait}` {spec['dist']}" + "".join(f", {k} {v:g}" for k, v in spec.items()
                                                 if k != "dist" and isinstance(v, float))
            for trait, spec in scenario.population.items())
        lines += ["", f"People differ: each person's traits are drawn around the values above "
                      f"({spreads}); `heterogeneity` (default 1) scales every spread, 0 makes "
                      "everyone identical."]
    return "\n".join(lines)


def design_table(scenario) -> str:
    """Markdown table of the scenario's declared input / mechanism / emergent result."""
    lines = ["| input | mechanism | emergent result |", "|---|---|---|"]
    for finding in scenario.findings:
        cells = (" ".join(finding[key].split()).replace("|", "/")
                 for key in ("input", "mechanism", "emergent"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def refresh(name: str, block: str, text: str) -> None:
    """Replace the generated ``block`` in docs/scenarios/<name>.md (if the page exists)."""
    page = PAGES / f"{name}.md"
    if page.exists():
        refresh_file(page, block, text)


def _signature(function, skip: str) -> str:
    import inspect

    parts = []
    for name, p in inspect.signature(function).parameters.items():
        if name == skip:
            continue
        parts.append(name if p.default is inspect.Parameter.empty else f"{name} = {p.default!r}")
    return ", ".join(parts)


def _first_line(function) -> str:
    return (function.__doc__ or "").strip().splitlines()[0].replace("|", "/")


def reference_tables() -> dict[str, str]:
    """Generated blocks of docs/scenario-files.md: recipes, events, measures, outcomes, traits."""
    from contagion.params import PARAMETERS
    from scenarios import measures, recipes
    from scenarios.validate import EVENT_KEYS

    blocks = {}
    rows = ["| recipe | keys (defaults) | what it builds |", "|---|---|---|"]
    for name, function in sorted(recipes.NETWORKS.items()):
        rows.append(f"| `{name}` | {_signature(function, 'rng')} | {_first_line(function)} |")
    blocks["recipes"] = "\n".join(rows)
    rows = ["| type | keys |", "|---|---|"]
    rows += [f"| `{kind}` | {', '.join(f'`{k}`' for k in sorted(keys))} |"
             for kind, keys in EVENT_KEYS.items()]
    blocks["events"] = "\n".join(rows)
    for block, table, skip in (("measures", measures.MEASURES, "model"),
                               ("outcomes", measures.OUTCOMES, "frame")):
        rows = [f"| {block[:-1]} | keys (defaults) | what it computes |", "|---|---|---|"]
        rows += [f"| `{name}` | {_signature(f, skip)} | {_first_line(f)} |"
                 for name, f in table.items()]
        blocks[block] = "\n".join(rows)
    rows = ["| parameter | range | default | unit | per agent (trait) | rules | meaning |",
            "|---|---|---|---|---|---|---|"]
    for p in PARAMETERS.values():
        default = "derived" if p.default is None else f"{p.default:g}"
        rows.append(f"| `{p.name}` | {p.range_text} | {default} | {p.unit or '-'} "
                    f"| {'yes' if p.per_agent else 'no'} | {', '.join(p.rules)} "
                    f"| {p.description} |")
    blocks["engine-parameters"] = "\n".join(rows)
    return blocks


def refresh_file(page: Path, block: str, text: str) -> None:
    """Replace the block between ``<!-- BEGIN block -->`` and ``<!-- END block -->`` in ``page``."""
    pattern = re.compile(rf"(<!-- BEGIN {block} -->\n).*?(<!-- END {block} -->)", re.S)
    old = page.read_text(encoding="utf-8")
    new = pattern.sub(lambda m: m[1] + text.strip() + "\n" + m[2], old)
    if new != old:
        page.write_text(new, encoding="utf-8")


def main(names: list[str], keep_findings: bool = False) -> None:
    import matplotlib.pyplot as plt

    plt.rcParams.update(STYLE)
    for block, text in reference_tables().items():
        refresh_file(DOCS / "scenario-files.md", block, text)
    for name in names or FIGURES_BY_NAME:
        scenario = scenarios.get(name)
        FIGURES_BY_NAME[name]()
        refresh(name, "design", design_table(scenario))
        refresh(name, "parameters", parameter_table(scenario))
        if name in rule_figures.COMPARISONS:
            refresh(name, "comparison", rule_figures.COMPARISONS[name]())
        if keep_findings:  # the findings take longest (mexican_wave: 30 runs of the stadium)
            continue
        table = findings.table(findings.measure(name))
        refresh(name, "findings", table)
        print(f"{name}:\n{table}\n")


if __name__ == "__main__":
    main([a for a in sys.argv[1:] if a != "--keep-findings"], "--keep-findings" in sys.argv)
