"""Writing results: tables as CSV or Parquet chosen by the file suffix, figures as PNG; atomically.

Every output path is checked before any work is done: a known suffix, not a directory,
and a folder this process can write in (tried, not guessed). :class:`Outputs` writes a
command's several files together at the end and leaves nothing behind when the command
fails: neither its files nor the folders it created for them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from contagion.lazy import lazy

pd = lazy("pandas")

__all__ = ["TABLE_SUFFIXES", "Outputs", "atomic_write", "exclusive_lock", "check_png_path", "check_table_path",
           "check_writable", "make_folders", "remove_folders", "save_figure", "write_table"]

TABLE_SUFFIXES = (".csv", ".parquet")


def _nearest_folder(path: Path) -> Path:
    """The nearest ancestor of ``path`` that exists (the current folder at the latest)."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def check_writable(path: str | Path, option: str = "out") -> Path:
    """``path`` if a file can be created there: its nearest existing folder is writable.

    Tried with a temporary file that is removed at once, so the answer holds for this
    process and this file system (``/proc``, a read-only mount, a full quota).
    """
    path = Path(path)
    if str(path) in ("", "."):
        raise ValueError(f"{option}={str(path)!r} is empty: give a file name")
    if path.is_dir():
        raise ValueError(f"{option}={str(path)!r} is a directory: give a file name")
    folder = _nearest_folder(path)
    if not folder.is_dir():
        raise ValueError(f"{option}={str(path)!r} cannot be written: {str(folder)!r} is a "
                         "file, not a folder")
    try:
        handle, probe = tempfile.mkstemp(prefix=".contagion-probe.", dir=folder)
    except OSError as exc:
        raise ValueError(f"{option}={str(path)!r} cannot be written: no permission to create "
                         f"files in {str(folder)!r} ({exc.strerror or exc})") from None
    os.close(handle)
    os.unlink(probe)
    return path


def _not_empty(path: str | Path, option: str) -> Path:
    if not str(path).strip():  # Path("") would be ".", the current folder
        raise ValueError(f"{option}={str(path)!r} is empty: give a file name")
    return Path(path)


def check_table_path(path: str | Path) -> Path:
    """Validate an output path before any work is done; return it as a Path."""
    path = _not_empty(path, "out")
    if path.suffix.lower() not in TABLE_SUFFIXES:
        raise ValueError(f"out={str(path)!r} has an unsupported suffix: allowed "
                         + ", ".join(TABLE_SUFFIXES))
    return check_writable(path, "out")


def atomic_write(path: str | Path, write: Callable[[str], None]) -> Path:
    """Call ``write(tmp)`` on a temp file beside ``path``, then rename it to ``path``.

    A reader never sees a half-written file: either the old one or the new one. The
    file gets the usual permissions (the umask's), not the temp file's private ones.
    """
    path = Path(path)
    created = make_folders(path.parent)
    try:
        handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        remove_folders(created)
        raise OSError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    os.close(handle)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        remove_folders(created)
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            raise OSError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
        raise
    return path


def exclusive_lock(path: Path, what: str, folder: Path):
    """``path`` opened and locked for this process alone (closing it releases the lock).

    Another process holding it: ``ValueError`` saying that another ``what`` is writing
    to ``folder``. Without POSIX ``fcntl`` the file is opened but protects nothing.
    """
    lock = open(path, "a")  # noqa: SIM115 - held by the caller until it closes it
    try:
        import fcntl
    except ImportError:  # not POSIX: no protection against two writers
        return lock
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        raise ValueError(f"another {what} is writing to {str(folder)!r} right now") from None
    return lock


def make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; return those created, deepest first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        try:
            each.mkdir()
        except FileExistsError:
            pass
        except OSError as exc:
            remove_folders([m for m in missing if m.exists()])
            raise OSError(f"cannot create folder {str(each)!r}: {exc.strerror or exc}") from None
    return missing


def remove_folders(folders: list[Path]) -> None:
    """Remove folders this process created (deepest first), where they are still empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` to ``path`` (CSV or Parquet by suffix), atomically."""
    path = check_table_path(path)
    if path.suffix.lower() == ".csv":
        return atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False))
    return atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))


def check_png_path(path: str | Path, option: str = "plot") -> Path:
    """Validate a figure path before any work is done."""
    path = _not_empty(path, option)
    if path.suffix.lower() != ".png":
        raise ValueError(f"{option}={str(path)!r} must end in .png")
    return check_writable(path, option)


def save_figure(figure, path: str | Path) -> Path:
    """Save a matplotlib figure to ``path`` as PNG, atomically."""
    path = check_png_path(path)
    return atomic_write(path, lambda tmp: figure.savefig(tmp, dpi=120, bbox_inches="tight",
                                                         format="png"))


class Outputs:
    """The files one command writes: checked first, written together last, or not at all.

    ``add`` checks a path before any work is done; ``table`` and ``figure`` write into
    temporary files beside their targets; leaving the ``with`` block normally renames
    them all into place, and an exception removes them and every folder created for
    them. A failed command therefore leaves nothing behind, not even its first file.
    """

    def __init__(self):
        self._targets: dict[Path, str] = {}
        self._ready: dict[Path, str] = {}
        self._created: list[Path] = []

    def add(self, path: str | Path | None, kind: str, option: str) -> Path | None:
        """Check ``path`` (None: nothing to write) as a ``"table"`` or a ``"figure"``."""
        if path is None:
            return None
        path = (check_table_path(path) if kind == "table" else check_png_path(path, option))
        if path.resolve() in {p.resolve() for p in self._targets}:
            raise ValueError(f"{option}={str(path)!r} is also given for another output")
        self._targets[path] = option
        return path

    def _stage(self, path: Path, write: Callable[[str], None]) -> None:
        self._created += make_folders(path.parent)
        handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(handle)
        self._ready[path] = tmp
        try:
            write(tmp)
        except OSError as exc:
            raise OSError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None

    def table(self, frame: pd.DataFrame, path: Path) -> None:
        """Write ``frame`` for ``path`` (CSV or Parquet by suffix); in place at the end."""
        if path.suffix.lower() == ".csv":
            self._stage(path, lambda tmp: frame.to_csv(tmp, index=False))
        else:
            self._stage(path, lambda tmp: frame.to_parquet(tmp, index=False))

    def figure(self, figure, path: Path) -> None:
        """Save a matplotlib figure for ``path`` as PNG; in place at the end."""
        self._stage(path, lambda tmp: figure.savefig(tmp, dpi=120, bbox_inches="tight",
                                                      format="png"))

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is None:
            try:
                for path, tmp in self._ready.items():
                    os.chmod(tmp, 0o666 & ~_umask())
                    os.replace(tmp, path)
            except OSError as error:
                self._discard()
                raise OSError(f"cannot write {str(path)!r}: {error.strerror or error}") from None
            self._ready = {}
            return
        self._discard()

    def _discard(self) -> None:
        for tmp in self._ready.values():
            Path(tmp).unlink(missing_ok=True)
        self._ready = {}
        remove_folders(sorted(set(self._created), key=lambda p: len(p.parts), reverse=True))
