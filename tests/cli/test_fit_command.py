"""``contagion fit``: outputs, progress, one-line errors, the folder, a SIGKILL and a resume."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from contagion.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "experiments"))
from fit_helpers import TEAM_TOML, data  # noqa: E402

SMALL = ["--particles", "20", "--populations", "2", "--pilot", "40", "--draws", "4",
         "--jobs", "1", "--seed", "2"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The small team as a scenario file, and one data set as CSV files and GraphML."""
    folder = tmp_path_factory.mktemp("fitdata")
    (folder / "team.toml").write_text(TEAM_TOML, encoding="utf-8")
    d = data(3)
    d.group.to_csv(folder / "group.csv", index=False)
    d.panel.to_csv(folder / "panel.csv", index=False)
    nx.write_graphml(d.graph, folder / "network.graphml")
    return folder


def _args(files, out, *extra):
    return ["fit", str(files / "team.toml"), "--data", str(files / "panel.csv"),
            "--network", str(files / "network.graphml"), "--param", "mirroring=0:1",
            "--param", "regulation=0:0.4", "--out", str(out), *SMALL, *extra]


def test_fit_writes_posterior_summary_report_figures_and_database(files, tmp_path, capsys):
    out = tmp_path / "fit"
    assert main(_args(files, out, "--set", "leader_expressiveness=0.8")) == 0
    captured = capsys.readouterr()
    assert "fit: population 0: epsilon" in captured.err and "accepted 20 of" in captured.err
    assert "fit: population 1:" in captured.err
    assert "What the data identifies" in captured.out and "mirroring" in captured.out
    for name in ("posterior.parquet", "summary.csv", "report.txt", "report.json",
                 "posterior.png", "predictive.png", "fit.db", "fit.json", "pilot.npz"):
        assert (out / name).is_file(), name
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert list(posterior.columns) == ["mirroring", "regulation", "weight"]
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns) == ["parameter", "mean", "sd", "q05", "q50", "q95"]
    assert (summary["q05"] <= summary["q50"]).all() and (summary["q50"] <= summary["q95"]).all()
    report = json.loads((out / "report.json").read_text())
    assert report["populations"] == 2 and report["parameters"][0]["parameter"] == "mirroring"
    manifest = json.loads((out / "fit.json").read_text())
    assert "[parameters.leader_expressiveness]\nvalue = 0.8" in manifest["scenario_toml"]
    assert manifest["data_kinds"] == ["panel+network"]
    assert not list(out.glob(".*.tmp"))


def test_rerunning_a_finished_fit_runs_nothing_and_a_different_one_is_refused(files, tmp_path,
                                                                            capsys):
    out = tmp_path / "fit"
    assert main(_args(files, out)) == 0
    first = pd.read_parquet(out / "posterior.parquet")
    capsys.readouterr()
    assert main(_args(files, out)) == 0
    captured = capsys.readouterr()
    assert "already finished" in captured.err and "(0 now" in captured.out
    pd.testing.assert_frame_equal(pd.read_parquet(out / "posterior.parquet"), first)
    assert main(_args(files, out, "--seed", "5")) == 2
    assert "holds a different fit (seed differ): pass --force" in capsys.readouterr().err
    assert main(_args(files, out, "--seed", "5", "--force")) == 0


def test_a_folder_holding_something_else_is_never_used(files, tmp_path, capsys):
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "chapter1.tex").write_text("precious")
    assert main(_args(files, out)) == 2
    assert "is not empty and holds no fit" in capsys.readouterr().err
    assert (out / "chapter1.tex").read_text() == "precious"


@pytest.mark.parametrize(("extra", "message"), [
    (["--param", "mirroring=2:1"], "--param mirroring is given twice"),
    (["--param", "noise=x"], "prior noise='x' is malformed"),
    (["--set", "members=3"], "unknown parameter of scenario small_team 'members'"),
    (["--particles", "3"], "--particles 3 is invalid: allowed integers >= 10"),
    (["--pilot", "5"], "--pilot 5 is invalid: allowed integers >= 20"),
    (["--min-acceptance", "1.5"], r"--min-acceptance 1.5 is invalid: allowed \[0, 1\)"),
    (["--dask", "tcp://x:1", "--jobs", "2"], "drop one of them"),
])
def test_bad_arguments_get_one_line_and_no_folder(files, tmp_path, capsys, extra, message):
    out = tmp_path / "fit"
    assert main(_args(files, out, *extra)) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and message.replace("\\", "") in err.replace("\\", "") or \
        __import__("re").search(message, err), err
    assert not out.exists()


def test_bad_data_gets_one_line_naming_column_and_row(files, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    frame = pd.read_csv(files / "group.csv")
    frame.loc[3, "member_arousal"] = 1.7
    frame.to_csv(bad, index=False)
    out = tmp_path / "fit"
    args = ["fit", str(files / "team.toml"), "--data", str(bad), "--param", "mirroring=0:1",
            "--out", str(out)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"{bad} row 4, column 'member_arousal': 1.7 is out of range" in err
    assert not out.exists()


def _populations(out: Path) -> int:
    """Populations pyabc has committed to the database (-1: none yet)."""
    import sqlite3

    path = out / "fit.db"
    if not path.is_file():
        return -1
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as db:
            row = db.execute("select max(t) from populations").fetchone()
    except sqlite3.Error:
        return -1
    return -1 if row[0] is None else int(row[0])


def test_a_fit_killed_with_sigkill_mid_population_resumes_to_a_valid_posterior(files, tmp_path,
                                                                             capsys):
    out = tmp_path / "fit"
    args = _args(files, out, "--populations", "4", "--no-plots")
    command = [sys.executable, "-m", "contagion.cli", *args]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while _populations(out) < 1:  # population 0 and 1 stored: kill inside population 2
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline, "the fit did not get going in time"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done = _populations(out)
    assert 1 <= done < 3, "killed too late to test anything"
    assert not (out / "posterior.parquet").exists()  # outputs come only at the end
    capsys.readouterr()
    assert main(args) == 0  # the same command again, in this process
    assert f"continued from {done + 1} populations" in capsys.readouterr().out
    assert _populations(out) == 3
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert len(posterior) == 20 and posterior["weight"].sum() == pytest.approx(1.0)
    assert posterior["mirroring"].between(0, 1).all()
    assert not list(out.glob(".*.tmp"))
