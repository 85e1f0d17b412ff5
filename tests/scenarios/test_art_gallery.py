"""art_gallery: the works' implied gestures are the input; what company adds is measured.

Input: each work's strength and each visitor's reactivity, raised by training (expertise).
Emergent: within a party, companions feel alike and the gap between trained and untrained
visitors narrows; visitors alone are untouched by company. The fair null cuts the ties
and keeps the works. Each claim is one number per seed over ten seeds (95 % interval on
the stated side of zero), at the default size (98 visitors, about 3 s a run).
"""

from __future__ import annotations

import numpy as np
from scenario_helpers import above_zero, below_zero, per_seed

import scenarios


def value(name: str):
    def measure(frame, scenario):
        return scenario.outcome_values(frame)[name]
    return measure


def gap(where: str):
    def measure(frame, scenario):
        values = scenario.outcome_values(frame)
        return values[f"trained_{where}"] - values[f"novices_{where}"]
    return measure


def test_the_works_move_every_visitor_and_training_moves_them_more():
    moved = per_seed("art_gallery", value("novices_alone")) - per_seed(
        "art_gallery", value("novices_alone"), null="stimulus")
    assert above_zero(moved, 0.1)
    assert above_zero(per_seed("art_gallery", gap("alone"), null="social"))


def test_companions_feel_alike_only_through_contagion():
    full = per_seed("art_gallery", value("party_spread"))
    null = per_seed("art_gallery", value("party_spread"), null="social")
    assert below_zero(full - null, 0.01)


def test_company_narrows_the_expertise_gap():
    full = per_seed("art_gallery", gap("in_company"))
    null = per_seed("art_gallery", gap("in_company"), null="social")
    assert below_zero(full - null)


def test_visitors_alone_are_untouched_by_company():
    full = per_seed("art_gallery", value("novices_alone"))
    null = per_seed("art_gallery", value("novices_alone"), null="social")
    np.testing.assert_allclose(full, null, atol=1e-12)


def test_the_input_is_declared_apart_from_what_emerges():
    scenario = scenarios.get("art_gallery")
    assert scenario.rule == "mirroring"
    (finding,) = scenario.findings
    assert "strength" in finding["input"] and "expertise" in finding["input"]
    assert "narrows" in finding["emergent"]
