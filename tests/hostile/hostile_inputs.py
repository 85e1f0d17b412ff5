"""Inputs the hostile cases share: a small valid scenario to start from."""

from __future__ import annotations


#: A small valid scenario the cases start from.
TINY = """\
name = "tiny"
title = "Tiny"
description = "A tiny scenario."
references = ["Someone, A. (2020). A paper."]
steps = 5

[network]
recipe = "small-world"
n_agents = 20
degree = 4

[parameters.mood]
value = 0.5
low = -1.0
high = 1.0
description = "A mood."
"""


def tiny(*replace: tuple[str, str], extra: str = "") -> str:
    """:data:`TINY` with ``(old, new)`` replacements and ``extra`` appended."""
    text = TINY
    for old, new in replace:
        assert old in text, old
        text = text.replace(old, new)
    return text + extra
