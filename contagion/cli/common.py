"""Helpers every command shares: reading numbers and NAME=VALUE items from the command line.

Numbers are checked here, not by argparse, so that every bad value gives one line on
stderr and exit status 2.
"""

from __future__ import annotations

import sys

__all__ = ["add_batch_options", "parse_int", "parse_positive", "split_assignment", "warner"]


def parse_int(option: str, text: str | None, minimum: int, default=None):
    """``text`` as an integer >= ``minimum`` (``default`` when not given)."""
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{option} {text!r} is not an integer") from None
    if value < minimum:
        raise ValueError(f"{option} {value} is invalid: allowed integers >= {minimum}")
    return value


def parse_positive(option: str, text: str) -> float:
    """``text`` as a number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{option} {text!r} is not a number") from None
    if not value > 0:
        raise ValueError(f"{option} {text} is invalid: allowed numbers > 0")
    return value


def split_assignment(option: str, item: str, example: str = "VALUE, e.g. mirroring=0.6") -> tuple[str, str]:
    """``"name=text"`` -> ``("name", "text")``; a one-line error naming ``option`` otherwise."""
    name, sep, text = item.partition("=")
    if not sep or not name.strip():
        raise ValueError(f"{option} {item!r} is malformed: use NAME={example}")
    return name.strip(), text.strip()


def warner(command: str):
    """A function that prints a warning for ``command`` on stderr."""
    def warn(message: str) -> None:
        print(f"contagion {command}: warning: {message}", file=sys.stderr)
    return warn


def add_batch_options(parser) -> None:
    """``--batch-size`` and ``--no-batch``: how many runs advance together as one ensemble."""
    parser.add_argument("--batch-size", metavar="N",
                        help="runs advanced together as one array program, each one task "
                             "(default: from the model size)")
    parser.add_argument("--no-batch", action="store_true",
                        help="run one model at a time (the same table, slower)")
