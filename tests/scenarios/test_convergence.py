"""Every library scenario of the mirroring rule is converged in the integrator's tolerance.

A fast version of ``docs/convergence.py`` (which measures every documented finding on
three seeds at full size): here each scenario in its small world, on two seeds, gives
every outcome and the final value of every key metric within max(0.005, 5 %) of the
run with an eighth of the scenario's tolerance (eight times the sub-steps; the integrator
is of order 2, so that run is within about 2 % of the limit's error budget).
"""

from __future__ import annotations

import math

import pytest
from scenario_helpers import small

import scenarios

MIRRORING = [name for name in scenarios.names() if scenarios.get(name).rule == "mirroring"]


def _values(scenario, seed: int, tolerance: float) -> dict[str, float]:
    size = small(scenario.name)
    model = scenario.replace(**size).build(seed)
    model.tolerance = tolerance
    return scenario.summary_values(model.run(scenario.steps))


def test_every_mirroring_scenario_is_checked():
    assert len(MIRRORING) >= 7
    assert "mexican_wave" not in MIRRORING and "happiness_framingham" not in MIRRORING


@pytest.mark.parametrize("name", MIRRORING)
def test_outcomes_at_the_default_tolerance_are_within_bound_of_a_finer_one(name):
    scenario = scenarios.get(name)
    for seed in (0, 1):
        coarse = _values(scenario, seed, scenario.tolerance)
        fine = _values(scenario, seed, scenario.tolerance / 8)
        for key, value in fine.items():
            if math.isnan(value):
                assert math.isnan(coarse[key]), (name, seed, key)
                continue
            allowed = max(0.005, 0.05 * abs(value))
            assert abs(coarse[key] - value) <= allowed, (name, seed, key, coarse[key], value)


def test_a_scenario_declares_its_own_tolerance():
    """sad_film needs finer sub-steps; its tolerance reaches the model and round-trips."""
    scenario = scenarios.get("sad_film")
    assert scenario.tolerance == 0.25
    assert scenario.build(0).tolerance == 0.25
    assert scenarios.loads(scenario.to_toml()).tolerance == 0.25
    with pytest.raises(ValueError, match=r"tolerance=2.*allowed numbers in \(0, 1\]"):
        scenarios.loads(scenario.to_toml().replace("tolerance = 0.25", "tolerance = 2"))


def test_a_step_the_model_would_refuse_is_refused_at_load():
    """dt = 1e300 minutes: one line at load (show), the same rule as the model's build."""
    text = scenarios.get("leader_team").to_toml().replace("dt = 1.0", "dt = 1e300")
    with pytest.raises(ValueError, match=r"dt=1e\+300 minute is too long .* allowed dt <= "):
        scenarios.loads(text)
    shorter = scenarios.loads(text.replace("dt = 1e300", "dt = 0.25"))  # 15 s: allowed
    assert shorter.build(0).dt == 0.25 and shorter.steps == 240  # the same hour in time
    with pytest.raises(ValueError, match=r"choices.work.every=1 is not a whole number of steps"):
        scenarios.loads(text.replace("dt = 1e300", "dt = 0.4"))  # choices once a minute
