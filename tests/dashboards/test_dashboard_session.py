"""One tab's state without a browser: controls from the registry, bad input, the end, the null."""

from __future__ import annotations

import subprocess
import sys
import threading

import numpy as np
import pytest

import contagion  # noqa: F401  (the engine first: `import scenarios` alone hits an import cycle)
import scenarios
from contagion.params import PARAMETERS
from dashboards import session as session_module
from dashboards.inputs import (control_names, format_value, ladder, parse_value, signed,
                               slider_step, stops)
from dashboards.session import Session, build_null


@pytest.fixture
def session():
    return Session("football_crowd", seed=3)


def test_controls_come_from_the_declarations():
    scenario = scenarios.get("football_crowd")
    names = control_names(scenario)
    assert names[:len(scenario.declared)] == list(scenario.declared)
    for name in ("mirroring", "reactivity", "regulation", "outgroup_sign", "expertise_gain"):
        assert name in names
    assert "initial_valence" not in names  # the population draws where people start
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
    assert "mirroring" in football.population  # drawn per person, yet live (set_live)
    assert not football.is_live("rows")  # the scenario's own: shapes the network
    assert not leader.is_live("expressiveness")  # the leader's profile sets it per agent


@pytest.mark.parametrize("name,text,value", [
    ("mirroring", "0.25", 0.25), ("mirroring", "12", 12.0), ("rows", "12", 12), ("goals", "10 home, 30 away",
                                                      ((10, "home"), (30, "away"))),
    ("goals", "random", "random"),
])
def test_typed_values_are_read_and_shown_back(name, text, value):
    param = scenarios.get("football_crowd").parameter(name)
    assert parse_value(param, text) == value
    assert parse_value(param, format_value(param, value)) == value


@pytest.mark.parametrize("name,text,message", [
    ("mirroring", "31", r"mirroring=31 is out of range: allowed \[0, 30\]"),
    ("mirroring", "-0.1", r"mirroring=-0.1 is out of range: allowed \[0, 30\]"),
    ("mirroring", "lots", r"mirroring='lots' is not a number"),
    ("rows", "2.5", r"rows=2.5 is not an integer"),
    ("goals", "10 hme", r"goals='10 hme' is invalid"),
])
def test_bad_values_get_the_registry_message(name, text, message):
    with pytest.raises(ValueError, match=message):
        parse_value(scenarios.get("football_crowd").parameter(name), text)


def test_every_parameter_with_a_range_has_a_slider():
    for name in scenarios.names():
        scenario = scenarios.get(name)
        for control in control_names(scenario):
            param = scenario.parameter(control)
            if param.kind == "goals" or param.value is None:
                continue
            step, steps = slider_step(param), ladder(param)
            assert (step is None) != (steps is None), (name, control)
            if steps is not None:  # a ladder: both ends, the value, in order, in range
                assert steps == sorted(set(steps)) and param.value in steps
                assert steps[0] == param.low and steps[-1] == param.high
            else:  # even steps that hold the scenario's value
                assert round((param.value - param.low) / step, 6).is_integer(), (name, control)
            where = stops(param)  # what the slider moves over: the exact value is one
            assert where == sorted(set(where)) and param.value in where, (name, control)
    football = scenarios.get("football_crowd")
    assert slider_step(football.parameter("rows")) == 1  # 2..500: a slider of whole rows
    assert slider_step(football.parameter("goal_joy")) == 0.01
    rates = ladder(football.parameter("mirroring"))  # per minute, 0..30: small ones matter
    assert rates[:4] == [0.0, 0.01, 0.015, 0.02] and rates[-1] == 30.0 and 2.0 in rates
    assert 0.15 in ladder(scenarios.get("leader_team").parameter("mirroring"))
    assert ladder(scenarios.get("borderline_profile").parameter("n_agents"))[:4] == [10, 15, 20, 30]
    wave = scenarios.get("mexican_wave")
    assert slider_step(wave.parameter("side_bias")) == 0.01  # 0.17: the next finer step
    assert ladder(wave.parameter("threshold"))[:4] == [0.0, 0.1, 0.15, 0.2]  # 0.2 of 0..100
    assert ladder(wave.parameter("spontaneous_rate"))[:4] == [0.0, 0.001, 0.0015, 0.002]
    framingham = scenarios.get("happiness_framingham")  # rates per year: ladders
    assert ladder(framingham.parameter("content_contagion"))[:4] == [0.0, 0.01, 0.015, 0.02]
    # a value the address brought is a stop of its own; one off every grid is kept exact
    assert 0.37 in stops(football.parameter("mirroring"), 0.37)
    assert 0.333 in stops(football.parameter("goal_joy"), 0.333)
    near = stops(football.parameter("goal_joy"), 0.30000000000000004)  # a hair off 0.3
    assert 0.30000000000000004 in near and 0.3 not in near and len(near) == 101


@pytest.mark.parametrize("value,text", [(-0.004, "0.00"), (-0.0, "0.00"), (0.004, "0.00"),
                                        (0.4149, "+0.41"), (-0.416, "-0.42"),
                                        (float("nan"), "n/a")])
def test_readouts_never_show_minus_zero(value, text):
    assert signed(value) == text


def test_bad_seed_and_values_keep_the_last_good_model(session):
    model = session.model
    session.step(2)
    assert not session.set_seed("4x")
    assert session.seed_error.startswith("seed='4x' is not a whole number")
    drawn = session.model.traits["mirroring"].copy()
    assert not session.set_text("mirroring", "31")
    assert session.errors["mirroring"] == "mirroring=31 is out of range: allowed [0, 30]"
    assert session.values["mirroring"] == 2.0
    assert np.array_equal(session.model.traits["mirroring"], drawn)
    assert not session.reset()
    assert session.message == "Not rebuilt: fix mirroring, seed first. The current run goes on."
    assert session.model is model and session.step() == 3


def test_the_fix_first_message_goes_once_the_fields_are_fixed(session):
    session.set_seed("4x")
    session.set_text("mirroring", "31")
    session.reset()
    assert session.set_text("mirroring", "3") and session.message is not None  # seed left
    assert session.set_seed("4") and session.message is None


def test_live_values_act_on_the_running_model_and_others_wait_for_reset(session):
    session.step(2)
    model, drawn = session.model, session.model.traits["mirroring"].copy()
    assert session.set_text("mirroring", "3")  # drawn per person: scaled, people still differ
    assert session.model is model
    assert np.allclose(model.traits["mirroring"], drawn * 1.5)
    assert model.scenario_spec.values()["mirroring"] == 3.0
    assert session.set_text("noise", "0.1") and model.noise == 0.1  # one number: set as is
    assert session.set_text("rows", "10") and session.set_seed("8")
    assert session.pending() == ["rows", "seed"]
    assert session.reset()
    assert session.model is not model and session.model.n_agents == 10 * 50
    assert session.model.scenario_spec.values()["mirroring"] == 3.0 and session.pending() == []
    assert session.model.traits["mirroring"].mean() == pytest.approx(3.0, rel=0.1)


def test_a_drawn_trait_moved_before_the_first_step_builds_the_crowd_with_it(session):
    assert session.set_text("mirroring", "3")
    fresh = scenarios.get("football_crowd").replace(mirroring=3.0).build(3)
    assert np.array_equal(session.model.traits["mirroring"], fresh.traits["mirroring"])
    assert session.changes == [] and session.pending() == []


def test_a_rebuild_that_fails_keeps_the_run():
    session = Session("borderline_profile")
    assert session.set_text("scene_start", "50")  # each value is in range, but the
    assert session.set_text("scene_stop", "20")  # scene would end before it starts
    model = session.model
    assert not session.reset()
    assert session.message.startswith("Not rebuilt: scene_stop=20 must be greater than")
    assert "\n" not in session.message and session.model is model


def test_the_run_stops_at_the_scenarios_end(session):
    end = session.scenario.steps
    assert session.end == end and not session.ended
    assert session.step(end + 50) == end and session.ended
    assert session.step() == end  # nothing past the end
    assert len(session.model.dataframe()) == end + 1


def test_a_crowd_estimate_scales_the_running_crowd(session):
    assert session.crowd_estimate({}) == 2000
    assert session.crowd_estimate({"rows": 500, "cols": 500}) == 250_000  # rows x cols: exact
    assert session.crowd_estimate({"rows": 20}) == 2000  # never below the running crowd


def test_a_very_large_crowd_warns_first_and_builds_when_asked_again(session, monkeypatch):
    monkeypatch.setattr(session_module, "LARGE_CROWD", 2500)
    model = session.model
    session.set_text("rows", "60")
    assert not session.reset()
    assert session.message.startswith("That is up to 3,000 people (now 2,000)")
    assert session.message.endswith("Press Reset again to build it.")
    assert session.model is model  # nothing built yet
    assert session.reset() and session.model.n_agents == 3000


MEMORY_PROBE = """
from dashboards.session import Session

def rss_mib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024

session = Session("football_crowd", seed=3)
before = rss_mib()
session.set_text("rows", "200")
session.set_text("cols", "200")
assert session.reset() and session.model.n_agents == 40_000
grown = rss_mib() - before
session.set_text("rows", "40")
session.set_text("cols", "50")
assert session.reset()
session.tidy()
print(grown, rss_mib() - before)
"""


@pytest.mark.slow
def test_memory_of_a_large_model_is_given_back():
    # in a fresh interpreter: in the test process the heap left by earlier tests can
    # hold the big model without growing, and then there is nothing to measure
    done = subprocess.run([sys.executable, "-c", MEMORY_PROBE], capture_output=True, text=True,
                          timeout=300, check=True)
    grown, kept = map(float, done.stdout.split())
    assert grown > 50, f"the 40,000-person model took only {grown:.0f} MiB: nothing to measure"
    assert kept < 0.3 * grown, f"{kept:.0f} of {grown:.0f} MiB still held after dropping it"


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


def test_a_button_acts_from_the_next_step_and_never_rewrites_the_shown_one():
    session = Session("leader_team")
    session.step(3)
    shown = session.model.dataframe().iloc[-1].copy()
    assert session.trigger("Leader: grumpy")
    assert session.model.dataframe().iloc[-1].equals(shown)  # step 3 stays as the room saw it
    pins = [e for e in session.model.events if type(e).__name__ == "Pin" and e.start > 0]
    assert [pin.start for pin in pins] == [4]


def _same_state(a, b) -> bool:
    return np.array_equal(a.valence, b.valence) and np.array_equal(a.arousal, b.arousal)


@pytest.mark.parametrize("name", scenarios.names())
def test_split_stage_differs_only_by_the_null(name):
    session = Session(name, seed=4, split=True)
    assert session.null is not None and session.null.steps == session.model.steps == 0
    left = session.scenario.build(4)  # the same scenario, built directly
    right = build_null(session.scenario, 4, {})
    session.step(3)
    left.run(3)
    right.run(3)
    for label in session.scenario.actions:
        before = len(session.pressed)
        assert session.trigger(label), session.message
        events = session.pressed[before:]
        for model in (left, right):
            for event in events:
                model.add_event(event)
        session.step(2)
        left.run(2)
        right.run(2)
    session.step(10)  # a wave needs a few steps to travel from person to person
    left.run(10)
    right.run(10)
    assert session.model.events == session.null.events  # the same events at the same steps
    assert _same_state(session.model, left) and _same_state(session.null, right)
    assert session.model.steps == session.null.steps == 13 + 2 * len(session.scenario.actions)
    assert not _same_state(session.model, session.null)  # contagion made a difference


def test_the_null_cuts_social_contagion_and_keeps_the_stimuli():
    session = Session("football_crowd", seed=2, split=True)
    assert session.model.social and not session.null.social
    assert session.model.stimuli and session.null.stimuli
    session.step(40)  # the first goal is at step 30: the null's stands react to it too
    home = session.null_readouts()["home_valence"]
    assert home > session.null.dataframe()["home_valence"].iloc[29] + 0.1


def test_live_values_reach_both_sides():
    session = Session("football_crowd", split=True)
    session.step(1)
    for name, text in (("mirroring", "4"), ("regulation", "0.3"), ("noise", "0.05")):
        assert session.set_text(name, text)
        for model in session.models():
            assert model.scenario_spec.values()[name] == float(text)
    assert np.array_equal(session.model.traits["regulation"], session.null.traits["regulation"])


def test_split_restarts_both_sides_with_the_running_values(session):
    session.step(5)
    session.set_text("mirroring", "4.5")
    assert session.set_split(True)
    assert session.model.steps == session.null.steps == 0
    assert session.model.scenario_spec.values()["mirroring"] == 4.5
    assert session.null.scenario_spec.values()["mirroring"] == 4.5
    assert session.set_split(False) and session.null is None


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


def test_a_rebuild_says_what_it_builds(session):
    session.set_text("rows", "500")
    session.set_text("cols", "500")
    assert session.build_note("reset") == "Building the crowd (up to 250,000 people)..."
    assert session.build_note("split", True) == (
        "Building the crowd (up to 2,000 people) and its null...")
    assert session.build_note("choose") == "Opening the scenario..."


def test_controls_are_read_in_one_piece_while_another_thread_switches_scenarios():
    """The sidebar reads on the page's thread while a switch runs on a builder thread.

    It once read art_gallery's names with borderline_profile's declarations
    (``unknown parameter 'trained_share'``) and lost the sidebar. A tiny switch
    interval makes threads trade places thousands of times during the switches.
    """
    session = Session("art_gallery", seed=1)
    first, second = session.key, "borderline_profile"
    assert session.control("trained_share") is not None
    failures, done = [], threading.Event()

    def switch():
        try:
            for i in range(12):
                session.choose(second if i % 2 == 0 else first)
        finally:
            done.set()

    def read():
        while not done.is_set():
            try:
                chosen, live, on_reset = session.sections()
                for name in live + on_reset:
                    control = session.control(name)
                    if control is not None:  # None: a name of the scenario before
                        assert control.name == name and control.live == (name in live)
                        control.param.check(control.value)  # its own declaration's value
                session.pending(), session.running()
            except Exception as exc:  # noqa: BLE001 - collected, then reported
                failures.append(repr(exc))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        readers = [threading.Thread(target=read) for _ in range(2)]
        writer = threading.Thread(target=switch)
        for thread in (*readers, writer):
            thread.start()
        for thread in (writer, *readers):
            thread.join(timeout=120)
    finally:
        sys.setswitchinterval(interval)
    assert not failures, failures[:3]
    assert session.key == first and session.control("trained_share") is not None
    session.choose(second)
    assert session.control("trained_share") is None  # a stale control draws nothing
