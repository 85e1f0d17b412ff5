"""Scenario files: TOML in and out, ``extends``, no code execution, one clear error."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest

import scenarios

TINY = textwrap.dedent('''
    name = "tiny"
    title = "Tiny"
    description = "A tiny test scenario."
    references = ["Someone, A. (2020). A paper. A Journal, 1, 1-2."]
    duration = 5

    [network]
    recipe = "small-world"
    n_agents = 20
    degree = 4

    [parameters]
    mirroring = 0.4

    [parameters.mood]
    value = 0.5
    low = -1.0
    high = 1.0
    description = "The mood of the pinned people."

    [[profiles]]
    name = "calm"
    share = 0.5
    traits = { regulation = 0.2 }

    [[events]]
    type = "pin"
    who = [0, 1]
    valence = "$mood"
''')


def write(tmp_path, text, name="scenario.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_loads_builds_and_runs(tmp_path):
    scenario = scenarios.load(write(tmp_path, TINY))
    assert scenario.name == "tiny" and scenario.parameter("mood").value == 0.5
    frame = scenario.run(rng=1, mood=-0.5)
    assert len(frame) == 6 and scenario.build(1).valence[:2].tolist() == [0.5, 0.5]
    assert scenarios.loads(scenario.to_toml()) == scenario


def test_a_seed_key_is_kept_and_written_back(tmp_path):
    scenario = scenarios.load(write(tmp_path, TINY.replace("duration = 5", "duration = 5\nseed = 7")))
    assert scenario.seed == 7 and scenarios.load(write(tmp_path, TINY)).seed is None
    assert scenarios.loads(scenario.to_toml()) == scenario


def test_cli_and_python_read_the_same_file(tmp_path):
    path = write(tmp_path, TINY)
    assert scenarios.by_name_or_file(str(path)) == scenarios.load(path)


def test_extends_overrides_parameters_profiles_and_events(tmp_path):
    path = write(tmp_path, textwrap.dedent('''
        extends = "football_crowd"
        name = "derby"
        title = "A local derby"

        [parameters]
        outgroup_sign = -1.0
        goals = [[300, "away"], [2550, "home"]]  # seconds: steps of 30 s
        rows = 6

        [parameters.goal_joy]
        value = 0.8

        [[profiles]]
        name = "fans"
        traits = { expertise = 1.0 }

        [[profiles]]
        name = "ultras"
        who = "away"
        share = 0.5
        traits = { mirroring = 0.9 }
    '''))
    derby = scenarios.load(path)
    base = scenarios.get("football_crowd")
    assert derby.name == "derby" and derby.title == "A local derby"
    assert derby.description == base.description and derby.references == base.references
    assert derby.values()["outgroup_sign"] == -1.0
    assert derby.parameter("goals").value == ((300, "away"), (2550, "home"))
    assert derby.parameter("goal_joy").value == 0.8
    assert derby.parameter("goal_joy").description == base.parameter("goal_joy").description
    assert derby.parameter("rows").value == 6 and derby.parameter("cols").value == 50
    assert [p["name"] for p in derby.profiles] == ["missed", "fans", "ultras"]  # merged by name
    model = derby.build(0, cols=8)
    assert (model.traits["expertise"] == 1.0).all()
    away = model.group_codes == model.group_names.index("away")
    assert (model.traits["mirroring"][away] == 0.9).sum() == away.sum() // 2
    assert sorted({e.start for e in model.events}) == [11, 86]  # acting from 300 s to 330 s
    assert scenarios.loads(derby.to_toml()) == derby  # saved without extends: complete


def test_extends_replaces_the_event_list(tmp_path):
    path = write(tmp_path, textwrap.dedent('''
        extends = "leader_team"
        name = "quiet_team"
        title = "A leader who shows nothing"

        [[events]]
        type = "shock"
        at = 3.0
        valence = -0.5
        who = "member"
    '''))
    quiet = scenarios.load(path)
    assert len(quiet.events) == 1 and quiet.events[0]["type"] == "shock"
    frame = quiet.run(rng=0)
    assert frame["member_valence"].iloc[3] < -0.2


def test_loading_never_executes_code(tmp_path):
    marker = tmp_path / "pwned"
    code = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    text = TINY.replace('"A tiny test scenario."', json.dumps(code))
    scenario = scenarios.load(write(tmp_path, text))
    assert scenario.description == code
    scenario.run(rng=0)
    scenario.describe()
    assert not marker.exists()
    for key, value in (("recipe", "os:system"), ("recipe", "eval")):
        bad = TINY.replace('recipe = "small-world"', f'{key} = "{value}"')
        with pytest.raises(ValueError, match="network.recipe"):
            scenarios.load(write(tmp_path, bad))
    bad = TINY + '\n[metrics]\nx = { measure = "builtins:eval", expression = "1" }\n'
    with pytest.raises(ValueError, match="metrics.x: measure='builtins:eval' is not known"):
        scenarios.load(write(tmp_path, bad))
    assert not marker.exists()


def _cases():
    def sub(old, new):
        assert old in TINY
        return TINY.replace(old, new)

    yield "syntax", sub("duration = 5", "steps = "), r"TOML syntax error: .*line 6"
    yield "unknown top key", TINY + '\ncolour = "red"\n', r"unknown key 'colour'"
    yield "unknown profile key", sub("share = 0.5", "shares = 0.5"), r"profiles\[0\]: unknown key 'shares'"
    yield "unknown trait", sub("regulation = 0.2", "regulaton = 0.2"), r"profiles.calm.traits: unknown key 'regulaton'"
    yield "unknown event key", sub('who = [0, 1]', 'who = [0, 1]\nwhen = 3'), r"events\[0\]: unknown key 'when'"
    yield "unknown event type", sub('type = "pin"', 'type = "pinch"'), r"events\[0\]: type='pinch' is not known"
    yield "unknown network key", sub("degree = 4", "degre = 4"), r"network \(small-world\): unknown key 'degre'"
    yield "unknown parameter", sub("mirroring = 0.4", "mirorring = 0.4"), r"unknown parameter .*'mirorring' \(did you mean 'mirroring'\?\)"
    yield "unknown declaration key", sub('high = 1.0', 'high = 1.0\nunit = "mood"'), r"parameters.mood: unknown key 'unit'"
    yield "incomplete declaration", sub('high = 1.0\n', ''), r"parameters.mood: missing high"
    yield "string for a number", sub("mirroring = 0.4", 'mirroring = "high"'), r"mirroring='high' is not a number"
    yield "string for a declared number", sub("value = 0.5", 'value = "0.5"'), r"mood='0.5' is not a number"
    yield "out of range", sub("mirroring = 0.4", "mirroring = 31.4"), r"mirroring=31.4 is out of range: allowed \[0, 30\]"
    yield "declared out of range", sub("value = 0.5", "value = 1.5"), r"mood=1.5 is out of range"
    yield "share out of range", sub("share = 0.5", "share = 1.5"), r"profiles.calm.share=1.5 is out of range"
    yield "trait out of range", sub("regulation = 0.2", "regulation = 40"), r"profiles.calm.traits.regulation=40 is out of range"
    yield "unknown distribution", sub("regulation = 0.2", 'regulation = { dist = "cauchy" }'), r"traits.regulation.dist='cauchy' is not known"
    yield "event value out of range", sub('valence = "$mood"', "valence = 3"), r"events\[0\].valence=3 is out of range"
    yield "event time negative", sub('type = "pin"', 'type = "pin"\nstart = -2.5'), r"events\[0\].start=-2.5 is out of range"
    yield "steps wrong type", sub("duration = 5", 'duration = "five"'), r"duration='five' is invalid"
    yield "negative seed", sub("duration = 5", "duration = 5\nseed = -1"), r"seed=-1 is invalid: allowed whole numbers"
    yield "unknown extends", 'extends = "footbal_crowd"\n', r"extends='footbal_crowd': unknown scenario .*football_crowd"
    yield "unknown recipe", sub('recipe = "small-world"', 'recipe = "ring"'), r"network.recipe='ring' is not known"
    yield "unknown measure", TINY + '\n[metrics]\nx = { measure = "median" }\n', r"metrics.x: measure='median' is not known"
    yield "unknown measure argument", TINY + '\n[metrics]\nx = { measure = "group_mean", grop = "a" }\n', r"metrics.x: unknown key 'grop'"
    yield "missing measure argument", TINY + '\n[metrics]\nx = { measure = "contacts_valence" }\n', r"metrics.x: missing key 'group'"
    yield "unknown outcome", TINY + '\n[outcomes]\ny = { outcome = "median", column = "valence" }\n', r"outcomes.y: outcome='median' is not known"
    yield "undeclared reference", sub('valence = "$mood"', 'valence = "$mod"'), r"'\$mod' refers to no parameter"
    yield "missing key", sub('title = "Tiny"\n', ''), r"missing key 'title'"
    yield "list expected", sub('references = ["Someone, A. (2020). A paper. A Journal, 1, 1-2."]', 'references = "Someone"'), r"references must be a list"
    yield "table expected", 'name = "tiny"\nparameters = 3\n', r"parameters must be a table"
    yield "bad name", sub('name = "tiny"', 'name = "Tiny Scenario"'), r"name: 'Tiny Scenario' is not valid as a scenario name"
    yield "unknown time unit", sub("duration = 5", 'duration = 5\ntime_unit = "fortnight"'), r"time_unit='fortnight' is not known: allowed second, minute"
    yield "zero time step", sub("duration = 5", "duration = 5\ndt = 0"), r"dt=0 is invalid: allowed finite numbers > 0"
    yield "population not a distribution", TINY + "\n[population]\nmirroring = 0.3\n", r"population.mirroring must be a distribution table"
    yield "population unknown trait", TINY + '\n[population]\nmirorring = { dist = "gamma", sd = 0.1 }\n', r"population: unknown key 'mirorring'"
    yield "population missing sd", TINY + '\n[population]\nmirroring = { dist = "gamma" }\n', r"population.mirroring: dist='gamma' needs sd"
    yield "population gamma on a signed trait", TINY + '\n[population]\nbaseline = { dist = "gamma", mean = 0.1, sd = 0.1 }\n', r"population.baseline: dist='gamma' draws positive values"
    yield "population without a centre", TINY + '\n[population]\nbaseline = { dist = "normal", sd = 0.1 }\n', r"population.baseline: give a mean, or a value of baseline"
    yield "choice option key", TINY + "\n[choices.work]\nin_step = { intercept = 1, valence = 2, mood = 3 }\n", r"choices.work.in_step: unknown key 'mood'"
    yield "choice coefficient range", TINY + "\n[choices.work]\nin_step = { intercept = 100 }\n", r"choices.work.in_step.intercept=100 is out of range"
    yield "choice without options", TINY + '\n[choices.work]\nwho = "a"\n', r"choices.work: declare at least one option"
    yield "channels key", TINY + '\n[channels]\nfaces = "x"\n', r"channels: unknown key 'faces'"
    yield "finding incomplete", TINY + '\n[[findings]]\ninput = "x"\nmechanism = "y"\n', r"findings\[0\].emergent must be a non-empty string"
    yield "old broadcast event", sub('type = "pin"', 'type = "broadcast"'), r"events\[0\]: type='broadcast' is not known: allowed stimulus"
    yield "unknown rule", sub("duration = 5", 'duration = 5\nrule = "voter"'), r"rule='voter' is not known: allowed mirroring, excitable, sisa$"
    yield "parameter of another rule", sub("mirroring = 0.4", "mirroring = 0.4\nthreshold = 0.3"), r"threshold=0.3 has no effect in scenario tiny: it belongs to the excitable rule"


@pytest.mark.parametrize(("text", "message"), [pytest.param(t, m, id=i) for i, t, m in _cases()])
def test_bad_file_one_message_naming_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text, "bad_scenario.toml")
    with pytest.raises(ValueError, match=message) as info:
        scenarios.load(path)
    assert str(info.value).startswith(f"{path}: ")
    assert "\n" not in str(info.value)


def test_population_choices_channels_and_findings_load_round_trip_and_act(tmp_path):
    text = TINY.replace("duration = 5", 'duration = 5\ndt = 10.0\ntime_unit = "second"') + textwrap.dedent('''
        [population]
        mirroring = { dist = "gamma", sd = 0.1 }
        baseline = { dist = "normal", mean = 0.0, sd = 0.2 }

        [choices.work]
        in_step = { intercept = -1.0, valence = "$mood", peers = 2.0 }

        [channels]
        people = "Twenty people on a small world."
        stimuli = "None."

        [[findings]]
        input = "The mood of two pinned people."
        mechanism = "Mirroring."
        emergent = "How far it spreads."
    ''')
    scenario = scenarios.load(write(tmp_path, text))
    assert (scenario.dt, scenario.time_unit) == (10.0, "second")
    assert scenarios.loads(scenario.to_toml()) == scenario
    model = scenario.build(3)
    assert model.dt == 10.0 and model.time_unit == "second"
    assert np.std(model.traits["mirroring"]) > 0.01 and np.std(model.traits["baseline"]) > 0.05
    assert "work_in_step" in model.run(3)
    flat = scenario.build(3, heterogeneity=0.0)
    np.testing.assert_array_equal(flat.traits["mirroring"], 0.4)
    assert "one step is 10 seconds" in scenario.describe()
    assert "emergent: How far it spreads." in scenario.describe()


def test_missing_file(tmp_path):
    with pytest.raises(ValueError, match="nowhere.toml: cannot read scenario file"):
        scenarios.load(tmp_path / "nowhere.toml")
