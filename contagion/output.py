"""Writing results: tables as CSV or Parquet chosen by the file suffix, figures as PNG; atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

__all__ = ["TABLE_SUFFIXES", "atomic_write", "check_png_path", "check_table_path", "save_figure",
           "write_table"]

TABLE_SUFFIXES = (".csv", ".parquet")


def check_table_path(path: str | Path) -> Path:
    """Validate an output path before any work is done; return it as a Path."""
    path = Path(path)
    if path.suffix.lower() not in TABLE_SUFFIXES:
        raise ValueError(f"out={str(path)!r} has an unsupported suffix: allowed "
                         + ", ".join(TABLE_SUFFIXES))
    if path.is_dir():
        raise ValueError(f"out={str(path)!r} is a directory: give a file name")
    return path


def atomic_write(path: str | Path, write: Callable[[str], None]) -> Path:
    """Call ``write(tmp)`` on a temp file beside ``path``, then rename it to ``path``.

    A reader never sees a half-written file: either the old one or the new one. The
    file gets the usual permissions (the umask's), not the temp file's private ones.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


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


def check_png_path(path: str | Path) -> Path:
    """Validate a figure path before any work is done."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"plot={str(path)!r} must end in .png")
    return path


def save_figure(figure, path: str | Path) -> Path:
    """Save a matplotlib figure to ``path`` as PNG, atomically."""
    path = check_png_path(path)
    return atomic_write(path, lambda tmp: figure.savefig(tmp, dpi=120, bbox_inches="tight",
                                                         format="png"))
