"""speaker_listener: listeners follow a storyteller with a lag set by their rate; anticipation
removes it; listeners who watch each other lag more; cutting the channel cuts the coupling."""

from __future__ import annotations

import numpy as np
from scenario_helpers import above_zero, outcome, per_seed, small

SIZE = small("speaker_listener")


def test_plain_mirroring_follows_a_second_or_two_behind():
    lags = per_seed("speaker_listener", outcome("peak_lag"), **SIZE)
    assert ((lags > 0.5) & (lags < 3.0)).all()  # seconds; about 1 / (0.5 per second)


def test_anticipation_moves_the_peak_to_zero_lag():
    lags = per_seed("speaker_listener", outcome("peak_lag"), anticipation=2.0, **SIZE)
    assert (np.abs(lags) < 0.5).all()


def test_listeners_who_watch_each_other_lag_more():
    alone = per_seed("speaker_listener", outcome("peak_lag"), **SIZE)
    ties = per_seed("speaker_listener", outcome("peak_lag"), listener_ties=4, **SIZE)
    assert above_zero(ties - alone, 1.0)


def test_without_social_contagion_or_channel_nobody_follows():
    for null, overrides in (("social", {}), (None, {"channel": 0.0})):
        correlations = per_seed("speaker_listener", outcome("peak_correlation"), null=null,
                                **SIZE, **overrides)
        np.testing.assert_array_equal(correlations, 0.0)
