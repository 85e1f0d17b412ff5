"""Helpers every command shares: reading numbers and NAME=VALUE items, and printing safely.

Numbers are checked here, not by argparse, so that every bad value gives one line on
stderr and exit status 2. Whatever the commands print passes through :func:`printable`:
a scenario's title or a network file's group names cannot move the cursor, recolour
the terminal or hide text with control characters.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Mapping

__all__ = ["SafeStream", "add_batch_options", "parse_int", "parse_positive", "parse_settings", "printable",
           "split_assignment", "warner"]

# ANSI escape sequences (CSI, OSC, and two-character ones) removed whole, then any other
# control character: C0 but newline and tab, DEL, C1, and the bidirectional overrides
# that reorder what a terminal shows.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|"
                      r"\x9b[0-?]*[ -/]*[@-~]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, one_line: bool = False) -> str:
    """``text`` without control characters; ``one_line``: newlines and tabs become spaces."""
    text = _CONTROLS.sub("", _ESCAPES.sub("", str(text)))
    return " ".join(text.split()) if one_line else text


class SafeStream:
    """A text stream that passes everything written to it through :func:`printable`."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text))
        return len(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def parse_int(option: str, text: str | None, minimum: int, default=None, limit: str | None = None):
    """``text`` as an integer >= ``minimum`` (``default`` when not given).

    ``limit``: also at most that limit of :data:`contagion.params.LIMITS`.
    """
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{option} {text!r} is not an integer") from None
    if value < minimum:
        raise ValueError(f"{option} {value} is invalid: allowed integers >= {minimum}")
    if limit is not None:
        from contagion.params import check_limit  # numpy: not for --help

        check_limit(limit, value, where=option)
    return value


def parse_positive(option: str, text: str, limit: str | None = None) -> float:
    """``text`` as a finite number > 0 (``limit``: at most that limit)."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{option} {text!r} is not a number") from None
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"{option} {text} is invalid: allowed finite numbers > 0")
    if limit is not None:
        from contagion.params import check_limit  # numpy: not for --help

        check_limit(limit, value, where=option)
    return value


def parse_settings(option: str, items: list[str], parse: Callable[[str, str], object],
                   taken: Mapping[str, str] | None = None,
                   example: str = "VALUE, e.g. mirroring=0.6") -> dict:
    """``["name=text", ...]`` -> ``{name: parse(name, text)}``: each name once.

    ``taken`` maps names another option already sets (a swept, sampled or fitted
    parameter) to that option; setting one of them here is an error, not a silent
    override.
    """
    settings: dict = {}
    for item in items:
        name, text = split_assignment(option, item, example)
        if name in settings:
            raise ValueError(f"{option} {name} is given twice: give each parameter once")
        if taken and name in taken:
            raise ValueError(f"{option} {name} conflicts with {taken[name]} {name}: a parameter "
                             "is either fixed or varied, not both")
        settings[name] = parse(name, text)
    return settings


def split_assignment(option: str, item: str, example: str = "VALUE, e.g. mirroring=0.6") -> tuple[str, str]:
    """``"name=text"`` -> ``("name", "text")``; a one-line error naming ``option`` otherwise."""
    name, sep, text = item.partition("=")
    if not sep or not name.strip():
        raise ValueError(f"{option} {item!r} is malformed: use NAME={example}")
    return name.strip(), text.strip()


def warner(command: str):
    """A function that prints a warning for ``command`` on stderr."""
    def warn(message: str) -> None:
        print(f"contagion {command}: warning: {printable(message, one_line=True)}",
              file=sys.stderr)
    return warn


def add_batch_options(parser) -> None:
    """``--batch-size`` and ``--no-batch``: how many runs advance together as one ensemble."""
    parser.add_argument("--batch-size", metavar="N",
                        help="runs advanced together as one array program, each one task "
                             "(default: from the model size)")
    parser.add_argument("--no-batch", action="store_true",
                        help="run one model at a time (the same table, slower)")
