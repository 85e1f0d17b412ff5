"""The ensemble engine advances each run as the vectorised engine advances it alone.

Runs of different graphs, parameter sets (groups with inverted out-groups, trait
arrays, stiff steps in parts, noise, stimuli, shocks, scripted pins with
anticipation, choices, the fair null) and seeds share one ensemble; after every step
each run's state equals that of the same model stepped alone, to 1e-12, and its
collected metrics equal the model's table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_engines_agree import GRAPHS, PARAMETER_SETS, STEPS, WORK

from contagion import ContagionModel, Pin, Shock, Stimulus, engine, ensemble, networks
from contagion.behaviour import Choice, Option
from contagion.ensemble import Ensemble, RunSpec

TOLERANCE = 1e-12
#: The parameter sets of the engine-agreement tests, less the one whose stimulus picks
#: its audience with a function (that needs Mesa agents; see the error test below).
BATCHABLE = {name: params for name, params in PARAMETER_SETS.items() if name != "events"}
BATCHABLE["events-listed"] = dict(
    PARAMETER_SETS["events"],
    events=[e for e in PARAMETER_SETS["events"]["events"] if not callable(e.who)]
    + [Stimulus(start=4, valence=-0.6, strength=0.5, who=[3, 9, 10])])


def _models(combos, seed_shift=0):
    return [ContagionModel(GRAPHS[graph](), rng=seed + seed_shift, **BATCHABLE[params])
            for graph, params, seed in combos]


def _assert_state(ens, r, model, context):
    part = slice(int(ens.offsets[r]), int(ens.offsets[r + 1]))
    np.testing.assert_allclose(ens.valence[part], model.valence, rtol=0, atol=TOLERANCE,
                               err_msg=context)
    np.testing.assert_allclose(ens.arousal[part], model.arousal, rtol=0, atol=TOLERANCE,
                               err_msg=context)


COMBOS = [(graph, params, seed) for graph in GRAPHS for params in BATCHABLE
          for seed in (0, 1)]


#: An ensemble's runs share one time step and which channels are on (as the runs of a
#: scenario do): parameter sets that set their own go into ensembles of their own.
def _shared(combo) -> tuple:
    params = BATCHABLE[combo[1]]
    return params.get("dt", 1.0), params.get("time_unit", "minute"), params.get("social", True)


GROUPS = {f"dt={dt} {unit}s, social={social}": [c for c in COMBOS if _shared(c) == key]
          for key in dict.fromkeys(map(_shared, COMBOS)) for dt, unit, social in [key]}
SHARED = GROUPS["dt=1.0 minutes, social=True"]


@pytest.fixture(scope="module", params=list(GROUPS.values()), ids=list(GROUPS))
def stepped(request):
    """The combinations in one ensemble, and each alone, with their states after every step."""
    combos = request.param
    alone = _models(combos)
    together = Ensemble([RunSpec.from_model(m) for m in _models(combos)])
    trajectories = []
    for _ in range(STEPS):
        together.step()
        for model in alone:
            model.step()
        trajectories.append((together.valence.copy(), together.arousal.copy(),
                             [(m.valence.copy(), m.arousal.copy()) for m in alone]))
    return combos, together, alone, trajectories


def test_every_run_of_a_mixed_ensemble_follows_its_own_model_after_every_step(stepped):
    combos, together, alone, trajectories = stepped
    assert together.n_runs == len(combos) > 1
    for step, (valence, arousal, states) in enumerate(trajectories, start=1):
        for r, (combo, (model_v, model_a)) in enumerate(zip(combos, states)):
            part = slice(int(together.offsets[r]), int(together.offsets[r + 1]))
            context = f"{combo} step {step}"
            np.testing.assert_allclose(valence[part], model_v, rtol=0, atol=TOLERANCE,
                                       err_msg=context)
            np.testing.assert_allclose(arousal[part], model_a, rtol=0, atol=TOLERANCE,
                                       err_msg=context)


def test_the_mixed_ensemble_mixes_what_it_should():
    """Guard: runs solving valence on its own and jointly, in one and in many parts."""
    together = Ensemble([RunSpec.from_model(m) for m in _models(SHARED[::7])])
    assert together.inverted.any() and not together.inverted.all()
    assert {len(slots) for slots in together.slots_of_run} == {0, 1}
    models = _models([("sparse", "stiff-parts", 0), ("sparse", "defaults", 0)])
    counts = []
    for m in models:
        social = float(m.traits["mirroring"].max())
        total = social + float(m.traits["regulation"].max())
        counts.append(engine.rules.substeps(social, total, engine.rules.stable_step(social, total),
                                            m.dt_minutes, m.tolerance))
    assert counts == [25, 2]


def test_metrics_of_every_run_are_its_models_table(stepped):
    combos, together, alone, _ = stepped
    values = together.collect()
    for r, model in enumerate(alone):
        frame = model.dataframe()
        columns = together.columns(r)
        assert columns == list(frame.columns), combos[r]
        final = frame.iloc[-1]
        for column in columns:
            expected, got = float(final[column]), float(values[column][r])
            assert got == pytest.approx(expected, abs=TOLERANCE, rel=0, nan_ok=True), (
                combos[r], column)


def test_choices_are_made_and_runs_differ():
    """Guards for the comparisons above: the ensemble really chooses and really varies."""
    models = _models([("small-world", "choices", 0), ("small-world", "choices", 1)])
    together = Ensemble([RunSpec.from_model(m) for m in models])
    together.run(STEPS)
    shares = together.collect(["work_in_step", "work_effort"])
    assert (shares["work_in_step"] > 0).all() and (shares["work_effort"] > 0).all()
    assert abs(together.valence[:24] - together.valence[24:]).max() > 1e-3


def test_a_run_does_not_depend_on_its_batch():
    """The same run alone in an ensemble, and among others in any order: the same states."""
    combos = [("groups", "groups-inverted", 3), ("sparse", "stiff-parts", 4),
              ("directed-weighted", "events-listed", 5)]
    alone = Ensemble([RunSpec.from_model(m) for m in _models(combos[:1])])
    mixed = Ensemble([RunSpec.from_model(m) for m in _models(combos[::-1])])
    alone.run(STEPS)
    mixed.run(STEPS)
    last = slice(int(mixed.offsets[2]), int(mixed.offsets[3]))
    np.testing.assert_array_equal(mixed.valence[last], alone.valence)
    np.testing.assert_array_equal(mixed.arousal[last], alone.arousal)


def test_runs_with_their_own_tolerance_take_their_own_sub_steps():
    """A run keeps its own tolerance (its own count of sub-steps) inside an ensemble."""
    combos = [("groups", "groups-inverted", 0), ("small-world", "stiff-parts", 1)]
    alone = _models(combos)
    alone[1].tolerance = 0.1
    specs = [RunSpec.from_model(m) for m in _models(combos)]
    specs[1].tolerance = 0.1
    together = Ensemble(specs)
    for step in range(4):
        together.step()
        for r, model in enumerate(alone):
            model.step()
            _assert_state(together, r, model, f"{combos[r]} step {step}")
    coarse = _models(combos[1:])[0]
    coarse.run(4)
    assert np.abs(coarse.valence - alone[1].valence).max() > 1e-9  # the tolerance mattered


def test_events_choosing_agents_with_a_function_are_refused():
    model = ContagionModel(GRAPHS["small-world"](), rng=0, **PARAMETER_SETS["events"])
    with pytest.raises(ValueError, match="selects agents with a function.*cannot run in an "
                                         "ensemble"):
        Ensemble([RunSpec.from_model(model)])


@pytest.mark.parametrize("change, message", [
    (lambda m: m.step(), "has made 1 steps: an ensemble starts from freshly built models"),
    (lambda m: setattr(m, "engine", "agents"), "engine='agents': an ensemble runs the "
                                               "vectorised engine"),
])
def test_models_an_ensemble_cannot_take_are_refused(change, message):
    model = ContagionModel(networks.small_world(20, degree=4, rng=1), rng=1)
    change(model)
    with pytest.raises(ValueError, match=message):
        RunSpec.from_model(model)


def test_runs_with_different_time_steps_channels_or_choices_are_refused():
    graph = networks.small_world(20, degree=4, rng=1)
    minute, second = (RunSpec.from_model(ContagionModel(graph, rng=1, dt=dt))
                      for dt in (1.0, 2.0))
    with pytest.raises(ValueError, match=r"share one dt, got \[1.0, 2.0\]"):
        Ensemble([minute, second])
    null = RunSpec.from_model(ContagionModel(graph, rng=1, social=False))
    with pytest.raises(ValueError, match=r"share one social, got \[False, True\]"):
        Ensemble([minute, null])
    other = Choice("work", [Option("in_step"), Option("sleep")])
    work, other_work = (RunSpec.from_model(ContagionModel(graph, rng=1, choices=[c]))
                        for c in (WORK, other))
    with pytest.raises(ValueError, match=r"choice work: .* same options, got \['in_step', "
                                         r"'effort'\] and \['in_step', 'sleep'\]"):
        Ensemble([work, other_work])
    rest = Choice("rest", [Option("nap")])
    orders = (RunSpec.from_model(ContagionModel(graph, rng=1, choices=c))
              for c in ([WORK, rest], [rest, WORK]))
    with pytest.raises(ValueError, match=r"make their choices in one order: \['work', 'rest'\]"):
        Ensemble(list(orders))
    with pytest.raises(ValueError, match="at least one run"):
        Ensemble([])


def test_pins_shocks_and_stimuli_reach_only_their_runs():
    """Events of one run leave the other runs of the ensemble alone."""
    graph = networks.small_world(20, degree=4, rng=2)
    events = [Shock(2, valence=1.0, who=[0, 1]), Pin(3, 6, valence=[-0.9, -0.5], who=[2]),
              Stimulus(1, 5, valence=0.8, strength=2.0, who=[5])]
    with_events = ContagionModel(graph, rng=4, events=events, noise=0.01)
    quiet = ContagionModel(graph, rng=4, noise=0.01)
    quiet_alone = ContagionModel(graph, rng=4, noise=0.01)
    together = Ensemble([RunSpec.from_model(with_events), RunSpec.from_model(quiet)])
    together.run(8)
    quiet_alone.run(8)
    np.testing.assert_array_equal(together.valence[20:], quiet_alone.valence)
    assert abs(together.valence[:20] - quiet_alone.valence).max() > 0.01
    frame = pd.DataFrame(together.collect())
    assert list(frame["step"]) == [8, 8]
