"""What the hostile cases share: a case's folder, and a small valid scenario to start from.

(Kept out of conftest.py: another test folder has a conftest too, and ``import
conftest`` would find whichever was imported first.)
"""

from __future__ import annotations

from pathlib import Path


#: A small valid scenario the cases start from.
TINY = """\
name = "tiny"
title = "Tiny"
description = "A tiny scenario."
references = ["Someone, A. (2020). A paper."]
duration = 5

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


class Case:
    """An empty folder for one case (``path``) and ``put`` to add input files to it."""

    def __init__(self, path: Path):
        self.path = path

    def put(self, name: str, text: str | bytes) -> Path:
        path = self.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path
