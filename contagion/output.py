"""Writing result tables: atomically, as CSV or Parquet chosen by the file suffix."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

__all__ = ["TABLE_SUFFIXES", "check_table_path", "write_table"]

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


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` to ``path`` (CSV or Parquet by suffix) via a temp file and rename.

    A reader never sees a half-written file: either the old file or the new one.
    """
    path = check_table_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        if path.suffix.lower() == ".csv":
            frame.to_csv(tmp, index=False)
        else:
            frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
