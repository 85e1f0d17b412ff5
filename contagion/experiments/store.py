"""A sweep's results on disk: a Parquet dataset that grows in shards and survives a kill.

Layout of ``out/``::

    _manifest.json       what was swept (scenario TOML, grid, reps, steps, root seed, ...)
    part-000001.parquet  finished runs, ``chunk`` runs per shard, each written atomically
    part-000002.parquet
    .journal.jsonl       runs finished since the last shard, one JSON line per run
    .lock                held while a sweep writes here

``pandas.read_parquet("out/")`` reads the shards: pyarrow skips names starting with
``_`` or ``.``. Each finished run is appended to the journal at once, so a sweep
killed (even with SIGKILL) loses only the runs in flight; the next sweep into the
same folder turns the journal into a shard, skips the run ids it finds and runs the
rest. A shard that cannot be read is reported, renamed ``_corrupt-<name>`` and its
runs are run again; it is never merged. Temporary files of an interrupted write
(``.part-*.tmp``, ``._manifest.json.*.tmp``) are removed first. A journal line that is
not a run's rows is reported and skipped; it never blocks a resume.

A dataset is never nested: ``out`` may not lie inside another sweep's folder (reading
that folder would mix both) nor hold one. A refused folder is left as it was found:
no ``.lock``, and no folder created for it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from contagion.output import atomic_write, exclusive_lock, make_folders, remove_folders

__all__ = ["MANIFEST", "SweepStore", "read_dataset", "read_manifest", "shard_paths"]

MANIFEST = "_manifest.json"
JOURNAL = ".journal.jsonl"
LOCK = ".lock"
FORMAT = "contagion-sweep/1"
#: Manifest fields that must match for a sweep to resume into an existing dataset.
IDENTITY = ("format", "scenario", "scenario_toml", "grid", "reps", "steps", "seed", "every")
_SHARD = re.compile(r"^part-(\d+)\.parquet$")
_TEMP = re.compile(r"^\.(_manifest\.json|part-\d+\.parquet)\..+\.tmp$")
_OURS = re.compile(r"^(_manifest\.json|part-\d+\.parquet|_corrupt-part-\d+\.parquet(\.\d+)?|"
                   r"\.journal\.jsonl|\.lock)$")


def shard_paths(out: Path) -> list[Path]:
    """The dataset's shard files, in the order they were written."""
    found = [(int(m.group(1)), p) for p in Path(out).iterdir() if (m := _SHARD.match(p.name))]
    return [p for _, p in sorted(found)]


def read_manifest(out: str | Path) -> dict | None:
    """The manifest of the dataset in ``out``, or None if there is none."""
    path = Path(out) / MANIFEST
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError(f"a {type(manifest).__name__}, not an object")
        return manifest
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path} is unreadable ({str(exc)[:100]}); remove the folder or pass "
                         "force=True / --force to start over") from None


def _read_shard(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pandas()


def read_dataset(out: str | Path, warn: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Every run in the dataset ``out`` (valid shards only; a corrupt one is reported, skipped)."""
    out = Path(out)
    if not out.is_dir():
        raise ValueError(f"{str(out)!r} is not a sweep folder")
    warn = warn or _warn
    frames = []
    for path in shard_paths(out):
        try:
            frames.append(_read_shard(path))
        except Exception as exc:  # noqa: BLE001 - any unreadable file is reported alike
            warn(f"skipping corrupt shard {path}: {type(exc).__name__}: {exc}")
    if not frames:
        raise ValueError(f"{str(out)!r} holds no finished runs (no part-*.parquet files)")
    frame = pd.concat(frames, ignore_index=True)
    keys = ["run_id", "step"] if "step" in frame else ["run_id"]
    return frame.drop_duplicates(keys, keep="first").reset_index(drop=True)


def _journal_rows(line: str) -> list[dict] | None:
    """A journal line's rows: a non-empty list of tables of one run; None for anything else."""
    try:
        rows = json.loads(line)
    except ValueError:
        return None
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        return None
    run_id = rows[0].get("run_id")
    if not isinstance(run_id, str) or any(r.get("run_id") != run_id for r in rows):
        return None
    return rows


def _warn(message: str) -> None:
    warnings.warn(message, RuntimeWarning, stacklevel=3)


class SweepStore:
    """Writes one sweep's runs into ``out/``; see the module docstring for the layout.

    Use as a context manager: ``open`` happens on entry and returns nothing; the
    run ids already finished are in ``done``. ``add(rows)`` stores one finished run.
    """

    def __init__(self, out: str | Path, manifest: dict, *, force: bool = False,
                 chunk: int = 100, warn: Callable[[str], None] | None = None,
                 owns: Callable[[dict], bool] | None = None):
        if isinstance(out, str) and not out.strip():
            raise ValueError("out='' is empty: give a folder for the dataset, e.g. --out runs/")
        self.out, self.manifest, self.force, self.chunk = Path(out), manifest, force, chunk
        self.warn = warn or _warn
        self.owns = owns  # whether a journal row is of a run of this sweep (None: any)
        self.done: set[str] = set()
        self.buffer: list[dict] = []
        self.buffered_runs = 0
        self.shards_written = 0
        self.corrupt: list[Path] = []
        self._lock = self._journal = None

    # -- opening ----------------------------------------------------------------------
    def __enter__(self) -> SweepStore:
        if self.out.exists() and not self.out.is_dir():
            raise ValueError(f"out={str(self.out)!r} is a file: give a folder for the dataset")
        self._check_not_nested()
        created = make_folders(self.out)
        had_lock = (self.out / LOCK).exists()
        try:
            self._take_lock()
            for stale in self.out.iterdir():  # before any check: a kill mid-write left them
                if _TEMP.match(stale.name):
                    stale.unlink(missing_ok=True)
            self._adopt_or_create()
            self._scan_shards()
            self._recover_journal()
            self._journal = open(self.out / JOURNAL, "a", encoding="utf-8")  # noqa: SIM115
        except BaseException:
            self._release_lock()
            if not had_lock:
                (self.out / LOCK).unlink(missing_ok=True)
            remove_folders(created)
            raise
        return self

    def _check_not_nested(self) -> None:
        """Refuse ``out`` inside another sweep's folder, or holding one."""
        here = self.out.resolve()
        for folder in here.parents:
            if (folder / MANIFEST).is_file():
                raise ValueError(f"out={str(self.out)!r} is inside the sweep dataset "
                                 f"{str(folder)!r}: reading that folder would mix both sweeps; "
                                 "choose a folder outside it")
        if here.is_dir():
            for child in here.iterdir():
                if child.is_dir() and (child / MANIFEST).is_file():
                    raise ValueError(f"out={str(self.out)!r} holds the sweep dataset "
                                     f"{str(child)!r}: reading it would mix both sweeps; "
                                     "choose a folder outside it")

    def _take_lock(self) -> None:
        self._lock = exclusive_lock(self.out / LOCK, "sweep", self.out)

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing releases the flock
            self._lock = None

    def _adopt_or_create(self) -> None:
        try:
            existing = read_manifest(self.out)
        except ValueError:
            if not self.force:
                raise
            existing = {}
        if existing is not None:
            differs = [k for k in IDENTITY if existing.get(k) != self.manifest.get(k)]
            if not differs:
                if existing.get("contagion_version") != self.manifest.get("contagion_version"):
                    self.warn(f"{self.out} was started with contagion "
                              f"{existing.get('contagion_version')}, resuming with "
                              f"{self.manifest.get('contagion_version')}")
                return
            if not self.force:
                raise ValueError(f"out={str(self.out)!r} holds a different sweep ({', '.join(differs)} "
                                 "differ); pass force=True / --force to replace it, or choose "
                                 "another folder")
        foreign = [p.name for p in self.out.iterdir() if not _OURS.match(p.name)]
        if foreign:
            raise ValueError(f"out={str(self.out)!r} is not empty and is not a sweep dataset "
                             f"(it holds {foreign[0]!r}); choose an empty or new folder")
        ours = [p for p in self.out.iterdir() if p.name != LOCK]
        if ours and not self.force:
            raise ValueError(f"out={str(self.out)!r} holds sweep files but no {MANIFEST}; pass "
                             "force=True / --force to replace them, or choose another folder")
        for path in ours:
            path.unlink()
        text = json.dumps(self.manifest, indent=2, sort_keys=False) + "\n"
        atomic_write(self.out / MANIFEST, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))

    def _scan_shards(self) -> None:
        numbers = [0]
        for path in self.out.iterdir():
            match = re.match(r"^(?:_corrupt-)?part-(\d+)\.parquet", path.name)
            if match:
                numbers.append(int(match.group(1)))
        self._next = max(numbers) + 1
        for path in shard_paths(self.out):
            try:
                self.done.update(_read_shard(path)["run_id"])
            except Exception as exc:  # noqa: BLE001 - any unreadable shard is set aside
                self._set_aside(path, exc)

    def _set_aside(self, path: Path, exc: Exception) -> None:
        target = self.out / f"_corrupt-{path.name}"
        n = 1
        while target.exists():
            target, n = self.out / f"_corrupt-{path.name}.{n}", n + 1
        os.replace(path, target)
        self.corrupt.append(target)
        self.warn(f"corrupt shard {path} ({type(exc).__name__}: {str(exc)[:120]}): moved to "
                  f"{target.name}; its runs will be run again")

    def _recover_journal(self) -> None:
        path = self.out / JOURNAL
        if not path.exists():
            return
        skipped, torn = [], None
        with open(path, encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, start=1):
                if not line.endswith("\n"):
                    torn = number  # the last line, cut short: that run was being written
                    break
                rows = _journal_rows(line)
                if rows is None or (self.owns is not None and not self.owns(rows[0])):
                    skipped.append(number)
                elif rows[0]["run_id"] not in self.done:
                    self.done.add(rows[0]["run_id"])
                    self.buffer.extend(rows)
                    self.buffered_runs += 1
        if skipped:
            self.warn(f"{path}: skipped {len(skipped)} line(s) that are not a run's rows "
                      "of this sweep "
                      f"(line {', '.join(map(str, skipped[:5]))}{', ...' if len(skipped) > 5 else ''}); "
                      "their runs, if any, will be run again")
        if torn is not None:
            self.warn(f"{path}: line {torn} was cut short (the sweep stopped while writing "
                      "it); its run will be run again")
        self._write_shard()
        path.unlink()

    # -- writing ----------------------------------------------------------------------
    def add(self, rows: list[dict]) -> None:
        """Store one finished run (its rows): journal now, shard when ``chunk`` runs wait."""
        self._journal.write(json.dumps(rows) + "\n")
        self._journal.flush()
        self.done.add(rows[0]["run_id"])
        self.buffer.extend(rows)
        self.buffered_runs += 1
        if self.buffered_runs >= self.chunk:
            self.flush()

    def _write_shard(self) -> None:
        if not self.buffer:
            return
        frame = pd.DataFrame(self.buffer)
        path = self.out / f"part-{self._next:06d}.parquet"
        atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))
        self._next += 1
        self.shards_written += 1
        self.buffer, self.buffered_runs = [], 0

    def flush(self) -> None:
        """Write the waiting runs as one shard, then empty the journal."""
        if not self.buffer:
            return
        self._write_shard()
        self._journal.seek(0)
        self._journal.truncate()

    def __exit__(self, *exc) -> None:
        try:
            if self._journal is not None:
                self.flush()
                self._journal.close()
                (self.out / JOURNAL).unlink(missing_ok=True)
        finally:
            self._release_lock()
