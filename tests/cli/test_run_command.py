"""``contagion run``: network families and files, --set, --seed, --out, clean errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from contagion.cli import main
from contagion.networks import FAMILIES

SMALL = ["--agents", "30", "--degree", "4", "--steps", "15", "--no-progress"]


def run_cli(capsys, *args):
    code = main(["run", *args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code, err, *fragments):
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("contagion run: error: ")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_runs_on_every_network_family(capsys, family):
    code, out, err = run_cli(capsys, "--network", family, *SMALL, "--seed", "1")
    assert code == 0, err
    assert f"{family} network, 30 agents, 15 steps of 1 minute, seed 1" in out
    assert "mood (valence, mean)" in out and "start" in out and "end" in out
    assert "settled by step" in out or "still changing" in out
    if family == "groups":
        assert "a: mood (valence, mean)" in out


def test_seed_makes_output_reproducible(capsys, tmp_path):
    outputs = []
    for name in ("a.csv", "b.csv", "c.csv"):
        seed = "7" if name != "c.csv" else "8"
        code, out, _ = run_cli(capsys, *SMALL, "--seed", seed, "--set", "noise=0.05",
                               "--out", str(tmp_path / name))
        assert code == 0
        outputs.append(out.replace(name, ""))
    assert outputs[0] == outputs[1]
    first, second, other = (pd.read_csv(tmp_path / n) for n in ("a.csv", "b.csv", "c.csv"))
    pd.testing.assert_frame_equal(first, second)
    assert not first["valence"].equals(other["valence"])


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_out_writes_one_row_per_step_with_seed_and_parameters(capsys, tmp_path, suffix):
    path = tmp_path / "results" / f"run{suffix}"
    code, out, err = run_cli(capsys, "--network", "groups", *SMALL, "--seed", "3",
                             "--set", "mirroring=0.6", "--set", "outgroup_sign=-1",
                             "--out", str(path))
    assert code == 0, err
    frame = pd.read_csv(path) if suffix == ".csv" else pd.read_parquet(path)
    assert list(frame["step"]) == list(range(16))
    assert (frame["seed"] == 3).all()
    assert (frame["mirroring"] == 0.6).all() and (frame["outgroup_sign"] == -1).all()
    assert {"valence", "valence_sd", "arousal", "change", "a_valence", "b_valence"} <= set(frame)
    assert f"wrote 16 rows to {path}" in out
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left


def test_set_changes_the_run(capsys, tmp_path):
    for value in ("0", "0.9"):
        run_cli(capsys, *SMALL, "--set", f"mirroring={value}", "--set", "regulation=0",
                "--out", str(tmp_path / f"m{value}.csv"))
    still = pd.read_csv(tmp_path / "m0.csv")
    moving = pd.read_csv(tmp_path / "m0.9.csv")
    assert (still["change"] == 0).all()
    assert moving["valence_sd"].iloc[-1] < 0.5 * moving["valence_sd"].iloc[0]


def test_engines_agree_on_the_command_line(capsys, tmp_path):
    for engine in ("vectorized", "agents"):
        code, _, _ = run_cli(capsys, *SMALL, "--engine", engine, "--set", "noise=0.02",
                             "--out", str(tmp_path / f"{engine}.csv"))
        assert code == 0
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "vectorized.csv"),
                                  pd.read_csv(tmp_path / "agents.csv"), rtol=0, atol=1e-12)


def test_graph_file_graphml(capsys, tmp_path):
    graph = nx.DiGraph()
    for i in range(12):
        graph.add_edge(f"p{i}", f"p{(i + 1) % 12}", weight=1.0 + i % 3)
        graph.nodes[f"p{i}"]["group"] = "home" if i < 6 else "away"
    path = tmp_path / "club.graphml"
    nx.write_graphml(graph, path)
    code, out, err = run_cli(capsys, "--graph", str(path), "--steps", "10", "--no-progress",
                             "--out", str(tmp_path / "out.csv"))
    assert code == 0, err
    assert f"network file {path}, 12 agents, 10 steps" in out
    assert "home: mood (valence, mean)" in out
    frame = pd.read_csv(tmp_path / "out.csv")
    assert len(frame) == 11 and "away_valence" in frame


def test_graph_file_csv(capsys, tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text("source,target,weight\n" + "".join(f"{i},{(i + 1) % 8},{1 + i}\n"
                                                      for i in range(8)))
    code, out, err = run_cli(capsys, "--graph", str(path), "--steps", "5", "--no-progress")
    assert code == 0, err
    assert "8 agents, 5 steps" in out


@pytest.mark.parametrize(("args", "fragments"), [
    (["--set", "mirroring=abc"], ["mirroring='abc' is not a number", "[0, 30]"]),
    (["--set", "mirroring=31.5"], ["mirroring=31.5 is out of range", "[0, 30]"]),
    (["--set", "regulation=-0.1"], ["regulation=-0.1 is out of range"]),
    (["--set", "mirorring=0.5"], ["unknown parameter 'mirorring'", "did you mean 'mirroring'"]),
    (["--set", "mirroring"], ["--set 'mirroring' is malformed: use NAME=VALUE"]),
    (["--set", "group=home"], ["group='home' cannot be set as one value"]),
    (["--graph", "/nonexistent/net.graphml"], ["net.graphml", "no such file"]),
    (["--out", "results.json"], ["out='results.json' has an unsupported suffix", ".parquet"]),
    (["--agents", "0"], ["n_agents=0 is invalid"]),
])
def test_bad_input_exits_2_with_one_line(capsys, args, fragments):
    small = ["--steps", "15", "--no-progress"] if "--graph" in args else SMALL  # its own size
    code, out, err = run_cli(capsys, *small, *args)
    assert_one_line_error(code, err, *fragments)


@pytest.mark.parametrize(("name", "text", "fragment"), [
    ("broken.graphml", "<graphml><graph><node id='a'/>", "is malformed"),
    ("nohead.csv", "0,1\n1,2\n", "needs a header with 'source' and 'target'"),
    ("weights.csv", "source,target,weight\n0,1,lots\n", "weight='lots' is not a number"),
    ("negative.csv", "source,target,weight\n0,1,-1\n", "has weight=-1.0"),
])
def test_malformed_graph_file_exits_2_with_one_line(capsys, tmp_path, name, text, fragment):
    path = tmp_path / name
    path.write_text(text)
    out_path = tmp_path / "never.csv"
    code, out, err = run_cli(capsys, "--graph", str(path), "--out", str(out_path),
                             "--no-progress")
    assert_one_line_error(code, err, fragment)
    assert not out_path.exists()


def test_bad_out_fails_before_running(capsys, tmp_path):
    """A wrong --out is reported at once, not after a long run."""
    code, out, err = run_cli(capsys, "--agents", "30", "--steps", "100000",
                             "--out", str(tmp_path / "r.xlsx"))
    assert_one_line_error(code, err, "unsupported suffix")
    assert out == ""


def test_unwritable_out_exits_2_with_one_line(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, out, err = run_cli(capsys, *SMALL, "--out", str(blocker / "r.csv"))
    assert_one_line_error(code, err)
    assert blocker.read_text() == "not a folder"


def test_real_subprocess(tmp_path):
    out = tmp_path / "r.parquet"
    env = {k: v for k, v in os.environ.items() if k != "CONTAGION_DEBUG"}
    root = Path(__file__).resolve().parents[2]
    ok = subprocess.run([sys.executable, "-m", "contagion.cli", "run", "--agents", "40",
                         "--steps", "8", "--seed", "2", "--out", str(out)],
                        capture_output=True, text=True, cwd=root, env=env, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "settled" in ok.stdout or "still changing" in ok.stdout
    assert len(pd.read_parquet(out)) == 9
    bad = subprocess.run([sys.executable, "-m", "contagion.cli", "run", "--set", "noise=3"],
                         capture_output=True, text=True, cwd=root, env=env, timeout=120)
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        "contagion run: error: noise=3.0 is out of range: allowed [0, 2]"]
    assert bad.stdout == ""


def test_a_scenario_file_seed_is_the_default_and_seed_wins(capsys, tmp_path):
    import scenarios

    path = tmp_path / "seeded.toml"
    path.write_text(scenarios.get("leader_team").to_toml().replace("duration = 60.0", "duration = 60.0\nseed = 5"))
    tables = {}
    for name, extra in (("file", []), ("same", ["--seed", "5"]), ("other", ["--seed", "6"])):
        out = tmp_path / f"{name}.csv"
        code, text, _ = run_cli(capsys, str(path), "--steps", "4", "--no-progress", *extra,
                                "--out", str(out))
        assert code == 0 and f"seed {5 if name != 'other' else 6}" in text
        tables[name] = out.read_text()
    assert tables["file"] == tables["same"] != tables["other"]
