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

import importlib

from contagion.cli.common import SafeStream, printable
from contagion.version import __version__

__all__ = ["COMMANDS", "build_parser", "main"]

#: Every command -> (its module in ``contagion.cli``, the line ``contagion --help`` shows).
#: A module's ``register(subparsers)`` adds its commands and sets each one's ``handler``.
#: Only the module of the command given is imported, so ``contagion --help`` and
#: ``contagion list`` do not load what ``fit`` or ``dashboard`` need.
COMMANDS = {
    "list": ("scenarios", "list the scenarios"),
    "show": ("scenarios", "describe a scenario"),
    "docs": ("docs", "print a page of the documentation (works offline)"),
    "run": ("run", "run a scenario (or the plain model) and print a summary"),
    "sweep": ("sweep", "run a scenario over a parameter grid, many seeded runs, to Parquet"),
    "sensitivity": ("sensitivity", "sensitivity indices of a scenario's outcomes (SALib)"),
    "fit": ("fit", "fit a scenario's parameters to data (ABC-SMC) and say what the data "
                   "identifies"),
    "plot": ("plot", "plot a sweep: a metric against a parameter with 95%% intervals"),
    "dashboard": ("dashboard", "serve the workshop dashboard in a browser"),
    "study": ("study", "studies in which the truth is known (e.g. confounding)"),
}


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line too (the usage is in ``--help``)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {printable(message, one_line=True)} "
                     f"(see {self.prog} --help)\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: every command in full, or only ``command``'s module in full.

    With ``command`` given (a name or ``""`` for none), the other commands are listed with
    their line from :data:`COMMANDS` and their modules are not imported.
    """
    parser = _Parser(
        prog="contagion",
        description="Agent-based simulator of emotional contagion (mirroring) on networks.",
        epilog="See 'contagion COMMAND --help' for a command's options and "
               "'contagion docs' for the documentation.",
    )
    parser.add_argument("--version", action="version", version=f"contagion {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    wanted = None if command is None else COMMANDS.get(command, (None,))[0]
    for name, (module, line) in COMMANDS.items():
        if name in subparsers.choices:
            continue
        if command is None or module == wanted:
            importlib.import_module(f"contagion.cli.{module}").register(subparsers)
        else:
            subparsers.add_parser(name, help=line)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    command = next((arg for arg in argv if not arg.startswith("-")), "")
    args = build_parser(command).parse_args(argv)
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

