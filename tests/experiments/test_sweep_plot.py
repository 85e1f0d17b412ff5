"""Plots of sweeps: the numbers drawn (mean and t-interval) and the figure itself."""

import matplotlib.image
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from contagion import sweep
from contagion.experiments.plots import default_plot_path, plot_sweep, summarise


def test_summary_is_mean_and_95_percent_t_interval():
    frame = pd.DataFrame({"x": [0, 0, 0, 1, 1, 2], "y": [1.0, 2.0, 4.0, 3.0, 5.0, 7.0]})
    table = summarise(frame, "x", "y").set_index("x")
    values = np.array([1.0, 2.0, 4.0])
    half = stats.t.ppf(0.975, 2) * values.std(ddof=1) / np.sqrt(3)
    assert table.loc[0, "mean"] == pytest.approx(values.mean(), abs=1e-12)
    assert table.loc[0, "low"] == pytest.approx(values.mean() - half, abs=1e-12)
    assert table.loc[0, "high"] == pytest.approx(values.mean() + half, abs=1e-12)
    assert table.loc[1, "high"] - table.loc[1, "low"] == pytest.approx(
        2 * stats.t.ppf(0.975, 1) * np.std([3, 5], ddof=1) / np.sqrt(2), abs=1e-12)
    assert np.isnan(table.loc[2, "low"])  # one run: no interval


def test_interval_covers_the_true_mean_about_95_percent_of_the_time():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": np.repeat(np.arange(2000), 5), "y": rng.normal(3.0, 1.0, 10000)})
    table = summarise(frame, "x", "y")
    coverage = ((table["low"] <= 3.0) & (3.0 <= table["high"])).mean()
    assert 0.93 < coverage < 0.97  # 2000 intervals: binomial sd of the coverage is 0.005


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("plot") / "runs"
    sweep("football_crowd", {"mirroring": [0.0, 0.3, 0.6], "outgroup_sign": [-1.0, 0.5],
                             "rows": 6, "cols": 8}, reps=3, steps=20, out=out, progress=False)
    return out


def test_plot_with_hue_is_a_png_with_content(runs, tmp_path):
    path = plot_sweep(runs, "mirroring", "home_valence_final", hue="outgroup_sign",
                      out=tmp_path / "fig.png")
    image = matplotlib.image.imread(path)
    assert image.shape[0] > 300 and image.shape[1] > 500
    assert image[..., :3].std() > 0.05  # not a blank canvas


def test_default_name_and_where_filter(runs, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = plot_sweep(runs, "mirroring", "home_valence_final", where={"outgroup_sign": -1})
    assert path == default_plot_path("mirroring", "home_valence_final")
    assert (tmp_path / "home_valence_final_by_mirroring.png").exists()


def test_per_step_table_plots_against_step(tmp_path):
    table = sweep("leader_team", {"mirroring": [0.2, 0.6], "members": 4}, reps=2, steps=20,
                  every=5, progress=False)
    path = plot_sweep(table, "step", "member_valence", hue="mirroring", out=tmp_path / "s.png")
    assert path.stat().st_size > 10_000
