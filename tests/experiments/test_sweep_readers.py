"""A sweep folder read by every Parquet reader; damaged stores never block or mix; designs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from contagion import sweep
from contagion.experiments.plan import make_plan, load_scenario
from contagion.experiments.store import JOURNAL, MANIFEST, shard_paths
from contagion.experiments.sweep import run_sweep

KW = dict(grid={"mirroring": [0.1, 0.3, 0.5], "members": 4}, reps=2, steps=6, seed=3,
          progress=False)


def by_id(frame):
    return frame.sort_values("run_id").reset_index(drop=True)


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "runs"
    table = sweep("leader_team", out=out, chunk=2, **KW)
    return out, table


def test_every_installed_reader_reads_the_data_folder(stored):
    out, table = stored
    expected = by_id(table)
    data = out / "data"
    pd.testing.assert_frame_equal(by_id(pd.read_parquet(data)), expected)
    pd.testing.assert_frame_equal(by_id(pd.read_parquet(out)), expected)
    import pyarrow.dataset as ds

    assert ds.dataset(data, format="parquet").to_table().num_rows == len(table)
    polars = pytest.importorskip("polars")
    assert polars.read_parquet(data).shape == table.shape
    duckdb = pytest.importorskip("duckdb")
    rows = duckdb.sql(f"select count(*), count(distinct run_id) "
                      f"from read_parquet('{data}/*.parquet')").fetchall()[0]
    assert rows == (len(table), len(table))


def test_an_old_layout_is_moved_into_data_on_resume(tmp_path, stored):
    _, table = stored
    out = tmp_path / "old"
    sweep("leader_team", out=out, chunk=2, **KW)
    for path in shard_paths(out):  # as version 1 wrote it: shards beside the manifest
        path.rename(out / path.name)
    (out / "data").rmdir()
    manifest = json.loads((out / MANIFEST).read_text())
    (out / MANIFEST).write_text(json.dumps({**manifest, "format": "contagion-sweep/1"}))
    result = run_sweep("leader_team", out=out, chunk=2, **KW)
    assert (result.ran, result.skipped) == (0, 6)
    assert not list(out.glob("part-*.parquet"))
    pd.testing.assert_frame_equal(by_id(pd.read_parquet(out / "data")), by_id(table))


def _journal_line(out, change):
    """A valid line of one stored run, changed by ``change``, appended to the journal."""
    row = pd.read_parquet(out / "data").iloc[0].to_dict()
    row = {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
    change(row)
    with open(out / JOURNAL, "a", encoding="utf-8") as handle:
        handle.write(json.dumps([row]) + "\n")
    return row["run_id"]


@pytest.mark.parametrize("change", [
    pytest.param(lambda r: r.update(member_valence_final="high"), id="text-metric"),
    pytest.param(lambda r: r.update(member_valence_final=None), id="null-metric"),
    pytest.param(lambda r: r.update(extra=1.0), id="extra-column"),
])
def test_a_journal_line_of_the_wrong_types_is_set_aside_in_one_line(tmp_path, stored, change):
    _, table = stored
    out = tmp_path / "runs"
    sweep("leader_team", out=out, **KW)
    first = shard_paths(out)[0]
    frame = pd.read_parquet(first)
    frame.iloc[1:].to_parquet(first, index=False)  # one run lost: its line comes from the journal
    messages = []
    _journal_line(out, change)
    result = run_sweep("leader_team", out=out, warn=messages.append, **KW)
    assert len(messages) == 1 and "journal" in messages[0], messages
    assert (result.ran, result.skipped) == (1, 5)
    pd.testing.assert_frame_equal(by_id(pd.read_parquet(out / "data")), by_id(table))


def test_duplicate_rows_in_a_shard_never_come_back(tmp_path, stored):
    _, table = stored
    out = tmp_path / "runs"
    sweep("leader_team", out=out, **KW)
    first = shard_paths(out)[0]
    frame = pd.read_parquet(first)
    pd.concat([frame, frame.iloc[:3]]).to_parquet(first, index=False)
    messages = []
    result = run_sweep("leader_team", out=out, warn=messages.append, **KW)
    assert result.ran == 0 and len(messages) == 1 and "twice" in messages[0]
    pd.testing.assert_frame_equal(by_id(pd.read_parquet(out / "data")), by_id(table))


@pytest.mark.parametrize("damage", [
    pytest.param(lambda f: f.assign(run_id=np.arange(len(f))), id="integer-run-ids"),
    pytest.param(lambda f: f.assign(run_id=[f"{i:016x}" for i in range(len(f))]),
                 id="runs-of-another-sweep"),
    pytest.param(lambda f: f.assign(member_valence_final="x"), id="text-metric"),
])
def test_a_shard_that_is_not_this_sweeps_is_set_aside_and_rerun(tmp_path, stored, damage):
    _, table = stored
    out = tmp_path / "runs"
    sweep("leader_team", out=out, chunk=2, **KW)
    second = shard_paths(out)[1]
    damage(pd.read_parquet(second)).to_parquet(second, index=False)
    messages = []
    result = run_sweep("leader_team", out=out, chunk=2, warn=messages.append, **KW)
    assert len(messages) == 1 and "part-000002" in messages[0], messages
    assert (result.ran, result.skipped) == (2, 4)
    assert (out / "_corrupt" / "part-000002.parquet").exists()
    pd.testing.assert_frame_equal(by_id(pd.read_parquet(out / "data")), by_id(table))


def test_a_flag_metric_stays_a_flag(tmp_path):
    from contagion.experiments.store import SweepStore

    plan_rows = [{"run_id": "a", "replicate": 0, "seed": 1, "reached": True, "x": 0.5},
                 {"run_id": "b", "replicate": 0, "seed": 2, "reached": False, "x": 1.0}]
    out = tmp_path / "runs"
    with SweepStore(out, {"format": "contagion-sweep/2"}) as store:
        for row in plan_rows:
            store.add([row])
        with pytest.raises(ValueError, match="reached"):
            store.add([{**plan_rows[0], "run_id": "c", "reached": 1.0}])
    frame = pd.read_parquet(out / "data")
    assert frame["reached"].dtype == bool and frame["reached"].tolist() == [True, False]


@pytest.mark.parametrize("design", ["lhs", "mc"])
def test_drawn_designs_are_seeded_in_range_and_resumable(tmp_path, design):
    scenario = load_scenario("leader_team")
    grid = {"mirroring": [0.1, 0.9], "members": [3, 6]}
    plan = make_plan(scenario, grid, 1, 4, design, 12)
    again = make_plan(scenario, grid, 1, 4, design, 12)
    other = make_plan(scenario, grid, 1, 5, design, 12)
    assert plan.points == again.points and plan.points != other.points
    values = np.array([p[0] for p in plan.points])
    assert values.min() >= 0.1 and values.max() <= 0.9
    assert all(isinstance(p[1], int) and 3 <= p[1] <= 6 for p in plan.points)
    if design == "lhs":  # one point in each twelfth of the range of a float parameter
        strata = np.floor((values - 0.1) / 0.8 * 12).astype(int)
        assert sorted(strata) == list(range(12))
    out = tmp_path / "runs"
    first = run_sweep("leader_team", grid, design=design, points=12, steps=3, seed=4,
                      out=out, progress=False)
    second = run_sweep("leader_team", grid, design=design, points=12, steps=3, seed=4,
                       out=out, progress=False)
    assert first.ran == plan.total and (second.ran, second.skipped) == (0, plan.total)
    with pytest.raises(ValueError, match="points"):
        make_plan(scenario, grid, 1, 4, "grid", 12)
    with pytest.raises(ValueError, match="design"):
        make_plan(scenario, grid, 1, 4, "sobol", 12)


def test_the_eta_counts_only_this_sessions_runs():
    """After a resume the bar covers the runs left, so its rate and ETA are this session's."""
    import io

    from contagion.experiments.sweep import _progress

    bar = _progress(True, 100, 90, "leader_team")
    bar.fp = io.StringIO()
    try:
        assert (bar.total, bar.n) == (10, 0)
        assert "90 of 100 done before" in bar.desc
        bar.update(5)
        assert bar.format_dict["total"] - bar.format_dict["n"] == 5
    finally:
        bar.close()


@pytest.mark.parametrize("damage", [
    pytest.param(lambda out: (out / JOURNAL).mkdir(), id="journal-a-folder"),
    pytest.param(lambda out: (out / "data" / "notes.txt").write_text("x"), id="foreign-file-in-data"),
])
def test_damaged_store_files_are_set_aside_and_never_block_a_resume(tmp_path, stored, damage):
    _, table = stored
    out = tmp_path / "runs"
    sweep("leader_team", out=out, **KW)
    damage(out)
    messages = []
    result = run_sweep("leader_team", out=out, warn=messages.append, **KW)
    assert result.skipped == 6 and len(messages) == 1 and "_corrupt" in messages[0], messages
    pd.testing.assert_frame_equal(by_id(pd.read_parquet(out / "data")), by_id(table))


def test_task_metrics_keep_flags():
    from contagion.experiments.execute import _metric

    assert _metric(np.bool_(True)) is True and _metric(False) is False
    assert _metric(np.float32(0.5)) == 0.5 and type(_metric(3)) is float
