"""One conformance suite over every registered scenario (cf. scikit-learn's
``parametrize_with_checks``): whatever a scenario declares, it must build, run,
reproduce from its seed, round-trip through TOML, document every parameter with a
finite range, cite its sources, and agree across the two engines.

Big scenarios run at the small sizes of ``scenario_helpers.SMALL``. Parameter
bounds are tried one at a time (the others small). A bound may be refused, but
only with a ValueError naming the parameter (e.g. ``scene_stop`` at its low bound
2 is before ``scene_start`` = 10: the scene would end before it starts).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from scenario_helpers import small

import scenarios
from contagion import metrics
from contagion.clock import check_time_step
from scenarios.spec import action_events
from scenarios.text import metric_kinds

NAMES = scenarios.names()
BUILTIN = ["art_gallery", "borderline_profile", "boss_cascade", "football_crowd",
           "happiness_framingham", "leader_team", "mexican_wave", "sad_film", "speaker_listener",
           "vicarious_shame"]
STEPS = 20  # long enough for the first event of every built-in scenario


def test_every_builtin_scenario_is_registered():
    assert set(BUILTIN) <= set(NAMES)


@pytest.fixture(params=NAMES)
def name(request):
    return request.param


def test_declares_real_time_channels_findings_and_what_each_metric_reads(name):
    scenario = scenarios.get(name)
    check_time_step(scenario.dt, scenario.time_unit)
    text = scenario.describe()
    assert "one step is" in text
    assert "unknown" not in metric_kinds(scenario).values()
    if name in BUILTIN:
        assert set(scenario.channels) == {"people", "stimuli"}
        assert scenario.findings
        for finding in scenario.findings:
            assert f"emergent: {' '.join(finding['emergent'].split()[:3])}" in " ".join(text.split())


def test_builds_and_runs(name):
    scenario = scenarios.get(name)
    model = scenario.build(0, **small(name))
    frame = model.run(5)
    assert list(frame["step"]) == [0, 1, 2, 3, 4, 5]
    assert np.isfinite(model.valence).all() and np.isfinite(model.arousal).all()
    assert (np.abs(model.valence) <= 1).all() and ((model.arousal >= 0) & (model.arousal <= 1)).all()
    assert model.scenario_spec == scenario.replace(**small(name))


def test_same_seed_same_table_other_seed_may_differ(name):
    scenario = scenarios.get(name)
    first = scenario.run(STEPS, 7, **small(name))
    pd.testing.assert_frame_equal(first, scenario.run(STEPS, 7, **small(name)))
    other = scenario.run(STEPS, 8, **small(name))  # allowed to differ, must have the same shape
    assert list(other.columns) == list(first.columns) and len(other) == len(first)


def test_toml_round_trip_is_exact(name, tmp_path):
    scenario = scenarios.get(name)
    text = scenario.to_toml()
    assert scenarios.loads(text) == scenario
    assert scenarios.loads(text).to_toml() == text
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    assert scenarios.load(path) == scenario
    changed = scenario.replace(mirroring=0.123)
    assert scenarios.loads(changed.to_toml()) == changed


def test_every_parameter_documented_with_finite_range(name):
    scenario = scenarios.get(name)
    for param_name in [*scenario.declared, *scenario.parameters]:
        p = scenario.parameter(param_name)
        assert p.description.strip(), f"{param_name} has no description"
        assert math.isfinite(p.low) and math.isfinite(p.high) and p.low < p.high, param_name
    text = scenario.describe()
    for param_name in [*scenario.declared, *scenario.parameters]:
        assert param_name in text


def test_text_and_references(name):
    scenario = scenarios.get(name)
    assert scenario.title.strip() and len(scenario.description.split()) >= 30
    assert scenario.references
    for reference in scenario.references:
        assert re.search(r"\(\d{4}\)", reference), f"reference without a year: {reference!r}"
    if name in BUILTIN:  # the library's own scenarios all rest on contested evidence
        assert len(scenario.caveat.split()) >= 15


def test_metrics_present_and_names_unique(name):
    scenario = scenarios.get(name)
    model = scenario.build(0, **small(name))
    frame = model.run(3)
    for column in [*scenario.key_metrics, *scenario.metrics]:
        assert column in frame, column
    assert len(set(scenario.key_metrics)) == len(scenario.key_metrics)
    standard = {"step", *metrics.standard_reporters(model.group_names)}
    assert not set(scenario.metrics) & standard, "a scenario metric would hide a standard one"
    summary = scenario.summary_values(frame)
    assert len(summary) == len(scenario.key_metrics) + len(scenario.outcomes)


def test_outcomes_computed_from_a_full_run(name):
    scenario = scenarios.get(name)
    frame = scenario.run(None, 0, **small(name))
    assert len(frame) == scenario.steps + 1
    values = scenario.outcome_values(frame)
    assert set(values) == set(scenario.outcomes)
    assert all(isinstance(v, float) for v in values.values())


def test_actions_apply_to_a_running_model(name):
    scenario = scenarios.get(name)
    model = scenario.build(0, **small(name))
    model.run(2)
    for label in scenario.actions:
        for event in action_events(scenario, label, model):
            model.add_event(event)
    frame = model.run(3)
    assert frame["step"].iloc[-1] == 5


def _bound_cases():
    for name in NAMES:
        scenario = scenarios.get(name)
        for param_name, p in scenario.declared.items():
            if p.kind == "goals":
                values = [[[int(p.low), "home"]], [[int(p.high), "away"]], "random", []]
            else:
                values = [p.low, p.high]
            for value in values:
                yield pytest.param(name, param_name, value, id=f"{name}-{param_name}={value}")


@pytest.mark.parametrize(("name", "param_name", "value"), list(_bound_cases()))
def test_declared_parameter_bounds_build_and_run(name, param_name, value):
    scenario = scenarios.get(name)
    overrides = {k: v for k, v in small(name).items() if k != param_name}
    try:  # refused when the value is set or when the model is built
        model = scenario.replace(**overrides, **{param_name: value}).build(1, space=False)
    except ValueError as exc:  # refused: only with a message naming the parameter
        assert param_name in str(exc)
        assert "\n" not in str(exc)
        return
    frame = model.run(3)  # a key metric of an empty group is NaN (profile_share = 0)
    assert len(frame) == 4 and set(scenario.key_metrics) <= set(frame.columns)
    assert np.isfinite(model.valence).all() and np.isfinite(model.arousal).all()


def test_both_engines_agree(name):
    scenario = scenarios.get(name)
    fast = scenario.run(STEPS, 3, **small(name))
    slow = scenario.run(STEPS, 3, engine="agents", **small(name))
    pd.testing.assert_frame_equal(fast, slow, check_exact=False, rtol=0, atol=1e-10)
