"""dashboards/wave.py: the oval stadium with the fans standing, frame by frame."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

import scenarios
from dashboards.figures import view_for
from dashboards.wave import WaveView, applies, oval, seat_grid


def small_wave():
    scenario = scenarios.get("mexican_wave")
    return scenario, scenario.build(0, space=False, rows=6, seats=120)


def test_the_grid_holds_every_fan_at_its_row_and_seat():
    scenario, model = small_wave()
    model.run(60)
    grid = seat_grid(model)
    assert grid.shape == (6, 120) and np.isfinite(grid).all()
    assert np.count_nonzero(grid == 1) == np.count_nonzero(model.active)


def test_the_oval_runs_clockwise_from_the_top():
    x, y = oval(2, 4)
    assert x.shape == (3, 5)
    assert abs(x[0, 0]) < 1e-12 and y[0, 0] > 0        # seat 0 at the top
    assert x[0, 1] > 0 and abs(y[0, 1]) < 1e-12         # a quarter on: the right (clockwise)
    assert y[-1, 0] > y[0, 0]                           # back rows further out


def test_frames_are_pngs_and_change_as_the_wave_moves():
    scenario, model = small_wave()
    assert applies(scenario, model)
    view = WaveView([model], (800, 560))
    model.run(60)
    first = view.png([model])
    model.run(30)
    second = view.png([model])
    for frame in (first, second):
        assert Image.open(io.BytesIO(frame)).size == (800, 560)
    assert first != second


def test_it_applies_only_to_fans_in_rows():
    other = scenarios.get("sad_film")
    assert not applies(other, other.build(0, viewers=5))


def test_the_dashboard_shows_the_stadium_on_both_sides_of_a_split_stage():
    scenario, model = small_wave()
    null = scenario.build(0, space=False, rows=6, seats=120, null="social")
    view = view_for(scenario, [model, null], (900, 500), presenting=True, seed=0)
    assert isinstance(view, WaveView)
    assert {"stadium 1", "stadium 2", "legend"} <= set(view.meta()["parts"])
    assert view.meta()["min_text_px"] >= 18 and not view.meta()["outside"]
