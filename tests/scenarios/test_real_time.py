"""Time is real: changing only the step keeps every dose, window and choice time in place."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import scenarios
from contagion.events import Pin, Stimulus
from scenarios.resolved import resolve_run
from scenarios.timing import event_in_steps, outcome_in_steps, step_at

NAMES = scenarios.names()


def _doses(model) -> list[tuple]:
    """Each stimulus as (real start, real stop, valence, strength), sorted."""
    dt = model.dt
    out = [(round((e.start - 1) * dt, 9), None if e.stop is None else round((e.stop - 1) * dt, 9),
            repr(e.valence), e.strength) for e in model.events if isinstance(e, Stimulus)]
    return sorted(out, key=repr)


@pytest.mark.parametrize("name", NAMES)
def test_halving_dt_keeps_every_stimulus_and_window_in_real_time(name):
    scenario = scenarios.get(name)
    small = {"rows": 4, "cols": 8} if name == "football_crowd" else {}
    if name == "mexican_wave":
        small = {"rows": 4, "seats": 64, "trigger": 8}
    for factor in (2, 4):
        finer = scenario.replace(dt=scenario.dt / factor)
        assert finer.steps == scenario.steps * factor  # the same duration
        coarse_model, fine_model = scenario.build(3, **small), finer.build(3, **small)
        assert _doses(coarse_model) == _doses(fine_model)  # to 1e-9 of the time unit
        for (name_c, c), (name_f, f) in zip(resolve_run(scenario, {}).outcomes.items(),
                                            resolve_run(finer, {}).outcomes.items()):
            for key in ("start", "stop"):
                if c.get(key) is not None:
                    assert f[key] * finer.dt == pytest.approx(c[key] * scenario.dt), name_c


def test_a_pin_and_a_shock_land_at_the_same_time_at_any_step():
    for dt in (1.0, 0.5, 0.2):
        pin = event_in_steps({"type": "pin", "start": 3.0, "stop": 7.0, "valence": 0.5}, dt, "p")
        assert (pin["start"] * dt, pin["stop"] * dt) == pytest.approx((3.0, 7.0))
        shock = event_in_steps({"type": "shock", "at": 4.0, "valence": -1.0}, dt, "s")
        assert shock["step"] * dt == pytest.approx(4.0)


def test_times_that_are_not_multiples_of_dt_round_to_the_nearest_step():
    assert step_at(10.0, 3.0) == 3 and step_at(10.5, 3.0) == 4 and step_at(1.4, 1.0) == 1
    window = outcome_in_steps({"outcome": "mean_between", "column": "x", "start": 10.0,
                               "stop": 20.0}, 3.0, "w")
    assert (window["start"], window["stop"]) == (3, 7)


def test_a_step_longer_than_an_event_is_refused_in_one_line():
    football = scenarios.get("football_crowd")  # goals are seen for 30 s
    with pytest.raises(ValueError, match=r"goals\[0\]: from 900 to 930 holds no step of dt=90"):
        football.replace(dt=90.0)
    with pytest.raises(ValueError, match=r"events\[0\]\.stop=20 at dt=1e-05: steps=2000000 is "
                                         r"above the limit"):
        event_in_steps({"type": "stimulus", "start": 0.0, "stop": 20.0}, 1e-5, "events[0]")


def test_choices_fall_at_the_same_times_and_the_team_converges_in_dt():
    """leader_team chooses once a minute at every step length; its outcomes converge."""
    team = scenarios.get("leader_team")
    values = {}
    for dt in (1.0, 0.5, 0.25):
        model = team.build(4, noise=0.0, **({"dt": dt} if dt != 1.0 else {}))
        assert model.choice_specs[0].every == round(1.0 / dt)
        frame = model.run(model.scenario_spec.steps)
        values[dt] = model.scenario_spec.outcome_values(frame)["member_mood"]
    assert abs(values[0.5] - values[0.25]) <= 0.5 * abs(values[1.0] - values[0.5]) + 1e-4
    assert abs(values[1.0] - values[0.25]) < 0.005


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_story_is_the_same_story_at_any_step(seed):
    """The storyteller's pinned valence at 10 s is the same whatever the step."""
    speaker = scenarios.get("speaker_listener")
    levels = []
    for dt in (1.0, 0.5):
        model = speaker.replace(dt=dt).build(seed)
        (story,) = [e for e in model.events if isinstance(e, Pin)]
        levels.append(np.asarray(story.valence)[step_at(10.0, dt)])
    assert levels[0] == pytest.approx(levels[1], abs=1e-12)


def test_the_fitting_walkthroughs_meeting_acts_at_its_minutes():
    """docs/data/meeting.toml (3-minute steps): the news from minute 9 to 18 acts in the
    updates that produce steps 4-6, the intervention (minutes 24-33) in steps 9-11."""
    meeting = scenarios.load(Path(__file__).parents[2] / "docs" / "data" / "meeting.toml")
    assert meeting.steps == 15
    spans = sorted((e.start, e.stop) for e in meeting.build(0).events if isinstance(e, Stimulus))
    assert spans == [(4, 7), (9, 12)]
