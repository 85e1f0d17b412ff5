"""Refresh the tables of docs/limits.md from the code that enforces the limits.

    uv run python docs/make_limits.py

The tables between ``<!-- BEGIN name -->`` and ``<!-- END name -->`` are generated
from :data:`contagion.params.LIMITS`, :data:`contagion.params.STRICT_LIMITS`,
:data:`contagion.graphs.MAX_WEIGHT` and the confounding study's declared design
ranges; tests/hostile/test_limits_doc.py fails when the page differs from what this
script writes, so the page cannot drift from the code.
"""

from __future__ import annotations

import re
from pathlib import Path

PAGE = Path(__file__).resolve().parent / "limits.md"


def _value(limit) -> str:
    if limit.shown:
        return limit.shown
    if limit.key == "memory_share":
        return f"{limit.maximum:.0%}"
    return f"{limit.maximum:,}"


def limits_table() -> str:
    """Every limit of :data:`LIMITS`: key, maximum, what it counts, why."""
    from contagion.params import LIMITS, STRICT_LIMITS

    lines = ["| limit | maximum | counts | pasted into the dashboard | why |",
             "|---|---|---|---|---|"]
    for key, limit in LIMITS.items():
        strict = STRICT_LIMITS[key]
        stricter = _value(strict) if strict.maximum != limit.maximum else "same"
        lines.append(f"| `{key}` | {_value(limit)} | {limit.what} | {stricter} | {limit.why} |")
    return "\n".join(lines) + "\n"


def other_bounds_table() -> str:
    """Bounds declared elsewhere: tie weights and the confounding study's design."""
    from contagion.experiments.studies.design import FIELDS
    from contagion.graphs import MAX_WEIGHT

    lines = ["| where | bound | why |", "|---|---|---|",
             f"| tie weight in a network file | [0, {MAX_WEIGHT:g}] | a weight is a channel's "
             "strength; beyond this it only overflows the engine's sums |"]
    for name, field in FIELDS.items():
        if field.kind is int:
            lines.append(f"| `contagion study confounding --set {name}` | [{field.low:,g}, "
                         f"{field.high:,g}] | {field.description} |")
    return "\n".join(lines) + "\n"


BLOCKS = {"limits": limits_table, "other-bounds": other_bounds_table}


def refresh(text: str) -> str:
    """``text`` with every generated block replaced by what the code says now."""
    for name, make in BLOCKS.items():
        pattern = re.compile(rf"(<!-- BEGIN {name} -->\n).*?(<!-- END {name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"{PAGE.name} has no block {name!r}")
        text = pattern.sub(lambda m, make=make: m.group(1) + make() + m.group(2), text)
    return text


def main() -> None:
    PAGE.write_text(refresh(PAGE.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {PAGE}")


if __name__ == "__main__":
    main()
