"""sad_film: together vs alone. Plain mirroring evens the audience out; only amplification
(shared attention) makes the film sadder."""

from __future__ import annotations

import numpy as np
from scenario_helpers import above_zero, below_zero, contrast, outcome, small

import scenarios

SIZE = small("sad_film")
TOGETHER, ALONE = {"together": 1}, {"together": 0}


def test_with_amplification_watching_together_is_sadder():
    gap = contrast("sad_film", outcome("saddest"), TOGETHER, ALONE, **SIZE)
    assert below_zero(gap, 0.02)


def test_plain_mirroring_mostly_evens_the_audience_out():
    spread = contrast("sad_film", outcome("spread_during_film"), TOGETHER, ALONE,
                      amplification=0.0, **SIZE)
    assert below_zero(spread, 0.02)
    depth = contrast("sad_film", outcome("saddest"), TOGETHER, ALONE, amplification=0.0, **SIZE)
    assert abs(depth.mean()) < 0.03  # a small shift, far below what amplification adds


def test_without_social_contagion_together_is_alone():
    gap = contrast("sad_film", outcome("saddest"), TOGETHER, ALONE, null="social", **SIZE)
    assert not below_zero(gap, 0.0) and not above_zero(gap, 0.0)


def test_a_quiet_audience_does_not_talk_itself_into_a_mood():
    """Old rule: amplification made a quiet, noisy audience drift into a lasting +-0.72 mood.

    Now amplification acts on a shared stimulus only: without a film, the strongest
    amplification gives exactly the run without it, and the mood only wanders with the noise.
    """
    quiet = scenarios.get("sad_film").replace(film_strength=0.0, noise=0.05, **SIZE)
    for seed in range(3):
        amplified = quiet.run(None, seed, amplification=2.0)
        plain = quiet.run(None, seed, amplification=0.0)
        np.testing.assert_array_equal(amplified["audience_valence"], plain["audience_valence"])
        assert np.abs(amplified["audience_valence"]).max() < 0.25
