"""sad_film: watching together or alone (Boothby, Clark & Bargh 2014).

Defaults (40 viewers, mirroring 0.3, amplification 0.6, film -0.6 at steps
5-64), seeds 0-4. Observed troughs of audience valence: together -0.72, alone
-0.64 (at the end of the film: -0.67 vs -0.64; the together audience keeps
sinking after the film, because mirroring x amplification 0.18 > regulation
0.05: the caveat). With amplification 0 company dampens: together -0.40, alone
-0.51, because the neighbours' milder faces water the film down.
"""

from __future__ import annotations

from scenario_helpers import outcome, per_seed

saddest = outcome("saddest")


def test_together_reacts_more_than_alone_at_the_defaults():
    deeper = per_seed("sad_film", saddest, together=1) - per_seed("sad_film", saddest, together=0)
    assert (deeper < -0.04).all()  # observed -0.083


def test_together_sadder_already_during_the_film():
    def end_of_film(frame, scenario):
        return float(frame.loc[frame["step"] == 64, "audience_valence"].iloc[0])

    deeper = (per_seed("sad_film", end_of_film, together=1)
              - per_seed("sad_film", end_of_film, together=0))
    assert (deeper < -0.01).all()  # observed -0.035


def test_without_amplification_company_dampens():
    together = per_seed("sad_film", saddest, together=1, amplification=0.0)
    alone = per_seed("sad_film", saddest, together=0, amplification=0.0)
    assert (together - alone > 0.05).all()  # observed +0.114: together is less sad


def test_alone_the_audience_recovers_after_the_film():
    def final(frame, scenario):
        return float(frame["audience_valence"].iloc[-1])

    assert (per_seed("sad_film", final, together=0) > -0.3).all()  # observed -0.17
    assert (per_seed("sad_film", final, together=1) < -0.5).all()  # observed -0.72: it lingers
