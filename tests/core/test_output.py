"""Result tables are written atomically: the old file or the new one, never half of one."""

from __future__ import annotations

import pandas as pd
import pytest

from contagion.output import check_table_path, write_table


def _frame(rows=5):
    return pd.DataFrame({"step": range(rows), "valence": [0.1 * i for i in range(rows)]})


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".CSV"])
def test_write_table_round_trip_and_no_temp_files(tmp_path, suffix):
    path = tmp_path / "deep" / "er" / f"table{suffix}"
    assert write_table(_frame(), path) == path
    back = pd.read_csv(path) if suffix.lower() == ".csv" else pd.read_parquet(path)
    pd.testing.assert_frame_equal(back, _frame())
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_write_table_replaces_an_existing_file(tmp_path):
    path = tmp_path / "t.csv"
    write_table(_frame(3), path)
    write_table(_frame(7), path)
    assert len(pd.read_csv(path)) == 7
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


@pytest.mark.parametrize(("suffix", "method"), [(".parquet", "to_parquet"), (".csv", "to_csv")])
def test_failed_write_leaves_old_file_and_no_temp(tmp_path, monkeypatch, suffix, method):
    path = tmp_path / f"t{suffix}"
    write_table(_frame(3), path)
    before = path.read_bytes()

    def half_written(self, target, *args, **kwargs):
        with open(target, "w") as handle:
            handle.write("garbage")  # the writer gets half way, then fails
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, method, half_written)
    with pytest.raises(OSError, match="disk full"):
        write_table(_frame(9), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_interrupted_write_leaves_no_temp_file(tmp_path, monkeypatch):
    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_table(_frame(), tmp_path / "t.csv")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("name", "message"), [
    ("t.json", r"out='.*t\.json' has an unsupported suffix: allowed \.csv, \.parquet"),
    ("t", r"has an unsupported suffix"),
])
def test_bad_suffix(tmp_path, name, message):
    with pytest.raises(ValueError, match=message):
        write_table(_frame(), tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_directory_path_is_rejected(tmp_path):
    folder = tmp_path / "looks.csv"
    folder.mkdir()
    with pytest.raises(ValueError, match=r"is a directory: give a file name"):
        check_table_path(folder)
