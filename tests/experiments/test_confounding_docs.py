"""docs/studies/confounding.md matches the code: generated blocks, figures, links, defaults.

The doc's numbers come from docs/studies/make_confounding.py; rerunning the default
study here would take a minute, so this checks what can be checked cheaply: the design
table is current, the result table has every row, the figures exist, and the design
numbers quoted in the prose are the defaults.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from contagion import studies
from contagion.experiments.studies.workshop import WORKSHOP_DESIGN

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "studies" / "confounding.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return PAGE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def make():
    spec = importlib.util.spec_from_file_location(
        "make_confounding", ROOT / "docs" / "studies" / "make_confounding.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def block(text: str, name: str) -> str:
    match = re.search(rf"<!-- BEGIN {name} -->\n(.*?)<!-- END {name} -->", text, re.DOTALL)
    assert match, f"no generated block {name!r}"
    assert match[1].strip(), f"block {name!r} is empty: run docs/studies/make_confounding.py"
    return match[1].strip()


def test_design_table_is_current(doc, make):
    assert block(doc, "fields") == make.fields_table(), (
        "design table out of date: run `uv run python docs/studies/make_confounding.py`")


def test_result_table_has_every_truth_estimator_and_distance(doc):
    rows = block(doc, "table").splitlines()[2:]
    cells = {tuple(c.strip() for c in line.strip("|").split("|")[:3]) for line in rows}
    expected = {(t, "observational", str(d)) for t in studies.DEFAULT_TRUTHS
                for d in studies.OBSERVATIONAL_DISTANCES}
    expected |= {(t, "experimental", str(d)) for t in studies.DEFAULT_TRUTHS
                 for d in studies.EXPERIMENTAL_DISTANCES}
    assert cells == expected


def test_other_blocks_and_figures_exist(doc):
    assert len(block(doc, "closeness").splitlines()) >= len(studies.PUBLISHED) + 2
    for truth in ("contagion", "homophily", "environment"):
        assert f"**{truth}**" in block(doc, "calibration")
    assert "The default run took" in block(doc, "runtime")
    assert "The randomised experiment says 'contagion' in" in block(doc, "verdict")
    for figure in re.findall(r"\(\.\./figures/([\w.-]+\.png)\)", doc):
        assert (ROOT / "docs" / "figures" / figure).read_bytes()[:4] == b"\x89PNG"
    assert "../figures/confounding.png" in doc


def test_the_prose_quotes_the_default_design(doc):
    design = studies.Design()
    prose = doc.replace("\n", " ")
    assert f"{design.people:,} people" in doc
    assert "people" not in WORKSHOP_DESIGN  # the workshop page says "the study's 5,000 people"
    assert f"the study's {design.people:,} people" in prose
    assert f"{design.seed_share * 100:g} % of the people are drawn as *seeds*" in doc
    assert f"{design.seed_share * 50:g} % of the people" in doc  # the treated half
    assert f"{design.ties - design.long_ties:g} near ties" in doc
    assert f"{design.long_ties:g} long ties" in doc
    assert f"{design.burn_in_weeks} weeks" in doc
    assert f"every season ({design.weeks_per_season} weeks)" in doc
    assert f"{design.happy_share * 100:g} % of people happy" in prose
    side = int(design.neighbourhoods ** 0.5)  # the map's grid
    assert f"{side} x {side} grid" in doc
    assert f"up to {design.alters_per_ego} alters" in prose
    assert f"over {design.draws:,} coefficient sets" in prose


def test_readme_links_the_study():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/studies/confounding.md)" in readme


def _table(doc: str):
    import pandas as pd

    rows = []
    for line in block(doc, "table").splitlines()[2:]:
        truth, estimator, distance, estimate, interval, true = (
            c.strip() for c in line.strip("|").split("|"))
        low, high = (float(x) for x in interval.split(" to "))
        rows.append({"truth": truth, "estimator": estimator, "distance": int(distance),
                     "estimate": float(estimate), "ci_low": low, "ci_high": high,
                     "true_effect": float(true) if true else float("nan")})
    return pd.DataFrame(rows).set_index(["truth", "estimator", "distance"]).sort_index()


def test_what_the_prose_says_of_the_result_is_in_the_table(doc):
    """Each claim of "Read it by column" and of the calibration prose, on the doc's table."""
    table = _table(doc)
    for truth in studies.DEFAULT_TRUTHS:
        obs = table.loc[(truth, "observational")]
        assert obs.loc[1, "ci_low"] > 0
        assert obs.loc[1, "estimate"] > obs.loc[2, "estimate"] > obs.loc[3, "estimate"]
        exp = table.loc[(truth, "experimental")]
        contagion = "contagion" in truth.split("+")
        assert (exp.loc[1, "ci_low"] > 0) == contagion, truth
        if contagion:
            assert exp.loc[1, "ci_low"] <= exp.loc[1, "true_effect"] <= exp.loc[1, "ci_high"]
        else:
            assert ((exp["ci_low"] <= 0) & (exp["ci_high"] >= 0)).all(), truth
    everything = "contagion+homophily+environment"
    assert (table.loc[(everything, "observational", 1), "estimate"]
            > 2 * table.loc[(everything, "experimental", 1), "true_effect"])  # "well over twice"
    gap = {t: abs(table.loc[(t, "observational", 3), "estimate"] - studies.PUBLISHED[3])
           for t in studies.MECHANISMS}
    assert table.loc[("contagion", "observational", 3), "estimate"] < studies.PUBLISHED[3]
    assert gap["homophily"] < gap["contagion"] and gap["environment"] < gap["contagion"]
