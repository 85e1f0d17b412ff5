"""``contagion study confounding``: table, figure, verdict, reproducible output, clean errors.

Runs use 300 people and one or two truths without contagion (seconds each); the
study's statistics are tested in tests/experiments/test_confounding.py.
"""

from __future__ import annotations

import pandas as pd
import pytest

from contagion.cli import main

SMALL = ["--people", "300", "--set", "seed_share=0.3", "--set", "draws=200",
         "--set", "permutations=200", "--no-progress"]


def study(capsys, *args):
    code = main(["study", "confounding", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_writes_table_and_figure_and_prints_a_verdict(capsys, tmp_path):
    table_path, figure_path = tmp_path / "study.csv", tmp_path / "study.png"
    code, out, err = study(capsys, "--truth", "homophily", "--truth", "environment",
                           "--seed", "3", *SMALL, "--out", str(table_path),
                           "--plot", str(figure_path))
    assert code == 0, err
    assert "confounding study: 300 people" in out and "seed 3" in out
    assert "homophily only (truth: no contagion)" in out
    assert "The observational estimator says 'contagion' in" in out
    table = pd.read_csv(table_path)
    assert list(table.columns[:6]) == ["truth", "estimator", "distance", "estimate", "ci_low",
                                       "ci_high"]
    assert set(table["truth"]) == {"homophily", "environment"}
    first = table[(table["truth"] == "homophily") & (table["estimator"] == "observational")]
    assert f"{first['estimate'].iloc[0]:+.1f}" in out
    assert figure_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_same_seed_same_output(capsys, tmp_path):
    outputs = []
    for name in ("a.parquet", "b.parquet"):
        code, out, _ = study(capsys, "--truth", "environment", "--seed", "4", *SMALL,
                             "--out", str(tmp_path / name))
        assert code == 0
        outputs.append(out.replace(name, ""))
    assert outputs[0] == outputs[1]
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a.parquet"),
                                  pd.read_parquet(tmp_path / "b.parquet"))


@pytest.mark.parametrize(("args", "fragments"), [
    (["--truth", "telepathy"], ["truth='telepathy'", "contagion, homophily, environment"]),
    (["--set", "mirroring=0.5"], ["unknown design field 'mirroring'", "mirroring_per_week"]),
    (["--set", "waves=one"], ["waves='one' is not an integer"]),
    (["--set", "waves"], ["--set 'waves' is malformed"]),
    (["--people", "10"], ["people=10 is out of range"]),
    (["--seed", "-2"], ["--seed -2 is invalid"]),
    (["--seed", "x"], ["--seed 'x' is not an integer"]),
    (["--out", "table.txt"], ["out='table.txt'", ".csv, .parquet"]),
    (["--plot", "figure.pdf"], ["must end in .png"]),
])
def test_bad_arguments_give_one_line_errors(capsys, args, fragments):
    code, out, err = study(capsys, *args, "--no-progress")
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("contagion study: error: ")
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert "confounding study:" not in out  # refused before any work


def test_study_needs_a_name(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["study"])
    assert caught.value.code == 2
    assert "confounding" in capsys.readouterr().err
