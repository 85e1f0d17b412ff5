"""``contagion list``, ``show`` and ``run`` with scenarios; bad input exits 2 with one line."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import scenarios
from contagion.cli import main

PNG = b"\x89PNG\r\n\x1a\n"


def test_list_names_every_scenario_with_its_title(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in scenarios.names():
        assert name in out and scenarios.get(name).title in out


def test_show_describes_parameters_and_references(capsys):
    assert main(["show", "football_crowd"]) == 0
    out = capsys.readouterr().out
    for text in ("Football crowd", "Caveat:", "goals", "goal_joy", "[0, 1]", "References:",
                 "Cikara", "home_valence", "outgroup_sign"):
        assert text in out, text
    assert main(["show", "leader_team", "--all"]) == 0
    out = capsys.readouterr().out
    assert "Engine parameters" in out and "negativity_gain" in out


def test_show_toml_is_a_loadable_file(capsys, tmp_path):
    assert main(["show", "borderline_profile", "--toml"]) == 0
    path = tmp_path / "copy.toml"
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    assert scenarios.load(path) == scenarios.get("borderline_profile")
    assert main(["show", str(path)]) == 0
    assert "Borderline" in capsys.readouterr().out


def test_run_with_set_steps_seed_out_null_plot(capsys, tmp_path):
    out, plot = tmp_path / "team.csv", tmp_path / "team.png"
    status = main(["run", "leader_team", "--set", "leader_mood=-0.6", "--set", "mirroring=0.5",
                   "--steps", "15", "--seed", "4", "--out", str(out), "--null", "--seeds", "3",
                   "--plot", str(plot), "--no-progress"])
    assert status == 0
    text = capsys.readouterr().out
    assert "scenario leader_team" in text and "15 steps of 1 minute (15 minutes), seed 4" in text
    assert "over seeds 4-6" in text and "member_valence_final" in text
    header = next(line for line in text.splitlines() if line.split()[:1] == ["full"])
    assert header.split() == ["full", "no_social", "no_stimulus", "social", "social_low",
                              "social_high"]
    table = pd.read_csv(out)  # labels must survive pandas' default NA parsing
    assert set(table["model"]) == {"full", "no_social", "no_stimulus"} and len(table) == 3 * 16
    full = table[table["model"] == "full"]
    assert (full["scenario"] == "leader_team").all()
    assert (full["seed"].astype(float) == 4).all()
    assert full["member_valence"].iloc[-1] < -0.2  # the grumpy leader was set
    no_social = table[table["model"] == "no_social"]
    start = full["member_valence"].iloc[0]
    assert (no_social["member_valence"] - start).abs().max() < 0.05  # only own regulation
    assert plot.read_bytes()[:8] == PNG


def test_run_out_null_rows_carry_scenario_and_seed(capsys, tmp_path):
    out = tmp_path / "team.parquet"
    assert main(["run", "leader_team", "--steps", "3", "--seed", "4", "--null", "--seeds", "2",
                 "--out", str(out), "--no-progress"]) == 0
    table = pd.read_parquet(out)
    assert (table["scenario"] == "leader_team").all() and (table["seed"] == 4).all()


def test_run_a_scenario_file_with_goals_from_the_command_line(capsys, tmp_path):
    path = tmp_path / "derby.toml"
    path.write_text('extends = "football_crowd"\nname = "derby"\ntitle = "Derby"\n'
                    "[parameters]\nrows = 4\ncols = 6\n", encoding="utf-8")
    status = main(["run", str(path), "--set", 'goals=[[3, "away"]]', "--steps", "6",
                   "--out", str(tmp_path / "derby.parquet"), "--no-progress"])
    assert status == 0
    assert "scenario derby, 24 agents, 6 steps" in capsys.readouterr().out
    table = pd.read_parquet(tmp_path / "derby.parquet")
    assert table["away_valence"].iloc[-1] > table["home_valence"].iloc[-1]
    assert main(["run", "football_crowd", "--set", "goals=random", "--set", "rows=3",
                 "--set", "cols=4", "--steps", "5", "--no-progress"]) == 0


@pytest.mark.parametrize(("argv", "message"), [
    (["run", "tea_party"], "unknown scenario 'tea_party'; known scenarios: art_gallery, borderline_profile"),
    (["show", "tea_party"], "unknown scenario 'tea_party'"),
    (["run", "leader_team", "--set", "leader_mood=3"], "leader_mood=3 is out of range"),
    (["run", "leader_team", "--set", "leader_mod=0.3"], "did you mean 'leader_mood'"),
    (["run", "leader_team", "--set", "leader_mood"], "malformed"),
    (["run", "football_crowd", "--set", "goals=soon"], "goals='soon' is invalid"),
    (["run", "leader_team", "--plot", "team.jpg"], "must end in .png"),
    (["run", "leader_team", "--network", "complete"], "only without a scenario"),
    (["run", "borderline_profile", "--set", "scene_stop=5", "--steps", "3"],
     "scene_stop=5 must be greater than scene_start=10"),
    (["run", "missing.toml"], "missing.toml: cannot read scenario file"),
])
def test_bad_input_exits_2_with_one_line(capsys, argv, message):
    assert main([*argv, "--no-progress"] if argv[0] == "run" else argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith(f"contagion {argv[0]}: error:")
    assert "Traceback" not in captured.err + captured.out


def test_bad_scenario_file_exits_2(capsys, tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('extends = "leader_team"\nname = "broken"\ntitle = "Broken"\n'
                    "[parameters]\nleader_mood = 4\n", encoding="utf-8")
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(path) in err and "leader_mood=4 is out of range" in err


def test_real_subprocess(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "contagion.cli", "run", "leader_team", "--steps",
                         "20", "--null", "--seeds", "3", "--no-progress"], capture_output=True,
                        text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "social_low" in ok.stdout and "no_stimulus" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "contagion.cli", "run", "leader_team", "--set",
                          "members=1"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip().splitlines() == [
        "contagion run: error: members=1 is out of range: allowed [2, 200]"]
