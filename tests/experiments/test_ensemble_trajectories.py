"""Every person of every run of an ensemble follows the same run built and stepped alone.

The table tests (``test_ensemble_runs``) compare what runs report; these compare the
state itself: each agent's valence and arousal at every step, for every built-in
scenario, with drawn people, noise, the scenario's events and both null models, runs
of several seeds in a shuffled order, alone and among the others. The library's
scenarios all run as ensembles; what cannot is refused or falls back by name.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_ensemble_runs import CASES

import scenarios
from contagion.ensemble import Ensemble, RunSpec
from contagion.experiments.ensemble import run_many
from scenarios.batch import RunBuilder, unbatchable_reason

TOLERANCE = 1e-12
SEEDS = (11, 12)
LIBRARY = Path(scenarios.__file__).parent / "library"


#: Library scenarios the ensemble engine cannot run, and the reason their notice names.
FALLS_BACK = {
    "mexican_wave": "rule='excitable': the ensemble engine runs the mirroring rule only",
    "happiness_framingham": "rule='sisa': the ensemble engine runs the mirroring rule only",
    "art_gallery": "metric party_spread uses measure 'spread_within', which has no ensemble "
                   "form",
}


def test_every_scenario_of_the_library_is_compared_or_falls_back_by_name():
    """A new scenario cannot miss the comparisons: it is batched and compared, or says why not."""
    assert set(CASES) | set(FALLS_BACK) == {path.stem for path in LIBRARY.glob("*.toml")}
    for name in CASES:
        assert unbatchable_reason(scenarios.get(name)) is None, name
    for name, reason in FALLS_BACK.items():
        assert reason in unbatchable_reason(scenarios.get(name)), name


@pytest.mark.parametrize("name", ["mexican_wave", "happiness_framingham"])
def test_a_discrete_rule_runs_one_model_at_a_time_with_one_notice(name):
    scenario = scenarios.get(name)
    runs = [({}, 1), ({}, 2)]
    with pytest.warns(RuntimeWarning, match=f"{name}: running one model at a time: "
                                            f"{FALLS_BACK[name][:12]}") as caught:
        table = run_many(scenario, runs, 3)
    assert len(caught) == 1
    pd.testing.assert_frame_equal(table, run_many(scenario, runs, 3, batch=False))
    model = scenario.build(1, space=False)
    with pytest.raises(ValueError, match="an ensemble runs the mirroring rule only"):
        RunSpec.from_model(model)


def _runs(name: str) -> list[tuple[dict, int]]:
    size, steps, variants = CASES[name]
    runs = [({**size, **variant}, seed) for variant in [{}, *variants] for seed in SEEDS]
    random.Random(f"{name} trajectories").shuffle(runs)
    return runs


def _ensemble(scenario, runs, null) -> Ensemble:
    builder = RunBuilder(scenario, null)
    specs = [builder.spec(params, seed) for params, seed in runs]
    return Ensemble(specs, builder.reporters([builder.point(params) for params, _ in runs]))


def _same_state(ens: Ensemble, r: int, model, context) -> None:
    part = slice(int(ens.offsets[r]), int(ens.offsets[r + 1]))
    for name in ("valence", "arousal"):
        np.testing.assert_allclose(getattr(ens, name)[part], getattr(model, name), rtol=0,
                                   atol=TOLERANCE, err_msg=f"{context} {name}")


@pytest.mark.parametrize("null", [None, "social", "stimulus"])
@pytest.mark.parametrize("name", list(CASES))
def test_every_agent_of_every_run_follows_its_model_at_every_step(name, null):
    scenario = scenarios.get(name)
    steps = CASES[name][1]
    runs = _runs(name)
    together = _ensemble(scenario, runs, null)
    first_alone = _ensemble(scenario, runs[:1], null)  # a batch of one
    alone = [scenario.build(seed, null=null, space=False, **params) for params, seed in runs]
    for step in range(steps + 1):
        if step:
            together.step()
            first_alone.step()
            for model in alone:
                model.step()
        for r, model in enumerate(alone):
            _same_state(together, r, model, (name, null, runs[r], step))
        _same_state(first_alone, 0, alone[0], (name, null, runs[0], step, "batch of one"))


@pytest.mark.parametrize("null", ["social", "stimulus"])
def test_null_models_give_their_tables(null):
    """``run_many(null=...)`` gives ``Scenario.run(null=...)``'s table for every run."""
    for name in CASES:
        scenario, steps, runs = scenarios.get(name), CASES[name][1], _runs(name)[:3]
        frames = run_many(scenario, runs, steps, frames=True, null=null, batch_size=2)
        for (params, seed), frame in zip(runs, frames):
            expected = scenario.run(steps, seed, null=null, **params)
            pd.testing.assert_frame_equal(frame, expected, check_exact=False, rtol=0,
                                          atol=TOLERANCE, obj=f"{name} {null} {params} {seed}")
