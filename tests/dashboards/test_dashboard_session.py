"""The dashboard's wiring without a browser: controls from the registry, bad input, export."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

import scenarios
from contagion.cli import main
from contagion.params import PARAMETERS
from dashboards.figures import NetworkMap, SeatMap, SeriesPlot, layout, view_for
from dashboards.inputs import control_names, format_value, parse_value, slider_step
from dashboards.session import Session

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def session():
    return Session("football_crowd", seed=3)


def test_controls_come_from_the_declarations():
    scenario = scenarios.get("football_crowd")
    names = control_names(scenario)
    assert names[:len(scenario.declared)] == list(scenario.declared)
    for name in ("mirroring", "regulation", "outgroup_sign", "expertise_gain", "initial_valence"):
        assert name in names
    assert set(names) <= set(scenario.parameter_names())
    for name in names:
        param = scenario.parameter(name)
        if name in PARAMETERS:  # ranges are the registry's, not copied
            assert (param.low, param.high) == (PARAMETERS[name].low, PARAMETERS[name].high)
        assert param.description


def test_live_means_the_registry_says_so_and_no_profile_overrides_it():
    football, leader = scenarios.get("football_crowd"), scenarios.get("leader_team")
    assert football.is_live("mirroring") and football.is_live("outgroup_sign")
    assert not football.is_live("initial_valence")  # registry: live=False
    assert not football.is_live("rows")  # the scenario's own: shapes the network
    assert not leader.is_live("expressiveness")  # the leader's profile sets it per agent


@pytest.mark.parametrize("name,text,value", [
    ("mirroring", "0.25", 0.25), ("rows", "12", 12), ("goals", "10 home, 30 away",
                                                      ((10, "home"), (30, "away"))),
    ("goals", "random", "random"),
])
def test_typed_values_are_read_and_shown_back(name, text, value):
    param = scenarios.get("football_crowd").parameter(name)
    assert parse_value(param, text) == value
    assert parse_value(param, format_value(param, value)) == value


@pytest.mark.parametrize("name,text,message", [
    ("mirroring", "7", r"mirroring=7 is out of range: allowed \[0, 1\]"),
    ("mirroring", "lots", r"mirroring='lots' is not a number"),
    ("rows", "2.5", r"rows=2.5 is not an integer"),
    ("goals", "10 hme", r"goals='10 hme' is invalid"),
])
def test_bad_values_get_the_registry_message(name, text, message):
    with pytest.raises(ValueError, match=message):
        parse_value(scenarios.get("football_crowd").parameter(name), text)


def test_slider_steps_are_round_and_absent_where_typing_is_better():
    football = scenarios.get("football_crowd")
    assert slider_step(football.parameter("mirroring")) == 0.01
    assert slider_step(football.parameter("outgroup_sign")) == 0.02
    assert slider_step(football.parameter("rival_ties")) == 1
    assert slider_step(football.parameter("rows")) is None  # 2..500: type it
    assert slider_step(football.parameter("goals")) is None


def test_bad_seed_and_values_keep_the_last_good_model(session):
    model = session.model
    session.step(2)
    assert not session.set_seed("4x")
    assert session.seed_error.startswith("seed='4x' is not a whole number")
    assert not session.set_text("mirroring", "1.5")
    assert session.errors["mirroring"] == "mirroring=1.5 is out of range: allowed [0, 1]"
    assert session.values["mirroring"] == 0.3 and session.model.mirroring == 0.3
    assert not session.reset()
    assert session.message == "Not rebuilt: fix mirroring, seed first. The current run goes on."
    assert session.model is model and session.step() == 3


def test_live_values_act_on_the_running_model_and_others_wait_for_reset(session):
    model = session.model
    assert session.set_text("mirroring", "0.6")
    assert session.model is model and model.mirroring == 0.6
    assert session.set_text("rows", "10") and session.set_seed("8")
    assert session.pending() == ["rows", "seed"]
    assert session.reset()
    assert session.model is not model and session.model.n_agents == 10 * 50
    assert session.model.mirroring == 0.6 and session.pending() == []


def test_a_rebuild_that_fails_keeps_the_run():
    session = Session("borderline_profile")
    assert session.set_text("scene_start", "50")  # each value is in range, but the
    assert session.set_text("scene_stop", "20")  # scene would end before it starts
    model = session.model
    assert not session.reset()
    assert session.message.startswith("Not rebuilt: scene_stop=20 must be greater than")
    assert "\n" not in session.message and session.model is model


def test_goal_button_lifts_the_home_stand(session):
    session.step()
    before = session.readouts()
    assert session.trigger("Goal home")
    session.step()
    after = session.readouts()
    assert after["home_valence"] > before["home_valence"] + 0.2
    assert after["away_valence"] < before["away_valence"] - 0.2


def test_every_scenario_builds_and_its_buttons_work():
    for name in scenarios.names():
        session = Session(name)
        for label in session.scenario.actions:
            assert session.trigger(label), session.message
        session.step(2)
        assert set(session.readouts()) == set(session.scenario.key_metrics)


def test_toml_export_loads_back_with_the_chosen_values(session, tmp_path):
    session.set_text("mirroring", "0.45")
    session.set_text("goals", "5 away")
    path = tmp_path / "mine.toml"
    path.write_text(session.toml())
    loaded = scenarios.load(path)
    assert loaded.parameter("mirroring").value == 0.45
    assert loaded.parameter("goals").value == ((5, "away"),)
    expected = scenarios.get("football_crowd").replace(mirroring=0.45, goals=[[5, "away"]])
    assert loaded.values() == expected.values()
    assert main(["run", str(path), "--steps", "3", "--no-progress"]) == 0  # and the CLI runs it


def test_csv_export_is_the_run_so_far(session):
    session.step(4)
    frame = pd.read_csv(io.StringIO(session.csv()))
    assert list(frame["step"]) == [0, 1, 2, 3, 4]
    assert (frame["scenario"] == "football_crowd").all() and (frame["seed"] == 3).all()
    assert {"home_valence", "away_valence"} <= set(frame.columns)


def test_uploads_are_validated_and_a_bad_one_changes_nothing(session):
    model = session.model
    assert not session.load_toml("name = [", "bad.toml")
    assert session.upload_error.startswith("bad.toml: TOML syntax error")
    assert not session.load_toml(b'name = "x"\ntitle = "X"\n', "short.toml")
    assert session.upload_error == "short.toml: missing key 'description'"
    assert session.model is model and session.key == "football_crowd"

    text = scenarios.get("leader_team").replace(leader_mood=-0.5).to_toml()
    assert session.load_toml(text.encode(), "mine.toml")
    assert session.scenario.title == "A leader's mood and the team"
    assert session.values["leader_mood"] == -0.5
    assert "A leader's mood and the team (uploaded)" in session.catalogue()


@pytest.mark.parametrize("presenting", [False, True])
def test_every_view_draws_and_redraws(presenting):
    for name in scenarios.names():
        session = Session(name)
        view = view_for(session.scenario, session.model, presenting, session.seed)
        assert isinstance(view, SeatMap if session.scenario.view == "seats" else NetworkMap)
        series = SeriesPlot(session.model, presenting, scenario=session.scenario)
        first = view.png(session.model), series.png(session.model)
        session.step(3)
        second = view.png(session.model), series.png(session.model)
        assert all(png.startswith(PNG) for png in first + second)
        assert second[1] != first[1]  # the curves moved


def test_layout_is_seeded_and_computed_from_the_model():
    a, b = Session("borderline_profile", seed=5), Session("borderline_profile", seed=5)
    pos_a, pos_b = layout(a.model, 5), layout(b.model, 5)
    assert all(np.allclose(pos_a[n], pos_b[n]) for n in a.model.nodes)
    team = Session("leader_team").model
    centre = layout(team, 1)[team.nodes[0]]  # the leader sits in the middle
    assert np.allclose(centre, 0.0)


def test_curves_extend_past_the_planned_steps():
    session = Session("leader_team")
    series = SeriesPlot(session.model, False, scenario=session.scenario)
    session.step(session.scenario.steps + 5)
    assert series.png(session.model).startswith(PNG)
    assert series.xmax > session.scenario.steps
