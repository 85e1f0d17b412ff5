"""speaker_listener: listeners follow a storyteller with a lag (Stephens et al. 2010).

Defaults (30 listeners, mirroring 0.5, 200 steps), seeds 0-4. Observed: the lag
profile peaks at +2 steps in every seed (peak correlation 0.999); anticipation 1
moves it to +1, anticipation 3 to 0 (peak correlation 0.991), anticipation 5 to
-0.6 on average (runs ahead); with channel 0 the listeners stay at their start
mood and the peak correlation is 0.
"""

from __future__ import annotations

import numpy as np
from scenario_helpers import outcome, per_seed, runs

from scenarios.measures import lag_profile


def test_plain_mirroring_follows_with_a_positive_lag():
    lags = per_seed("speaker_listener", outcome("peak_lag"))
    assert (lags > 0).all()  # observed +2 in every seed
    assert (per_seed("speaker_listener", outcome("peak_correlation")) > 0.8).all()


def test_anticipation_moves_the_peak_to_zero_or_earlier():
    lags = per_seed("speaker_listener", outcome("peak_lag"), anticipation=3.0)
    assert (lags <= 0).all()  # observed 0 in every seed
    assert (per_seed("speaker_listener", outcome("peak_correlation"), anticipation=3.0) > 0.8).all()


def test_lag_shrinks_as_anticipation_grows():
    means = [per_seed("speaker_listener", outcome("peak_lag"), anticipation=a).mean()
             for a in (0.0, 1.0, 3.0)]
    assert means[0] > means[1] > means[2]  # observed 2, 1, 0


def test_cut_channel_no_coupling():
    for frame in runs("speaker_listener", channel=0.0):
        assert np.ptp(frame["listener_valence"]) == 0.0 and np.ptp(frame["speaker_valence"]) > 0.3
        assert (lag_profile(frame, "speaker_valence", "listener_valence", 8, 5) == 0).all()
    assert (per_seed("speaker_listener", outcome("peak_correlation"), channel=0.0) == 0).all()


def test_the_story_is_drawn_from_the_seed():
    first, again = runs("speaker_listener", seeds=[4, 4], steps=50)
    other = runs("speaker_listener", seeds=[5], steps=50)[0]
    assert first["speaker_valence"].equals(again["speaker_valence"])
    assert not first["speaker_valence"].equals(other["speaker_valence"])
