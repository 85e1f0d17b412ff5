"""Finding scenarios by name: the built-in library, third-party packages, and yours.

Third-party packages register scenarios under the entry-point group
``contagion.scenarios``; an entry point may load a :class:`Scenario`, a function
returning one, or a path to a TOML file::

    [project.entry-points."contagion.scenarios"]
    office_party = "mypackage.scenarios:office_party"
"""

from __future__ import annotations

from importlib import metadata
from importlib import resources
from pathlib import Path

from scenarios import files
from scenarios.spec import Scenario

__all__ = ["ENTRY_POINT_GROUP", "by_name_or_file", "get", "load", "loads", "names", "register"]

ENTRY_POINT_GROUP = "contagion.scenarios"
_REGISTERED: dict[str, Scenario] = {}
_BUILTIN: dict[str, Scenario] | None = None


def _builtin() -> dict[str, Scenario]:
    global _BUILTIN
    if _BUILTIN is None:
        library = resources.files("scenarios") / "library"
        found = {}
        for entry in sorted(library.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".toml"):
                scenario = loads(entry.read_text(encoding="utf-8"), f"scenarios/library/{entry.name}")
                found[scenario.name] = scenario
        _BUILTIN = found
    return _BUILTIN


def _entry_points() -> dict[str, metadata.EntryPoint]:
    return {ep.name: ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}


def _load_entry_point(ep: metadata.EntryPoint) -> Scenario:
    try:
        obj = ep.load()
        if callable(obj) and not isinstance(obj, Scenario):
            obj = obj()
        if isinstance(obj, (str, Path)):
            obj = load(obj)
    except Exception as exc:  # a broken plug-in must not break the library
        raise ValueError(f"scenario {ep.name!r} from entry point {ep.value!r} failed to "
                         f"load: {exc}") from None
    if not isinstance(obj, Scenario):
        raise ValueError(f"entry point {ep.value!r} gave {type(obj).__name__}, not a Scenario")
    return obj


def names() -> list[str]:
    """Every scenario name: built-in, registered in this session, and from entry points."""
    return sorted({*_builtin(), *_REGISTERED, *_entry_points()})


def get(name: str) -> Scenario:
    """The scenario called ``name``; a ValueError lists the known names otherwise."""
    if name in _REGISTERED:
        return _REGISTERED[name]
    if name in _builtin():
        return _builtin()[name]
    entry_points = _entry_points()
    if name in entry_points:
        return _load_entry_point(entry_points[name])
    raise ValueError(f"unknown scenario {name!r}; known scenarios: {', '.join(names())}")


def register(scenario: Scenario) -> Scenario:
    """Make ``scenario`` available by name for this session (notebooks, tests)."""
    if not isinstance(scenario, Scenario):
        raise ValueError(f"register() takes a Scenario, got {type(scenario).__name__}")
    _REGISTERED[scenario.name] = scenario
    return scenario


def by_name_or_file(text: str) -> Scenario:
    """A scenario named ``text``, or loaded from ``text`` if it ends in ``.toml``."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"scenario {text!r} is empty: give a name (see `contagion list`) or "
                         "a .toml file")
    if text.endswith(".toml"):
        return load(text)
    return get(text)


def loads(text: str, source: str = "<string>", limits=None) -> Scenario:
    """A scenario from TOML text; ``extends`` may name any scenario :func:`get` finds.

    Errors name ``source``, the key and, for syntax errors, the line. ``limits``: a
    stricter profile than :data:`contagion.params.LIMITS` for text from strangers, e.g.
    ``loads(pasted, "pasted.toml", limits=STRICT_LIMITS)``.
    """
    return files.loads(text, source, base_lookup=get, limits=limits)


def load(path: str | Path, limits=None) -> Scenario:
    """A scenario from a TOML file (see the README's "Writing a scenario file")."""
    return files.load(path, base_lookup=get, limits=limits)
