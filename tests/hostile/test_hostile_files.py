"""Scenario files a careless or hostile user hands over: refused at load, naming file and key.

Each file here used to pass ``contagion show`` and fail at run time with an internal
error, or load a name that is markup, or give a message that did not say which file or
key was wrong. ``show`` must now refuse it, as the loader does, in one line.
"""

from __future__ import annotations

import os

import pytest
from hostile_inputs import tiny

SMALL_WORLD = 'recipe = "small-world"\nn_agents = 20\ndegree = 4'


FILES = [
    # references resolved against what the scenario defines
    pytest.param(tiny(extra='[outcomes]\nx = { outcome = "final", column = "nope" }\n'),
                 ["outcomes.x.column='nope'"], id="outcome-unknown-column"),
    pytest.param(tiny(extra='[outcomes]\nx = { outcome = "peak_lag", leader = "valence", '
                            'follower = "nope" }\n'),
                 ["outcomes.x.follower='nope'"], id="outcome-unknown-follower"),
    pytest.param(tiny(("duration = 5", 'duration = 5\nkey_metrics = ["nope"]')),
                 ["key_metrics", "'nope'"], id="key-metric-unknown"),
    pytest.param(tiny(extra='[[events]]\ntype = "pin"\nvalence = 0.1\nstart = "soon"\n'),
                 ["events[0].start", "'soon'"], id="event-start-string"),
    pytest.param(tiny(extra='[[events]]\ntype = "pin"\nvalence = 0.1\nstart = -2.5\n'),
                 ["events[0].start=-2.5"], id="event-start-negative"),
    pytest.param(tiny(extra='[[events]]\ntype = "pin"\nvalence = 0.1\nwho = "nobody"\n'),
                 ["events[0].who", "'nobody'"], id="event-unknown-group"),
    pytest.param(tiny(extra='[[events]]\ntype = "earthquake"\n'),
                 ["events[0]", "'earthquake'"], id="event-unknown-type"),
    pytest.param(tiny(extra='[metrics.x]\nmeasure = "trait_subset_mean"\nvariable = "__class__"\n'
                            'trait = "mirroring"\nlow = 0\nhigh = 1\n'),
                 ["metrics.x.variable='__class__'", "allowed arousal, valence"],
                 id="measure-dunder-variable"),
    pytest.param(tiny(extra='[metrics.x]\nmeasure = "trait_subset_mean"\nvariable = "valence"\n'
                            'trait = "__dict__"\nlow = 0\nhigh = 1\n'),
                 ["metrics.x.trait='__dict__'"], id="measure-dunder-trait"),
    pytest.param(tiny(extra='[metrics.x]\nmeasure = "group_mean"\ngroup = "nobody"\n'
                            'variable = "valence"\n'),
                 ["metrics.x.group='nobody'"], id="measure-unknown-group"),
    pytest.param(tiny(extra='[metrics.x]\nmeasure = "eval"\n'), ["metrics.x", "'eval'"],
                 id="measure-unknown"),
    pytest.param(tiny(extra='[outcomes]\nx = { outcome = "final", column = "$nothing" }\n'),
                 ["'$nothing'"], id="reference-undeclared-parameter"),
    pytest.param('extends = "leader_team"\nname = "odd_team"\nprofiles = [1, 2]\n',
                 ["profiles[0]", "table"], id="extends-profiles-not-tables"),
    pytest.param('extends = ["x"]\nname = "odd"\n', ["extends=['x']", "the name of one scenario"],
                 id="extends-list"),
    pytest.param('extends = "no_such_scenario"\nname = "odd"\n', ["extends", "no_such_scenario"],
                 id="extends-unknown"),
    pytest.param('extends = "../../../etc/passwd"\nname = "odd"\n', ["extends"],
                 id="extends-path"),
    # declared names are identifiers: no markup reaches a page, a column or a terminal
    pytest.param(tiny(("[parameters.mood]", '[parameters."<img src=x onerror=alert(1)>"]')),
                 ["parameters", "not valid as a parameter name"], id="parameter-name-markup"),
    pytest.param(tiny(('name = "tiny"', 'name = "<script>alert(1)</script>"')),
                 ["not valid as a scenario name"], id="scenario-name-markup"),
    pytest.param(tiny(extra='[metrics."a b"]\nmeasure = "group_mean"\ngroup = "all"\n'
                            'variable = "valence"\n'),
                 ["metrics", "not valid as a metric name"], id="metric-name-space"),
    pytest.param(tiny(extra='[[profiles]]\nname = "x\\u001b[31m"\ntraits = { mirroring = 0.1 }\n'),
                 ["profiles[0]", "not valid as a profile name"], id="profile-name-escape"),
    pytest.param(tiny(("[parameters.mood]", "[parameters." + "m" * 65 + "]")),
                 ["not valid as a parameter name", "at most 64 characters"], id="parameter-name-long"),
    # values of the wrong kind are errors, never rounded or dropped
    pytest.param(tiny(("n_agents = 20", "n_agents = 20.7")), ["n_agents=20.7"],
                 id="fractional-agents"),
    pytest.param(tiny(("duration = 5", "duration = -5")), ["duration=-5"], id="negative-duration"),
    pytest.param(tiny(("n_agents = 20", "n_agents = -3")), ["n_agents=-3"], id="negative-agents"),
    pytest.param(tiny(("n_agents = 20", "n_agents = true")), ["n_agents=True"], id="bool-agents"),
    pytest.param(tiny(("value = 0.5", "value = nan")), ["mood", "nan"], id="parameter-nan"),
    pytest.param(tiny(("value = 0.5", "value = inf")), ["mood", "inf"], id="parameter-inf"),
    pytest.param(tiny(("recipe = \"small-world\"", "recipe = \"__import__\"")),
                 ["network.recipe='__import__'"], id="recipe-unknown"),
    pytest.param(tiny(extra='[population]\nexpressiveness = { dist = "beta", mean = 0.0, '
                            'sd = 0.1 }\n'), ["population.expressiveness", "beta"],
                 id="beta-at-the-edge"),
    pytest.param(tiny(extra="unknown_key = 1\n"), ["unknown key 'unknown_key'"],
                 id="unknown-top-level-key"),
    # syntax: file and line
    pytest.param(tiny(("duration = 5", "steps = = 5")), ["TOML syntax error", "line 5"],
                 id="syntax-error-line"),
    pytest.param(b'name = "tiny"\ntitle = "\xff\xfe"\n', ["UTF-8"], id="invalid-utf8"),
]


@pytest.mark.parametrize(("text", "fragments"), FILES)
def test_scenario_files_refused_at_load(sandbox, case, text, fragments):
    case.put("bad.toml", text)
    sandbox.refused(case, "bad.toml", *fragments, argv=["show", "bad.toml"])


@pytest.mark.parametrize(("text", "fragments"), FILES)
def test_the_python_loader_refuses_them_too(sandbox, case, text, fragments):
    """``scenarios.load`` raises the same ValueError that ``show`` prints."""
    case.put("bad.toml", text)
    sandbox.refused(case, "bad.toml", *fragments,
                    code="import scenarios\nscenarios.load('bad.toml')")


def test_a_file_refused_by_show_is_refused_by_run(sandbox, case):
    case.put("bad.toml", tiny(extra='[outcomes]\nx = { outcome = "final", column = "nope" }\n'))
    sandbox.refused(case, "bad.toml", "outcomes.x.column='nope'",
                    argv=["run", "bad.toml", "--no-progress", "--out", "o.csv"])


def test_key_metrics_are_checked_before_null_and_plot(sandbox, case):
    case.put("bad.toml", tiny(("duration = 5", 'duration = 5\nkey_metrics = ["nope"]')))
    sandbox.refused(case, "bad.toml", "key_metrics", argv=["run", "bad.toml", "--null",
                                                           "--seeds", "2", "--no-progress"])


@pytest.mark.parametrize(("argv", "fragments"), [
    pytest.param(["run", ""], ["empty"], id="empty-scenario-name"),
    pytest.param(["run", "   "], ["empty"], id="blank-scenario-name"),
    pytest.param(["show", "no_such_scenario"], ["no_such_scenario"], id="unknown-scenario"),
    pytest.param(["show", "missing.toml"], ["missing.toml", "No such file"], id="missing-file"),
    pytest.param(["show", "folder.toml"], ["folder.toml", "directory"], id="folder-as-file"),
    pytest.param(["show", "fifo.toml"], ["fifo.toml", "not a regular file"], id="fifo-as-file"),
    pytest.param(["run", "--graph", "folder.csv", "--no-progress"], ["directory"],
                 id="folder-as-graph"),
    pytest.param(["run", "--graph", "fifo.csv", "--no-progress"], ["not a regular file"],
                 id="fifo-as-graph"),
])
def test_names_and_special_files(sandbox, case, argv, fragments):
    (case.path / "folder.toml").mkdir()
    (case.path / "folder.csv").mkdir()
    os.mkfifo(case.path / "fifo.toml")
    os.mkfifo(case.path / "fifo.csv")
    sandbox.refused(case, *fragments, argv=argv, seconds=20)


def test_a_byte_order_mark_is_accepted(sandbox, case):
    case.put("bom.toml", b"\xef\xbb\xbf" + tiny().encode())
    outcome = sandbox.run(case, ["show", "bom.toml"])
    assert outcome.code == 0, outcome.stderr


def test_control_characters_in_a_title_never_reach_the_terminal(sandbox, case):
    case.put("ansi.toml", tiny(('title = "Tiny"', 'title = "Tiny\\u001b[2J\\u001b]0;pwned\\u0007 '
                                                  'crowd\\u202e"')))
    outcome = sandbox.run(case, ["show", "ansi.toml"])
    assert outcome.code == 0, outcome.stderr
    assert "Tiny" in outcome.stdout and "crowd" in outcome.stdout
    for control in ("\x1b", "\x07", "\u202e"):
        assert control not in outcome.stdout + outcome.stderr
