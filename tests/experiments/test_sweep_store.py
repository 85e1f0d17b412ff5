"""The Parquet dataset: streamed in shards, resumable, refusing to mix sweeps, kill-proof."""

import json
import os
import signal
import subprocess
import sys
import time
import warnings

import pandas as pd
import pytest

from contagion import __version__, sweep
from contagion.cli.sweep import parse_grid
from contagion.experiments.sweep import run_sweep
from contagion.experiments.store import JOURNAL, MANIFEST, SweepStore, shard_paths

SMALL_CROWD = {"rows": 6, "cols": 8}  # football_crowd: 48 seats instead of 2,000

GRID = {"mirroring": [0.1, 0.3, 0.5], "members": 4}
KW = dict(grid=GRID, reps=2, steps=12, seed=5, progress=False)


def by_id(frame):
    return frame.sort_values("run_id").reset_index(drop=True)


@pytest.fixture(scope="module")
def reference():
    """The table computed in memory, without a dataset."""
    return sweep("leader_team", **KW)


def test_dataset_holds_the_same_table_and_reads_with_plain_pandas(tmp_path, reference):
    out = tmp_path / "runs"
    table = sweep("leader_team", out=out, chunk=2, **KW)
    pd.testing.assert_frame_equal(table, reference)
    pd.testing.assert_frame_equal(by_id(pd.read_parquet(out)), by_id(reference))
    assert [p.name for p in shard_paths(out)] == [f"part-{i:06d}.parquet" for i in (1, 2, 3)]
    assert not (out / JOURNAL).exists()


def test_manifest_records_what_was_swept(tmp_path):
    import scenarios

    out = tmp_path / "runs"
    sweep("leader_team", out=out, **KW)
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["scenario"] == "leader_team"
    assert scenarios.loads(manifest["scenario_toml"]) == scenarios.get("leader_team")
    assert manifest["grid"] == {"mirroring": [0.1, 0.3, 0.5], "members": 4}
    assert (manifest["reps"], manifest["steps"], manifest["seed"], manifest["every"]) == (
        2, 12, 5, None)
    assert manifest["total_runs"] == 6 and manifest["contagion_version"] == __version__
    assert manifest["versions"]["mesa"].startswith("3.")


def test_rerun_skips_finished_runs(tmp_path, reference):
    out = tmp_path / "runs"
    first = run_sweep("leader_team", out=out, **KW)
    second = run_sweep("leader_team", out=out, **KW)
    assert (first.ran, first.skipped) == (6, 0)
    assert (second.ran, second.skipped, second.shards_written) == (0, 6, 0)
    pd.testing.assert_frame_equal(second.table(), reference)


def test_rows_are_not_kept_in_memory_when_streaming(tmp_path):
    result = run_sweep("leader_team", out=tmp_path / "runs", chunk=1, **KW)
    assert result.rows == [] and result.shards_written == 6


@pytest.mark.parametrize("change", [dict(steps=13), dict(seed=6), dict(reps=3),
                                    dict(grid={"mirroring": [0.1, 0.3], "members": 4}),
                                    dict(every=4)])
def test_a_different_sweep_is_refused_unless_forced(tmp_path, change, reference):
    out = tmp_path / "runs"
    sweep("leader_team", out=out, **KW)
    with pytest.raises(ValueError, match="holds a different sweep .* --force"):
        sweep("leader_team", out=out, **{**KW, **change})
    replaced = sweep("leader_team", out=out, force=True, **{**KW, **change})
    assert len(pd.read_parquet(out)) == len(replaced)


def test_another_scenario_is_a_different_sweep(tmp_path):
    out = tmp_path / "runs"
    sweep("leader_team", out=out, grid={"mirroring": [0.2]}, steps=3, progress=False)
    with pytest.raises(ValueError, match="scenario, scenario_toml"):
        sweep("football_crowd", out=out, grid={"mirroring": [0.2], **SMALL_CROWD}, steps=3,
              progress=False)


def test_a_folder_with_other_files_is_never_used(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    for force in (False, True):
        with pytest.raises(ValueError, match="not a sweep dataset .*thesis.tex"):
            sweep("leader_team", out=out, force=force, **KW)
    assert (out / "thesis.tex").read_text() == "precious"


def test_out_that_is_a_file_is_refused(tmp_path):
    path = tmp_path / "table.parquet"
    path.write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        sweep("leader_team", out=path, **KW)


def test_corrupt_shard_is_reported_set_aside_and_its_runs_rerun(tmp_path, reference):
    out = tmp_path / "runs"
    sweep("leader_team", out=out, chunk=2, **KW)
    second = shard_paths(out)[1]
    second.write_bytes(second.read_bytes()[:100])  # truncated: unreadable footer
    with pytest.warns(RuntimeWarning, match=r"corrupt shard .*part-000002.parquet.*run again"):
        result = run_sweep("leader_team", out=out, chunk=2, **KW)
    assert (result.ran, result.skipped) == (2, 4)
    assert (out / "_corrupt" / "part-000002.parquet").exists()
    pd.testing.assert_frame_equal(by_id(pd.read_parquet(out)), by_id(reference))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # now clean: nothing more to report
        pd.testing.assert_frame_equal(sweep("leader_team", out=out, **KW), reference)


def test_leftover_temp_files_are_removed(tmp_path, reference):
    out = tmp_path / "runs"
    sweep("leader_team", out=out, **KW)
    stale = out / ".part-000002.parquet.abc123.tmp"
    stale.write_bytes(b"PAR1 half a shard")
    pd.testing.assert_frame_equal(sweep("leader_team", out=out, **KW), reference)
    assert not stale.exists()


def test_two_writers_are_refused(tmp_path):
    out = tmp_path / "runs"
    sweep("leader_team", out=out, **KW)
    manifest = json.loads((out / MANIFEST).read_text())
    with SweepStore(out, manifest):
        with pytest.raises(ValueError, match="another sweep is writing"):
            sweep("leader_team", out=out, **KW)


# -- killed with SIGKILL, resumed -----------------------------------------------------
KILL_GRID = ["mirroring=0:0.6:10", "rows=20", "cols=30"]
KILL_KW = dict(reps=4, steps=40, seed=9)


@pytest.fixture(scope="module")
def uninterrupted():
    return sweep("football_crowd", parse_grid(KILL_GRID), progress=False, **KILL_KW)


def _runs_on_disk(out):
    ids = set()
    for path in shard_paths(out):
        ids.update(pd.read_parquet(path)["run_id"])
    if (out / JOURNAL).exists():
        for line in (out / JOURNAL).read_text().splitlines(keepends=True):
            if line.endswith("\n"):
                ids.add(json.loads(line)[0]["run_id"])
    return ids


@pytest.mark.slow
@pytest.mark.parametrize("batching", [["--no-batch"], ["--batch-size", "3"]],
                         ids=["one-at-a-time", "ensembles"])
@pytest.mark.parametrize("chunk, ready", [
    ("3", lambda out: len(shard_paths(out)) >= 2),          # several shards written
    ("1000", lambda out: (out / JOURNAL).exists()              # everything still in the journal
     and (out / JOURNAL).read_text().count("\n") >= 5),
])
def test_sweep_killed_with_sigkill_resumes_to_the_uninterrupted_table(
        tmp_path, uninterrupted, chunk, ready, batching):
    """Killed while writing, resumed (by ensembles): every finished run kept, the rest run.

    Runs computed one at a time and by ensembles agree to 1e-12, not bit for bit.
    """
    out = tmp_path / "runs"
    grid_args = [a for item in KILL_GRID for a in ("--grid", item)]
    command = [sys.executable, "-m", "contagion.cli", "sweep", "football_crowd", *grid_args,
               "--reps", "4", "--steps", "40", "--seed", "9", "--out", str(out),
               "--chunk", chunk, "--no-progress", *batching]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not (out.is_dir() and ready(out)):
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline, "the sweep never got going"
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    saved = _runs_on_disk(out)
    assert 0 < len(saved) < 40, "killed too late to test anything"
    if (out / JOURNAL).exists():  # a run being written when the kill came: a torn line
        with open(out / JOURNAL, "a") as f:
            f.write('[{"run_id": "torn')
    resumed = run_sweep("football_crowd", parse_grid(KILL_GRID), out=out, progress=False,
                        **KILL_KW)
    assert resumed.skipped == len(saved)  # nothing finished was lost
    assert resumed.ran == 40 - len(saved)
    exact = batching[0] != "--no-batch"
    same = dict(check_exact=exact) if exact else dict(check_exact=False, rtol=0, atol=1e-12)
    pd.testing.assert_frame_equal(by_id(pd.read_parquet(out)), by_id(uninterrupted), **same)
    pd.testing.assert_frame_equal(resumed.table(), uninterrupted, **same)
