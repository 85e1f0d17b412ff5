"""Metrics and ``model.run``: one row per step, values equal to numpy on the arrays."""

from __future__ import annotations

import numpy as np
import pytest

from contagion import ContagionModel, networks
from contagion.metrics import settle_step

STANDARD = ["valence", "valence_sd", "arousal", "arousal_sd", "fraction_positive", "change"]
PER_GROUP = ["valence", "valence_sd", "arousal", "arousal_sd", "fraction_positive"]


def _model(**kwargs):
    graph = networks.stochastic_block(30, degree=5, rng=3, groups=("home", "away"))
    return ContagionModel(graph, noise=0.02, rng=4, **kwargs)


def _expected_row(model, previous_v, previous_a):
    v, a = model.valence, model.arousal
    row = {"step": model.steps, "valence": v.mean(), "valence_sd": v.std(),
           "arousal": a.mean(), "arousal_sd": a.std(), "fraction_positive": (v > 0).mean(),
           "change": np.abs(v - previous_v).mean() + np.abs(a - previous_a).mean()}
    for g in model.group_names:
        members = model.group_codes == model.group_names.index(g)
        row |= {f"{g}_valence": v[members].mean(), f"{g}_valence_sd": v[members].std(),
                f"{g}_arousal": a[members].mean(), f"{g}_arousal_sd": a[members].std(),
                f"{g}_fraction_positive": (v[members] > 0).mean()}
    return row


def test_run_returns_one_row_per_step_with_standard_and_group_columns():
    model = _model()
    frame = model.run(10)
    assert list(frame["step"]) == list(range(11))
    expected = ["step", "time", *STANDARD] + [f"{g}_{m}" for g in ("home", "away")
                                               for m in PER_GROUP]
    assert list(frame.columns) == expected
    assert frame["change"].iloc[0] == 0.0


def test_metric_values_equal_numpy_on_the_arrays():
    model = _model()
    rows = [_expected_row(model, model.valence, model.arousal)]
    for _ in range(6):
        previous_v, previous_a = model.valence.copy(), model.arousal.copy()
        model.step()
        rows.append(_expected_row(model, previous_v, previous_a))
    frame = model.dataframe()
    assert len(frame) == 7
    for i, row in enumerate(rows):
        for column, value in row.items():
            assert frame[column].iloc[i] == pytest.approx(value, abs=1e-12), (i, column)


def test_extra_reporters_appear_as_columns():
    reporters = {"top": lambda m: float(m.valence.max()),
                 "excited": lambda m: float((m.arousal > 0.5).mean())}
    model = _model(reporters=reporters)
    frame = model.run(4)
    assert {"top", "excited"} <= set(frame.columns)
    assert frame["top"].iloc[-1] == model.valence.max()


def test_run_continues_counting_steps():
    model = _model()
    model.run(3)
    frame = model.run(2)
    assert list(frame["step"]) == [0, 1, 2, 3, 4, 5]
    assert model.steps == 5


@pytest.mark.parametrize(("every", "steps", "expected"), [
    (3, 10, [0, 3, 6, 9, 10]),
    (5, 10, [0, 5, 10]),
    (4, 3, [0, 3]),
    (100, 0, [0]),
])
def test_collect_every_always_collects_the_final_step(every, steps, expected):
    model = _model(collect_every=every)
    frame = model.run(steps)
    assert list(frame["step"]) == expected
    last = frame.iloc[-1]
    assert last["valence"] == pytest.approx(model.valence.mean(), abs=1e-15)


def test_collect_every_repeated_runs_no_duplicate_rows():
    model = _model(collect_every=3)
    model.run(4)
    frame = model.run(4)
    assert list(frame["step"]) == [0, 3, 4, 6, 8]


def test_collected_values_are_not_references_to_live_arrays():
    model = _model()
    model.run(2)
    first = model.dataframe()["valence"].iloc[0]
    model.valence[:] = 1.0
    model.run(1)
    assert model.dataframe()["valence"].iloc[0] == first


def test_settle_step():
    steps = np.arange(6)
    assert settle_step(steps, [0, 0.5, 0.1, 0.0005, 0.0001, 0.0]) == 3
    assert settle_step(steps, [0, 0.5, 0.1, 0.1, 0.1, 0.1]) is None
    assert settle_step(steps, [0, 0, 0, 0, 0, 0]) == 0
