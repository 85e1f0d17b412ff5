"""The ``contagion`` command line.

Every subcommand reports bad input as one line on stderr and exits with status 2;
it never shows a traceback (set ``CONTAGION_DEBUG=1`` to see one). Everything it
prints passes through :func:`contagion.cli.common.printable`: no control characters
from a scenario file or a network file reach the terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback

from contagion.cli import dashboard, fit, plot, run, scenarios, sensitivity, study, sweep
from contagion.cli.common import SafeStream, printable
from contagion.version import __version__

__all__ = ["main"]

#: Each entry adds subcommands: ``register(subparsers)`` sets each one's ``handler``.
COMMANDS = [scenarios.register, run.register, sweep.register, sensitivity.register,
            fit.register, plot.register, dashboard.register, study.register]


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line too (the usage is in ``--help``)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {printable(message, one_line=True)} "
                     f"(see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = _Parser(
        prog="contagion",
        description="Agent-based simulator of emotional contagion (mirroring) on networks.",
    )
    parser.add_argument("--version", action="version", version=f"contagion {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in COMMANDS:
        register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        with contextlib.redirect_stdout(SafeStream(sys.stdout)):
            return int(args.handler(args) or 0)
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep Python from complaining at exit
        return 0
    except (ValueError, OSError) as exc:
        _say(f"contagion {args.command}: error: {exc}")
        return 2
    except KeyboardInterrupt:
        _say(f"contagion {args.command}: interrupted")
        return 130
    except Exception as exc:  # a bug: still one line, unless asked for the traceback
        if os.environ.get("CONTAGION_DEBUG"):
            traceback.print_exc()
        _say(f"contagion {args.command}: internal error: {type(exc).__name__}: {exc} "
             "(set CONTAGION_DEBUG=1 for details)")
        return 1


def _say(line: str) -> None:
    """One line on stderr, whatever the message holds."""
    print(printable(line, one_line=True), file=sys.stderr)

