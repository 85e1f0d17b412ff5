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
import importlib.util

from contagion.cli.common import SafeStream, printable
from contagion.lazy import EXTRAS, MissingExtra, missing_extra
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

#: What a command needs beyond the core: command -> entries (the option that needs it, or
#: None for the command itself; the extra; its modules). Checked before the command runs,
#: so a missing extra is one line naming it, not a failure half-way through.
NEEDS = {
    "dashboard": ((None, "dashboard", ("solara", "ipyvue", "ipyvuetify", "matplotlib")),),
    "fit": ((None, "fit", ("pyabc", "matplotlib")), ("dask", "cluster", ("distributed",))),
    "study": ((None, "study", ("statsmodels", "matplotlib")),),
    "sensitivity": ((None, "sensitivity", ("SALib",)), ("dask", "cluster", ("distributed",))),
    "plot": ((None, "plot", ("matplotlib",)),),
    "run": (("plot", "plot", ("matplotlib",)),),
    "sweep": (("dask", "cluster", ("distributed",)),),
}


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def check_extras(args) -> None:
    """Raise :class:`~contagion.lazy.MissingExtra` if ``args.command`` needs a missing module."""
    for option, extra, modules in NEEDS.get(args.command, ()):
        if option is not None and not getattr(args, option, None):
            continue
        for module in modules:
            if not _installed(module):
                what = f"contagion {args.command}" + (f" --{option}" if option else "")
                raise missing_extra(module, extra, what)


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
    try:
        parser = build_parser(command)
    except ImportError as exc:  # the command's module needs an extra that is missing
        if not isinstance(exc, MissingExtra) and (exc.name or "").partition(".")[0] not in EXTRAS:
            return _internal(command, exc)
        _say(f"contagion {command}: error: {_missing(exc)}")
        return 2
    args = parser.parse_args(argv)
    try:
        check_extras(args)
        with contextlib.redirect_stdout(SafeStream(sys.stdout)):
            return int(args.handler(args) or 0)
    except ImportError as exc:
        if not isinstance(exc, MissingExtra) and (exc.name or "").partition(".")[0] not in EXTRAS:
            return _internal(args.command, exc)
        _say(f"contagion {args.command}: error: {_missing(exc)}")
        return 2
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
        return _internal(args.command, exc)


def _internal(command: str, exc: Exception) -> int:
    """A bug: one line (the traceback only with ``CONTAGION_DEBUG``), exit status 1."""
    if os.environ.get("CONTAGION_DEBUG"):
        traceback.print_exc()
    _say(f"contagion {command}: internal error: {type(exc).__name__}: {exc} "
         "(set CONTAGION_DEBUG=1 for details)")
    return 1


def _missing(exc: ImportError) -> str:
    """An import error as the sentence that names the extra to install."""
    if isinstance(exc, MissingExtra):
        return str(exc)
    top = (exc.name or "").partition(".")[0]
    if top in EXTRAS:
        return str(missing_extra(top, EXTRAS[top]))
    return f"{type(exc).__name__}: {exc}"


def _say(line: str) -> None:
    """One line on stderr, whatever the message holds."""
    print(printable(line, one_line=True), file=sys.stderr)

