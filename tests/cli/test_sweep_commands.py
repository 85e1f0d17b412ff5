"""``contagion sweep`` / ``sensitivity`` / ``plot`` from the command line: output and errors."""

import re
import time

import pandas as pd
import pytest

from contagion.cli import main

SMALL = ["--grid", "rows=6", "--grid", "cols=8"]


def run_cli(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_sweep_writes_dataset_and_prints_where_and_how_to_load(tmp_path, capsys):
    out = tmp_path / "runs"
    status, text, _ = run_cli(capsys, "sweep", "football_crowd", "--grid", "mirroring=0:0.6:4",
                              "--grid", "outgroup_sign=-1,0,0.5", *SMALL, "--reps", "2",
                              "--steps", "10", "--out", str(out), "--no-progress")
    assert status == 0
    table = pd.read_parquet(out)
    assert len(table) == 4 * 3 * 2
    assert sorted(table["mirroring"].unique()) == [0.0, 0.2, 0.4, 0.6]
    assert sorted(table["outgroup_sign"].unique()) == [-1.0, 0.0, 0.5]
    assert "24 runs: 24 ran now" in text and "0 were already done" in text
    assert f'pandas.read_parquet("{out / 'data'}")' in text
    assert f'polars.read_parquet("{out / 'data'}")' in text
    assert f"contagion plot {out} --x mirroring --y home_valence_final --hue outgroup_sign" in text
    status, text, _ = run_cli(capsys, "sweep", "football_crowd", "--grid", "mirroring=0:0.6:4",
                              "--grid", "outgroup_sign=-1,0,0.5", *SMALL, "--reps", "2",
                              "--steps", "10", "--out", str(out), "--no-progress")
    assert status == 0 and "0 ran now" in text and "24 were already done" in text


def test_progress_bar_shows_done_total_rate_and_eta(tmp_path, capsys):
    status, _, err = run_cli(capsys, "sweep", "leader_team", "--grid", "mirroring=0.1,0.2",
                             "--steps", "5", "--out", str(tmp_path / "runs"))
    assert status == 0
    assert "2/2" in err and "run/s" in err and "<00:00" in err  # done/total, rate, ETA


@pytest.mark.parametrize("args, message", [
    (["--grid", "mirorring=0:1:3"], "unknown parameter .*did you mean 'mirroring'.*valid names:"),
    (["--grid", "mirroring=0:40:3"], r"mirroring=40.0 is out of range: allowed \[0, 30\]"),
    (["--grid", "mirroring=0:1:0"], "n must be an integer >= 1"),
    (["--grid", "mirroring=a:b"], "malformed"),
    (["--grid", "mirroring"], "malformed: use NAME=VALUES"),
    (["--grid", "mirroring=0.1", "--grid", "mirroring=0.2"], "given twice"),
    (["--reps", "0"], "--reps 0 is invalid"),
    (["--reps", "two"], "--reps 'two' is not an integer"),
    (["--every", "0"], "--every 0 is invalid"),
    (["--jobs", "2", "--dask", "tcp://127.0.0.1:9"], "drop one of them"),
])
def test_bad_sweep_input_is_one_line_exit_2(tmp_path, capsys, args, message):
    status, out, err = run_cli(capsys, "sweep", "leader_team", *args, "--out",
                               str(tmp_path / "runs"), "--no-progress")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("contagion sweep: error: ")
    assert re.search(message, err), err
    assert not (tmp_path / "runs").exists()  # nothing written before the input was checked


def test_unreachable_dask_scheduler_fails_fast_with_one_line(tmp_path, capsys):
    start = time.monotonic()
    status, _, err = run_cli(capsys, "sweep", "leader_team", "--steps", "2", "--out",
                             str(tmp_path / "runs"), "--dask", "tcp://127.0.0.1:9",
                             "--dask-timeout", "2", "--no-progress")
    assert status == 2 and err.count("\n") == 1
    assert "cannot reach the Dask scheduler at 'tcp://127.0.0.1:9' within 2 s" in err
    assert time.monotonic() - start < 15  # 2 s timeout plus Dask's own start-up


def test_another_sweep_in_the_same_folder_needs_force(tmp_path, capsys):
    out = str(tmp_path / "runs")
    common = ["sweep", "leader_team", "--steps", "3", "--out", out, "--no-progress"]
    assert run_cli(capsys, *common, "--grid", "mirroring=0.1,0.2")[0] == 0
    status, _, err = run_cli(capsys, *common, "--grid", "mirroring=0.3,0.4")
    assert status == 2 and "holds a different sweep (grid differ)" in err and "--force" in err
    assert run_cli(capsys, *common, "--grid", "mirroring=0.3,0.4", "--force")[0] == 0
    assert sorted(pd.read_parquet(out)["mirroring"]) == [0.3, 0.4]


def test_plot_command_writes_png(tmp_path, capsys):
    out = tmp_path / "runs"
    run_cli(capsys, "sweep", "leader_team", "--grid", "mirroring=0:1:3", "--reps", "3",
            "--steps", "5", "--out", str(out), "--no-progress")
    figure = tmp_path / "fig.png"
    status, text, _ = run_cli(capsys, "plot", str(out), "--x", "mirroring", "--y",
                              "member_valence_final", "--out", str(figure))
    assert status == 0 and f"wrote {figure}" in text
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("args, message", [
    (["--x", "mirroring", "--y", "nope"], "column 'nope' is not in the table; columns: run_id"),
    (["--x", "mirroring", "--y", "member_valence_final", "--out", "f.jpg"], "must end in .png"),
    (["--x", "mirroring", "--y", "member_valence_final", "--where", "mirroring=0.7"],
     "no runs with mirroring=0.7"),
])
def test_bad_plot_input_is_one_line_exit_2(tmp_path, capsys, args, message):
    out = tmp_path / "runs"
    run_cli(capsys, "sweep", "leader_team", "--grid", "mirroring=0.1,0.2", "--steps", "2",
            "--out", str(out), "--no-progress")
    status, _, err = run_cli(capsys, "plot", str(out), *args)
    assert status == 2 and err.count("\n") == 1 and message in err, err


def test_plot_of_a_missing_folder_is_one_line(capsys, tmp_path):
    status, _, err = run_cli(capsys, "plot", str(tmp_path / "nothing"), "--x", "a", "--y", "b")
    assert status == 2 and "does not exist" in err and err.count("\n") == 1
