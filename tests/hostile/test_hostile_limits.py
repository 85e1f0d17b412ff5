"""Sizes a user can set: each refused at its declared limit, before anything is allocated.

Every case runs under a 1 GiB address-space limit: a case that tried to allocate what
it asks for would fail with a MemoryError (exit 1) or be killed, not exit 2 at once.
"""

from __future__ import annotations

import os

import pytest
from hostile_inputs import tiny

NO_BAR = "--no-progress"


@pytest.mark.parametrize(("argv", "fragments"), [
    pytest.param(["run", "--agents", "1000000000", "--network", "complete"],
                 ["n_agents=1000000000", "limit of 10,000,000 agents"], id="agents"),
    pytest.param(["run", "--agents", "1000000", "--network", "complete"],
                 ["ties=499999500000", "limit of 100,000,000 ties"], id="complete-ties"),
    pytest.param(["run", "--agents", "4000000", "--network", "random", "--degree", "20"],
                 ["needs about", "of memory", "available", "memory_share"], id="memory"),
    pytest.param(["run", "--steps", "10000000"], ["--steps=10000000", "limit of 1,000,000 steps"],
                 id="steps"),
    pytest.param(["run", "--seed", "99999999999999999999999999", "--out", "o.parquet"],
                 ["--seed=", "limit of 9,223,372,036,854,775,807"], id="seed-overflow"),
    pytest.param(["run", "leader_team", "--null", "--seeds", "1000000"],
                 ["--seeds=1000000", "limit of 10,000 seeds"], id="null-seeds"),
    pytest.param(["sweep", "leader_team", "--grid", "mirroring=0:1:1000000000", "--out", "runs"],
                 ["n=1000000000", "limit of 100,000 values of one grid key"], id="grid-values"),
    pytest.param(["sweep", "leader_team", "--reps", "100000000", "--out", "runs"],
                 ["runs (grid points x reps)=100000000", "limit of 10,000,000 runs"], id="runs"),
    pytest.param(["sweep", "leader_team", "--jobs", "1000", "--out", "runs"],
                 ["--jobs=1000", "worker processes"], id="jobs"),
    pytest.param(["sweep", "leader_team", "--chunk", "1000000000", "--out", "runs"],
                 ["--chunk=1000000000", "limit of 100,000 runs per Parquet shard"], id="chunk"),
    pytest.param(["sweep", "leader_team", "--seed", "100000000000000000000", "--out", "runs"],
                 ["--seed=100000000000000000000"], id="sweep-seed"),
    pytest.param(["sweep", "leader_team", "--steps", "5000000", "--out", "runs"],
                 ["--steps=5000000", "limit of 1,000,000 steps"], id="sweep-steps"),
    pytest.param(["sweep", "football_crowd", "--grid", "rows=500", "--grid", "cols=500",
                  "--out", "runs"], ["a sweep of 1 runs in this process needs about",
                                     "memory_share"], id="sweep-memory"),
    pytest.param(["sensitivity", "leader_team", "--param", "mirroring", "--samples",
                  str(2**30)], ["limit of 10,000,000 runs"], id="sensitivity-samples"),
    pytest.param(["sweep", "leader_team", "--dask", "tcp://127.0.0.1:1", "--dask-timeout",
                  "inf", "--out", "runs"], ["--dask-timeout inf is invalid"], id="dask-timeout-inf"),
    pytest.param(["sweep", "leader_team", "--dask", "tcp://127.0.0.1:1", "--dask-timeout",
                  "1e9", "--out", "runs"], ["limit of 3,600 seconds"], id="dask-timeout-long"),
])
def test_command_line_sizes(sandbox, case, argv, fragments):
    flags = [NO_BAR] if argv[0] in ("run", "sweep", "sensitivity") else []
    sandbox.refused(case, *fragments, argv=[*argv, *flags])


@pytest.mark.parametrize(("text", "fragments"), [
    pytest.param(tiny(('recipe = "small-world"\nn_agents = 20\ndegree = 4',
                       'recipe = "speaker"\nlistener_ties = 1000000000000')),
                 ["network (speaker): ties=", "limit of 100,000,000 ties"], id="speaker-ties"),
    pytest.param(tiny(('recipe = "small-world"\nn_agents = 20\ndegree = 4',
                       'recipe = "stadium"\nrows = 100000\ncols = 100000')),
                 ["network (stadium): agents=10000000000", "limit of 10,000,000 agents"],
                 id="stadium-seats"),
    pytest.param(tiny(extra='[[events]]\ntype = "story"\nlength = 10000000000\n'),
                 ["events[0].length=10000000000", "limit of 1,000,000 steps"], id="story-length"),
    pytest.param(tiny(extra='[[events]]\ntype = "shock"\nat = 1000000000000\n'),
                 ["events[0].at=1000000000000", "steps"], id="event-step"),
    pytest.param(tiny(extra='[outcomes]\nlag = { outcome = "peak_lag", leader = "valence", '
                            'follower = "arousal", max_lag = 1000000000000 }\n'),
                 ["outcomes.lag.max_lag=1000000000000", "limit of 10,000 steps of lag"],
                 id="outcome-lag"),
    pytest.param(tiny(("[parameters.mood]", "[parameters.lag]\nvalue = 1000000\nlow = 1\n"
                       "high = 1000000000\nkind = \"int\"\ndescription = \"Lag.\"\n\n"
                       "[parameters.mood]"),
                      extra='[outcomes]\nlag = { outcome = "peak_lag", leader = "valence", '
                            'follower = "arousal", max_lag = "$lag" }\n'),
                 ["outcomes.lag.max_lag=1000000", "steps of lag"], id="outcome-lag-parameter"),
    pytest.param('extends = "leader_team"\nname = "huge_team"\n\n[parameters.members]\n'
                 "high = 100000000\nvalue = 200000\n",
                 ["network (team): ties=", "limit of 100,000,000 ties"], id="extends-members"),
    pytest.param(tiny(("duration = 5", "duration = 100000000")),
                 ["duration=100000000", "limit of 1,000,000 steps"], id="scenario-steps"),
    pytest.param("x = " + "[" * 5000 + "]" * 5000 + "\n",
                 ["nesting", "limit of 20 levels"], id="nesting-5000"),
    pytest.param(tiny(extra="[population]\nmirroring = { dist = \"gamma\", sd = 0.1 }\n"
                            "[[profiles]]\nname = \"deep\"\ntraits = { mirroring = 0.1 }\n"
                            "[[events]]\ntype = \"pin\"\nvalence = " + "[" * 24 + "0.1"
                            + "]" * 24 + "\n"),
                 ["nesting=", "limit of 20 levels"], id="nesting-25"),
    pytest.param(tiny(("description = \"A tiny scenario.\"",
                       "description = \"" + "x" * 1_100_000 + "\"")),
                 ["size=", "limit of 1,000,000 bytes in a scenario file"], id="file-size"),
])
def test_scenario_file_sizes(sandbox, case, text, fragments):
    case.put("big.toml", text)
    sandbox.refused(case, "big.toml", *fragments, argv=["show", "big.toml"])


def test_a_set_value_within_the_declared_range_is_still_bounded(sandbox, case):
    case.put("team.toml", 'extends = "leader_team"\nname = "team"\n\n[parameters.members]\n'
                          "high = 100000000\n")
    sandbox.refused(case, "network (team): ties=", "limit of 100,000,000 ties",
                    argv=["run", "team.toml", "--set", "members=100000", NO_BAR])


def test_a_graphml_file_above_its_size_limit_is_not_parsed(sandbox, case):
    path = case.put("huge.graphml", b"<graphml>")
    os.truncate(path, 300_000_000)  # sparse: costs no disk, would cost GBs to parse
    sandbox.refused(case, "huge.graphml", "limit of 200,000,000 bytes in a GraphML file",
                    argv=["run", "--graph", "huge.graphml", NO_BAR])


STRICT = "from contagion.params import STRICT_LIMITS, tighten\n"


@pytest.mark.parametrize(("code", "fragments"), [
    pytest.param(STRICT + "import scenarios\nscenarios.loads(open('pasted.toml').read(), "
                 "'pasted.toml', limits=STRICT_LIMITS)",
                 ["pasted.toml: network (small-world): agents=50000", "limit of 20,000 agents"],
                 id="strict-profile-load"),
    pytest.param(STRICT + "import scenarios\nfrom scenarios.budget import check_limits\n"
                 "check_limits(scenarios.get('leader_team'), STRICT_LIMITS, steps=1000000)",
                 ["steps=1000000", "limit of 20,000 steps"], id="strict-profile-steps"),
    pytest.param(STRICT + "import scenarios\nfrom scenarios.budget import check_limits\n"
                 "check_limits(scenarios.get('football_crowd'), STRICT_LIMITS, rows=500, "
                 "cols=500)", ["agents=250000", "limit of 20,000 agents"],
                 id="strict-profile-override"),
    pytest.param(STRICT + "from contagion.graphs import read_graph\n"
                 "read_graph('edges.csv', limits=tighten(edges=10))",
                 ["edges.csv", "ties=", "limit of 10 ties"], id="edge-list-rows"),
    pytest.param("from contagion import sweep\nsweep('leader_team', grid={'mirroring': "
                 "[i / 1e6 for i in range(200000)]}, progress=False)",
                 ["grid mirroring: values=200000", "limit of 100,000"], id="api-grid-list"),
    pytest.param("from scenarios.measures import lag_profile\nimport pandas as pd\n"
                 "lag_profile(pd.DataFrame({'step': [0, 1], 'a': [0, 1], 'b': [1, 0]}), 'a', "
                 "'b', max_lag=10**12)", ["max_lag=1000000000000", "steps of lag"],
                 id="api-lag"),
])
def test_python_sizes(sandbox, case, code, fragments):
    case.put("pasted.toml", tiny(("n_agents = 20", "n_agents = 50000")))
    case.put("edges.csv", "source,target\n" + "".join(f"{i},{i + 1}\n" for i in range(40)))
    sandbox.refused(case, *fragments, code=code)
