"""Modules imported on first use, so that ``contagion --help`` does not load the stack.

``nx = lazy("networkx")`` at the top of a module gives a stand-in whose first attribute
read (``nx.Graph``) imports networkx and from then on reads the real module. Until
then nothing is imported and ``"networkx"`` is not in ``sys.modules``: the commands that
only read scenario declarations (``list``, ``show``) never pay for mesa, pandas, scipy
or networkx. A module that an optional extra provides names that extra: reading it
when it is missing raises :class:`MissingExtra` (an ``ImportError`` whose message says
what to install).
"""

from __future__ import annotations

import importlib
import sys
import types

__all__ = ["DISTRIBUTION", "EXTRAS", "MissingExtra", "lazy", "missing_extra", "require"]

#: The name of the distribution on the package index (the import names stay
#: ``contagion`` and ``scenarios``).
DISTRIBUTION = "contagion-sim"

#: Top-level modules that only an extra installs -> that extra.
EXTRAS = {
    "solara": "dashboard",
    "ipyvue": "dashboard",
    "ipyvuetify": "dashboard",
    "altair": "dashboard",
    "pyabc": "fit",
    "statsmodels": "study",
    "dask": "cluster",
    "distributed": "cluster",
    "SALib": "sensitivity",
    "matplotlib": "plot",
}


class MissingExtra(ImportError):
    """A module of an optional extra is not installed; the message says how to get it."""


def missing_extra(module: str, extra: str, what: str | None = None) -> MissingExtra:
    """The error for ``module`` missing: ``what`` (a feature) needs it, ``extra`` has it."""
    need = f"{what} needs" if what else "this needs"
    return MissingExtra(f"{need} {module}, which is not installed: install the "
                        f"'{extra}' extra (pip install '{DISTRIBUTION}[{extra}]')",
                        name=module)


def require(module: str, what: str | None = None):
    """Import ``module`` now; when an extra provides it and it is missing, say which.

    ``what`` names the feature in the message (``"contagion fit"``).
    """
    top = module.partition(".")[0]
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        missing = exc.name or ""
        if top in EXTRAS and (missing == top or missing.startswith(top + ".")
                              or sys.modules.get(top, False) is None):
            raise missing_extra(top, EXTRAS[top], what) from None
        raise


class _LazyModule(types.ModuleType):
    """Stands in for a module until an attribute is read."""

    def __init__(self, name: str):
        super().__init__(name)
        self.__dict__["_module"] = None

    def _load(self):
        module = self.__dict__["_module"]
        if module is None:
            module = require(self.__name__)
            self.__dict__["_module"] = module
        return module

    def __getattr__(self, attr: str):
        return getattr(self._load(), attr)

    def __dir__(self):
        return dir(self._load())

    def __repr__(self) -> str:
        state = "loaded" if self.__dict__["_module"] is not None else "not loaded yet"
        return f"<lazy module {self.__name__!r} ({state})>"


def lazy(name: str) -> types.ModuleType:
    """``name`` (a module), imported when one of its attributes is first read.

    Already imported: the module itself.
    """
    module = sys.modules.get(name)
    if module is not None:
        return module
    return _LazyModule(name)
