"""A sweep's results on disk: a Parquet dataset that grows in shards and survives a kill.

Layout of ``out/``::

    data/part-000001.parquet  finished runs, ``chunk`` runs per shard, each written atomically
    data/part-000002.parquet  (``data/`` holds nothing else: every reader reads it as is)
    _manifest.json            what was swept (scenario TOML, design, reps, steps, seed, ...)
    .journal.jsonl            runs finished since the last shard, one JSON line per run
    .lock                     held while a sweep writes here
    _corrupt/                 files set aside as damaged (never read as data)

``out/data`` is a plain Parquet dataset: ``pandas.read_parquet``, ``pyarrow.dataset``,
``polars.read_parquet`` and DuckDB's ``read_parquet('out/data/*.parquet')`` read it as a
folder (``pandas.read_parquet("out")`` works too: pyarrow skips names starting with
``_`` or ``.``). A shard is written to a temporary file beside ``data/`` and renamed
into it, so a reader never sees a partial file there.

Each finished run is appended to the journal at once, so a sweep killed (even with
SIGKILL) loses only the runs in flight; the next sweep into the same folder turns the
journal into a shard, skips the run ids it finds and runs the rest. Nothing damaged
blocks a resume, and nothing damaged is ever read back:

- a shard that cannot be read, whose columns or types are not the sweep's, or whose
  rows are not runs of this sweep (another sweep's, integer run ids) is reported in
  one line, moved to ``_corrupt/`` and its runs are run again;
- a shard holding rows that are already stored (the same run twice) is rewritten
  without them, with a one-line notice;
- a journal line that is not one run's rows of this sweep, with the sweep's columns
  and types (a text where a number belongs), is reported and skipped;
- temporary files of an interrupted write are removed first.

Every stored value keeps its type: a number stays a number, a flag (``True``) stays
a boolean, text stays text. A dataset in the layout of earlier versions (shards beside
the manifest) is moved into this layout when a sweep resumes it.

A dataset is never nested: ``out`` may not lie inside another sweep's folder (reading
that folder would mix both) nor hold one. A refused folder is left as it was found:
no ``.lock``, and no folder created for it.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from contagion.output import exclusive_lock, make_folders, remove_folders

__all__ = ["DATA", "MANIFEST", "SweepStore", "data_folder", "read_dataset", "read_manifest",
           "shard_paths"]

MANIFEST = "_manifest.json"
DATA = "data"
CORRUPT = "_corrupt"
JOURNAL = ".journal.jsonl"
LOCK = ".lock"
FORMAT = "contagion-sweep/2"
#: Earlier layouts a sweep resumes (moving their shards into ``data/``).
OLD_FORMATS = ("contagion-sweep/1",)
#: Manifest fields that must match for a sweep to resume into an existing dataset.
IDENTITY = ("format", "scenario", "scenario_toml", "grid", "design", "points", "reps", "steps",
            "seed", "every")
#: Columns of every row and the kinds of value they hold.
KEY_KINDS = {"run_id": "text", "replicate": "integer", "seed": "integer", "step": "integer"}
_SHARD = re.compile(r"^part-(\d+)\.parquet$")
_TEMP = re.compile(r"^\.(_manifest\.json|part-\d+\.parquet)\..+\.tmp$")
_OURS = re.compile(r"^(_manifest\.json|data|_corrupt|part-\d+\.parquet|"
                   r"_corrupt-part-\d+\.parquet(\.\d+)?|\.journal\.jsonl|\.lock)$")


def data_folder(out: str | Path) -> Path:
    """The folder of Parquet files of the sweep dataset ``out`` (what readers read)."""
    return Path(out) / DATA


def shard_paths(out: str | Path) -> list[Path]:
    """The dataset's shard files, in the order they were written (earlier layouts too)."""
    out = Path(out)
    found = []
    for folder in (out, out / DATA):
        if folder.is_dir():
            found += [(int(m.group(1)), p) for p in folder.iterdir() if (m := _SHARD.match(p.name))]
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
    """Every run in the dataset ``out`` (valid shards only; a corrupt one is reported, skipped).

    ``out`` is a sweep folder or its ``data/`` folder. A run stored twice comes back once.
    """
    out = Path(out)
    if not out.is_dir():
        raise ValueError(f"{str(out)!r} is not a sweep folder")
    warn = warn or _warn
    frames = []
    for path in shard_paths(out):
        try:
            frames.append(_read_shard(path))
        except Exception as exc:  # noqa: BLE001 - any unreadable file is reported alike
            warn(f"skipping corrupt shard {path}: {type(exc).__name__}: {str(exc)[:120]}; "
                 "a sweep into this folder sets it aside and runs its runs again")
    if not frames:
        raise ValueError(f"{str(out)!r} holds no finished runs (no part-*.parquet files)")
    frame = pd.concat(frames, ignore_index=True)
    keys = ["run_id", "step"] if "step" in frame else ["run_id"]
    return frame.drop_duplicates(keys, keep="first").reset_index(drop=True)


def value_kind(value) -> str | None:
    """The kind of a stored value: text, integer, number, flag; None for anything else."""
    if isinstance(value, bool):
        return "flag"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "text"
    return None


def _arrow_kind(kind) -> str | None:
    import pyarrow as pa

    if pa.types.is_boolean(kind):
        return "flag"
    if pa.types.is_integer(kind):
        return "integer"
    if pa.types.is_floating(kind):
        return "number"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "text"
    return None


def _fits(kind: str | None, expected: str) -> bool:
    """Whether a value of ``kind`` may be stored in a column of kind ``expected``.

    Integers and numbers mix (a grid of 0, 0.5, 1); flags and text mix with nothing.
    """
    if kind is None:
        return False
    numeric = ("integer", "number")
    return kind == expected or (kind in numeric and expected in numeric)


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
    ``owns(row)`` says whether a stored row is of a run of this sweep (None: any).
    """

    def __init__(self, out: str | Path, manifest: dict, *, force: bool = False,
                 chunk: int = 100, warn: Callable[[str], None] | None = None,
                 owns: Callable[[dict], bool] | None = None):
        if isinstance(out, str) and not out.strip():
            raise ValueError("out='' is empty: give a folder for the dataset, e.g. --out runs/")
        self.out, self.manifest, self.force, self.chunk = Path(out), manifest, force, chunk
        self.data = self.out / DATA
        self.warn = warn or _warn
        self.owns = owns
        self.done: set[str] = set()
        self.buffer: list[dict] = []
        self.buffered_runs = 0
        self.shards_written = 0
        self.corrupt: list[Path] = []
        #: column name -> kind of value (see :func:`value_kind`), from the first stored run
        self.columns: dict[str, str] | None = None
        self._lock = self._journal = None

    @property
    def stored(self) -> int:
        """Runs stored in the dataset (shards and journal)."""
        return len(self.done)

    # -- opening ----------------------------------------------------------------------
    def __enter__(self) -> SweepStore:
        if self.out.exists() and not self.out.is_dir():
            raise ValueError(f"out={str(self.out)!r} is a file: give a folder for the dataset")
        self._check_not_nested()
        created = make_folders(self.out)
        had_lock = (self.out / LOCK).exists()
        try:
            self._take_lock()
            self._remove_temp_files()  # before any check: a kill mid-write left them
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

    def _remove_temp_files(self) -> None:
        for folder in (self.out, self.data):
            if folder.is_dir() and not folder.is_symlink():
                for stale in folder.iterdir():
                    if _TEMP.match(stale.name) and stale.is_file():
                        stale.unlink(missing_ok=True)

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
            old = existing.get("format") in OLD_FORMATS
            differs = [k for k in IDENTITY if k != "format" or not old
                       if existing.get(k) != self.manifest.get(k)]
            if not differs:
                if existing.get("contagion_version") != self.manifest.get("contagion_version"):
                    self.warn(f"{self.out} was started with contagion "
                              f"{existing.get('contagion_version')}, resuming with "
                              f"{self.manifest.get('contagion_version')}")
                if old:
                    self._upgrade(existing)
                self._check_layout()
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
            _remove(path)
        self._write_manifest(self.manifest)
        self._check_layout()

    def _write_manifest(self, manifest: dict) -> None:
        text = json.dumps(manifest, indent=2, sort_keys=False) + "\n"
        self._atomic(self.out / MANIFEST, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))

    def _upgrade(self, existing: dict) -> None:
        """Move a dataset of an earlier layout (shards beside the manifest) into ``data/``."""
        self.data.mkdir(exist_ok=True)
        for path in sorted(self.out.iterdir()):
            if _SHARD.match(path.name):
                os.replace(path, self.data / path.name)
            elif path.name.startswith("_corrupt-part-"):
                (self.out / CORRUPT).mkdir(exist_ok=True)
                os.replace(path, self.out / CORRUPT / path.name.removeprefix("_corrupt-"))
        self._write_manifest({**existing, "format": FORMAT})

    def _check_layout(self) -> None:
        """``data/`` a folder and the journal a file: anything else there is set aside."""
        if self.data.is_symlink() or (self.data.exists() and not self.data.is_dir()):
            self._set_aside(self.data, "is not a folder")
        self.data.mkdir(exist_ok=True)
        journal = self.out / JOURNAL
        if journal.is_symlink() or (journal.exists() and not journal.is_file()):
            self._set_aside(journal, "is not a plain file")
        for path in self.data.iterdir():  # data/ holds shards only, or readers refuse it
            if not _SHARD.match(path.name):
                self._set_aside(path, "is not a shard of this dataset")

    def _scan_shards(self) -> None:
        numbers = [0]
        for folder in (self.data, self.out / CORRUPT):
            if folder.is_dir():
                for path in folder.iterdir():
                    if match := re.match(r"^part-(\d+)\.parquet", path.name):
                        numbers.append(int(match.group(1)))
        self._next = max(numbers) + 1
        for path in shard_paths(self.data):
            try:
                frame = _read_shard(path)
            except Exception as exc:  # noqa: BLE001 - any unreadable shard is set aside
                self._set_aside(path, f"unreadable: {type(exc).__name__}: {str(exc)[:100]}")
                continue
            problem = self._check_shard(frame)
            if problem is not None:
                self._set_aside(path, problem)
                continue
            keys = ["run_id", "step"] if "step" in frame else ["run_id"]
            fresh = ~frame["run_id"].isin(self.done) & ~frame.duplicated(keys, keep="first")
            if not fresh.all():
                self._rewrite(path, frame[fresh], int((~fresh).sum()))
            self.done.update(frame.loc[fresh, "run_id"])

    def _check_shard(self, frame: pd.DataFrame) -> str | None:
        """Why the shard's table is not runs of this sweep, or None if it is."""
        import pyarrow as pa

        schema = pa.Schema.from_pandas(frame, preserve_index=False)
        kinds = {field.name: _arrow_kind(field.type) for field in schema}
        problem = self._check_columns(kinds)
        if problem is not None:
            return problem
        if frame.empty:
            return "it holds no rows"
        if self.owns is not None:
            for row in frame.drop_duplicates("run_id").to_dict("records"):
                row = {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                if not self.owns(row):
                    return f"run {str(row['run_id'])[:20]!r} is not a run of this sweep"
        return None

    def _check_columns(self, kinds: dict[str, str | None]) -> str | None:
        for name, expected in KEY_KINDS.items():
            if name == "step" and name not in kinds and (self.manifest.get("every") is None):
                continue
            if name not in kinds:
                return f"it has no column {name!r}"
            if kinds[name] != expected:
                return f"its column {name!r} holds {kinds[name] or 'other'} values, not {expected}"
        if self.columns is None:
            bad = [n for n, k in kinds.items() if k is None]
            if bad:
                return f"its column {bad[0]!r} holds values that are not numbers, flags or text"
            self.columns = dict(kinds)
            return None
        if set(kinds) != set(self.columns):
            extra = sorted(set(kinds) ^ set(self.columns))
            return f"its columns are not this sweep's ({extra[0]!r} differs)"
        for name, kind in kinds.items():
            if not _fits(kind, self.columns[name]):
                return f"its column {name!r} holds {kind or 'other'} values, not {self.columns[name]}"
        return None

    def _row_problem(self, rows: list[dict]) -> str | None:
        """Why a run's rows cannot be stored with the others, or None."""
        if self.owns is not None and not self.owns(rows[0]):
            return "not a run of this sweep"
        for row in rows:
            kinds = {k: value_kind(v) for k, v in row.items()}
            for name, value in row.items():  # NaN and inf are numbers; None is nothing
                if isinstance(value, float) and not math.isfinite(value):
                    kinds[name] = "number"
            problem = self._check_columns(kinds)
            if problem is not None:
                return problem.replace("its column", "column").replace("holds", "has")
        return None

    def _set_aside(self, path: Path, why: str) -> None:
        folder = self.out / CORRUPT
        folder.mkdir(exist_ok=True)
        target, n = folder / path.name, 1
        while target.exists() or target.is_symlink():
            target, n = folder / f"{path.name}.{n}", n + 1
        os.replace(path, target)
        self.corrupt.append(target)
        what = "corrupt shard" if _SHARD.match(path.name) else "damaged file"
        self.warn(f"{what} {path} ({why}): moved to {target.relative_to(self.out)}; "
                  "its runs, if any, will be run again")

    def _rewrite(self, path: Path, frame: pd.DataFrame, dropped: int) -> None:
        if frame.empty:
            _remove(path)
        else:
            self._atomic(path, lambda tmp: frame.to_parquet(tmp, index=False))
        self.warn(f"{path}: removed {dropped} row(s) of runs stored twice; every run is kept once")

    def _recover_journal(self) -> None:
        path = self.out / JOURNAL
        if not path.is_file():
            return
        skipped, torn, why = [], None, None
        with open(path, encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, start=1):
                if not line.endswith("\n"):
                    torn = number  # the last line, cut short: that run was being written
                    break
                rows = _journal_rows(line)
                problem = "not a run's rows" if rows is None else self._row_problem(rows)
                if problem is not None:
                    skipped.append(number)
                    why = why or problem
                elif rows[0]["run_id"] not in self.done:
                    self.done.add(rows[0]["run_id"])
                    self.buffer.extend(rows)
                    self.buffered_runs += 1
        if skipped:
            lines = ", ".join(map(str, skipped[:5])) + (", ..." if len(skipped) > 5 else "")
            self.warn(f"{path}: skipped {len(skipped)} line(s) that are not a run's rows "
                      f"of this sweep (line {lines}: {why}); their runs, if any, will be run "
                      "again")
        if torn is not None:
            self.warn(f"{path}: line {torn} was cut short (the sweep stopped while writing "
                      "it); its run will be run again")
        self._write_shard()
        path.unlink()

    # -- writing ----------------------------------------------------------------------
    def add(self, rows: list[dict]) -> None:
        """Store one finished run (its rows): journal now, shard when ``chunk`` runs wait.

        A run already stored is not stored again.
        """
        if rows[0]["run_id"] in self.done:
            return
        problem = self._row_problem(rows)
        if problem is not None:
            raise ValueError(f"run {rows[0]['run_id']} cannot be stored with the others in "
                             f"{self.out}: {problem}")
        self._journal.write(json.dumps(rows) + "\n")
        self._journal.flush()
        self.done.add(rows[0]["run_id"])
        self.buffer.extend(rows)
        self.buffered_runs += 1
        if self.buffered_runs >= self.chunk:
            self.flush()

    def _atomic(self, path: Path, write: Callable[[str], None]) -> None:
        """``write(tmp)`` to a temporary file in ``out/`` (never in ``data/``), renamed to ``path``."""
        handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=self.out)
        os.close(handle)
        try:
            write(tmp)
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, path)
        except BaseException as exc:
            Path(tmp).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise OSError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
            raise

    def _write_shard(self) -> None:
        if not self.buffer:
            return
        frame = pd.DataFrame(self.buffer)
        path = self.data / f"part-{self._next:06d}.parquet"
        self._atomic(path, lambda tmp: frame.to_parquet(tmp, index=False))
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


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        import shutil

        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
