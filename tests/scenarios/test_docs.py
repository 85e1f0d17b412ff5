"""The scenario documentation matches the code: generated tables, figures, examples."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

import scenarios

DOCS = Path(__file__).resolve().parents[2] / "docs"
BUILTIN = ["art_gallery", "borderline_profile", "boss_cascade", "football_crowd",
           "happiness_framingham", "leader_team", "mexican_wave", "sad_film", "speaker_listener",
           "vicarious_shame"]


@pytest.fixture(scope="module")
def make_figures():
    spec = importlib.util.spec_from_file_location("make_figures", DOCS / "make_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def block(text: str, name: str) -> str:
    match = re.search(rf"<!-- BEGIN {name} -->\n(.*?)<!-- END {name} -->", text, re.S)
    assert match, f"no generated block {name!r}"
    return match[1].strip()


@pytest.mark.parametrize("name", BUILTIN)
def test_scenario_page_is_current(make_figures, name):
    page = (DOCS / "scenarios" / f"{name}.md").read_text(encoding="utf-8")
    scenario = scenarios.get(name)
    assert block(page, "parameters") == make_figures.parameter_table(scenario), (
        "parameter table out of date: run `uv run python docs/make_figures.py`")
    assert block(page, "design") == make_figures.design_table(scenario), (
        "input/mechanism/emergent table out of date: run `uv run python docs/make_figures.py`")
    findings = block(page, "findings")
    assert "| finding | full | no social contagion | no stimulus | social part" in findings
    labels = [f.label for f in make_figures.findings.FINDINGS[name]]
    assert [row.split("|")[1].strip() for row in findings.splitlines()[4:]] == labels
    for heading in ("## What it models", "## How the phenomenon maps onto the model",
                    "## Input, mechanism, emergent result", "## Parameters",
                    "## Measured findings", "## What survives the fair null",
                    "## References", "## Caveats"):
        assert heading in page, heading
    for figure in re.findall(r"\(\.\./figures/([\w.]+\.png)\)", page):
        assert (DOCS / "figures" / figure).read_bytes()[:4] == b"\x89PNG"
    assert f"../figures/{name}.png" in page
    index = (DOCS / "scenarios" / "README.md").read_text(encoding="utf-8")
    assert f"({name}.md)" in index


def test_scenario_files_reference_is_current(make_figures):
    page = (DOCS / "scenario-files.md").read_text(encoding="utf-8")
    for name, text in make_figures.reference_tables().items():
        assert block(page, name) == text.strip(), f"{name} table out of date"


def test_scenario_file_examples_load_and_run():
    page = (DOCS / "scenario-files.md").read_text(encoding="utf-8")
    examples = [b for b in re.findall(r"```toml\n(.*?)```", page, re.S) if "name =" in b]
    assert len(examples) >= 2
    for text in examples:
        scenario = scenarios.loads(text, "docs/scenario-files.md")
        assert len(scenario.run(steps=12, rng=0)) == 13


def test_seat_grid_draws_the_stands(make_figures):
    model = scenarios.get("football_crowd").build(0, rows=4, cols=6)
    grid = make_figures.seat_grid(model)
    assert grid.shape == (4, 7)
    assert np.isnan(grid[:, 3]).all() and not np.isnan(np.delete(grid, 3, axis=1)).any()
