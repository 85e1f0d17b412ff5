"""A fit's folder: its manifest, pyabc's database, and the outputs; safe to kill and resume.

Layout of ``out/``::

    fit.json         what is fitted (scenario, data digest, priors, seed, particles, ...)
    fit.db           pyabc's SQLite database: every population (the part that resumes)
    pilot.npz        the pilot simulations the summary projection is learnt from
    posterior.parquet, summary.csv, report.txt, report.json, posterior.png, predictive.png
    .lock            held while a fit writes here

The manifest is written (atomically) before the first simulation. Running the same fit
into the same folder continues from the database; a different fit there is refused
unless ``force``, and a folder holding anything else is refused. Every output is
written atomically, so a killed fit leaves whole files or none. A ``fit.db`` that is
not a readable SQLite database (truncated, overwritten, zeroed, a folder) is refused
with one line naming it: move it away to keep it, or ``force`` deletes it and the fit
starts over.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from pathlib import Path

import numpy as np

from contagion.output import atomic_write, exclusive_lock

__all__ = ["FORMAT", "FitFolder", "check_database", "data_digest"]

FORMAT = "contagion-fit/1"
MANIFEST = "fit.json"
DATABASE = "fit.db"
LOCK = ".lock"
OUTPUTS = ("pilot.npz", "posterior.parquet", "summary.csv", "report.txt", "report.json", "posterior.png",
           "predictive.png")
_OURS = re.compile(r"^(fit\.json|fit\.db(-journal|-wal|-shm)?|\.lock|\..*\.tmp|"
                   + "|".join(re.escape(name) for name in OUTPUTS) + ")$")


def check_database(path: Path, force: bool = False) -> None:
    """Refuse (one line) a ``fit.db`` that SQLite cannot read; with ``force``, delete it.

    A missing or empty file is fine (a new fit). Read-only: nothing is written.
    """
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return
    if path.is_symlink() or not path.is_file():
        kind = "a link" if path.is_symlink() else "a folder" if path.is_dir() else "not a file"
        raise ValueError(f"{path} is {kind}, not a fit database: remove or rename it, then run "
                         "the fit again")
    if path.stat().st_size == 0:
        return
    problem = None
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            found = connection.execute("PRAGMA quick_check").fetchone()
            if not found or found[0] != "ok":
                problem = f"integrity check: {found[0] if found else 'no answer'}"
            else:
                connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        problem = (str(exc).splitlines() or [type(exc).__name__])[0]
    if problem is None:
        return
    if force:
        path.unlink()
        for extra in (path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal"),
                      path.with_name(path.name + "-shm")):
            extra.unlink(missing_ok=True)
        return
    raise ValueError(f"{path} is not a readable fit database ({problem}): move it away to keep "
                     "it, or pass --force to delete it and start this fit over")


def data_digest(design) -> str:
    """SHA-256 of the observed tables and the observed network: the data's identity."""
    digest = hashlib.sha256()
    for table in design.observed:
        digest.update(json.dumps([table.kind, list(table.names), [str(a) for a in table.agents]])
                      .encode())
        digest.update(np.ascontiguousarray(table.steps, dtype=np.int64).tobytes())
        digest.update(np.ascontiguousarray(table.values, dtype=np.float64).tobytes())
    if design.graph is not None:
        graph = design.graph
        nodes = sorted((str(n), json.dumps(d, sort_keys=True, default=str))
                       for n, d in graph.nodes(data=True))
        edges = sorted((str(u), str(v), json.dumps(d, sort_keys=True, default=str))
                       for u, v, d in graph.edges(data=True))
        digest.update(json.dumps([graph.is_directed(), nodes, edges]).encode())
    return digest.hexdigest()


class FitFolder:
    """Opens ``out`` for one fit (a context manager): checks, locks, writes the manifest."""

    def __init__(self, out, manifest: dict, identity: tuple[str, ...], force: bool = False):
        self.out, self.manifest, self.identity, self.force = Path(out), manifest, identity, force
        self._lock = None

    @property
    def db_url(self) -> str:
        """pyabc's database address."""
        return f"sqlite:///{(self.out / DATABASE).resolve()}"

    def __enter__(self) -> FitFolder:
        if self.out.exists() and not self.out.is_dir():
            raise ValueError(f"out={str(self.out)!r} is a file: give a folder for the fit")
        if not self.force:  # refused before anything is created or locked
            check_database(self.out / DATABASE)
        self.out.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        try:
            check_database(self.out / DATABASE, self.force)
            self._adopt_or_create()
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._release()

    def _take_lock(self) -> None:
        self._lock = exclusive_lock(self.out / LOCK, "fit", self.out)

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _existing(self) -> dict | None:
        path = self.out / MANIFEST
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            if self.force:
                return {}
            raise ValueError(f"{path} is unreadable: remove the folder or pass --force") from None

    def _adopt_or_create(self) -> None:
        existing = self._existing()
        if existing is not None:
            differs = [k for k in self.identity if existing.get(k) != self.manifest.get(k)]
            if not differs:
                self.manifest = {**existing, **{k: v for k, v in self.manifest.items()
                                                if k not in ("created", "stopped")}}
                self.write_manifest()
                return
            if not self.force:
                raise ValueError(f"out={str(self.out)!r} holds a different fit ({', '.join(differs)} "
                                 "differ): pass --force to replace it, or choose another folder")
        foreign = [p.name for p in self.out.iterdir() if not _OURS.match(p.name)]
        if foreign:
            raise ValueError(f"out={str(self.out)!r} is not empty and holds no fit (it holds "
                             f"{foreign[0]!r}): choose an empty or new folder")
        ours = [p for p in self.out.iterdir() if p.name != LOCK]
        if ours and existing is None and not self.force:
            raise ValueError(f"out={str(self.out)!r} holds fit files but no {MANIFEST}: pass "
                             "--force to replace them, or choose another folder")
        for path in ours:
            path.unlink()
        self.write_manifest()

    def write_manifest(self, **updates) -> None:
        """Write the manifest (with ``updates``) atomically."""
        self.manifest.update(updates)
        text = json.dumps(self.manifest, indent=2) + "\n"
        atomic_write(self.out / MANIFEST, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
