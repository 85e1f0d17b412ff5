"""vicarious_shame: observers cringe for an unaware target; rivals gloat (Krach et al. 2011).

Defaults (20 observers, 10 rivals, mirroring 0.4, outgroup_sign -0.7, incident
at steps 10-19), seeds 0-4. Observed: the target's valence and arousal never
change; observers' valence falls from 0.035 (step 9) to a trough of -0.30 and
their arousal rises from 0.30 to a peak of 0.57; observer troughs at mirroring
0, 0.1, 0.2, 0.4, 0.6, 0.9 are 0.10, -0.07, -0.18, -0.30, -0.36, -0.41;
rivals' valence rises to a peak of +0.25 (baseline 0.1): schadenfreude. The
defaults are deterministic, so the tests also run with noise 0.02.
"""

from __future__ import annotations

import numpy as np
import pytest
from scenario_helpers import at, outcome, per_seed, runs

BASELINE, REST_AROUSAL = 0.1, 0.3
START = 10


@pytest.mark.parametrize("noise", [0.0, 0.02])
def test_target_unchanged(noise):
    for frame in runs("vicarious_shame", noise=noise):
        assert np.ptp(frame["target_valence"]) == 0.0 and np.ptp(frame["target_arousal"]) == 0.0


@pytest.mark.parametrize("noise", [0.0, 0.02])
def test_observers_cringe_during_the_incident(noise):
    for frame in runs("vicarious_shame", noise=noise):
        during = frame[frame["step"].between(START, START + 9)]
        before_v, before_a = at(frame, START - 1, "observer_valence"), at(
            frame, START - 1, "observer_arousal")
        assert during["observer_valence"].min() < before_v - 0.2  # observed -0.34
        assert during["observer_arousal"].max() > before_a + 0.15  # observed +0.27


def test_cringe_grows_with_mirroring_and_vanishes_without():
    levels = (0.0, 0.1, 0.2, 0.4, 0.6, 0.9)
    troughs = np.array([per_seed("vicarious_shame", outcome("observer_trough"), mirroring=m)
                        for m in levels])
    arousal = np.array([per_seed("vicarious_shame", outcome("observer_arousal_peak"),
                                 mirroring=m) for m in levels])
    assert (np.diff(troughs, axis=0) < -0.03).all()  # monotone in every seed
    assert (np.diff(arousal, axis=0) > 0.03).all()
    assert np.allclose(troughs[0], BASELINE, atol=1e-12)  # mirroring 0: no cringe at all
    assert np.allclose(arousal[0], REST_AROUSAL, atol=1e-12)


@pytest.mark.parametrize("noise", [0.0, 0.02])
def test_rivals_feel_schadenfreude(noise):
    for frame in runs("vicarious_shame", noise=noise):
        during = frame[frame["step"].between(START, START + 9)]
        assert during["rival_valence"].max() > BASELINE + 0.1  # observed peak +0.25
        assert during["rival_valence"].max() > at(frame, START - 1, "rival_valence") + 0.2
        assert during["rival_arousal"].max() > REST_AROUSAL + 0.15  # gloating is excited


def test_rivals_who_mirror_like_everyone_cringe_too():
    peaks = per_seed("vicarious_shame", outcome("rival_peak"), outgroup_sign=1.0)
    troughs = per_seed("vicarious_shame", lambda f, s: f["rival_valence"].min(), outgroup_sign=1.0)
    assert (peaks <= BASELINE + 1e-12).all() and (troughs < -0.1).all()
