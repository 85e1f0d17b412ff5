"""The workshop view "Which one is contagion?" rendered without a browser (solara.render).

A round of 300 people keeps this to seconds (the workshop's default is the study's
5,000); the numbers it shows are the study's (tests/experiments/test_confounding.py
tests them).
"""

from __future__ import annotations

import io

import ipyvuetify as v
import pytest
import solara
from PIL import Image
from solara.widgets import HTML

from contagion.experiments.studies.workshop import workshop_round
from dashboards.confounding import ConfoundingPage, describe_round, draw_round

PEOPLE = 300


@pytest.fixture(scope="module")
def game():
    return workshop_round(0, people=PEOPLE)


def test_a_round_has_three_worlds_in_a_seeded_order(game):
    assert [p.label for p in game.panels] == ["A", "B", "C"]
    assert sorted(p.truth for p in game.panels) == ["contagion", "environment", "homophily"]
    assert workshop_round(0, people=PEOPLE).answer == game.answer
    for panel in game.panels:
        assert panel.happy.shape == (PEOPLE,)


def test_the_picture_is_projector_sized(game):
    for revealed in (False, True):
        picture = Image.open(io.BytesIO(draw_round(game, revealed)))
        assert picture.size == (1280, 560)


def test_reveal_names_the_contagion_world_and_new_round_hides_it(game):
    _box, rc = solara.render(ConfoundingPage(seed=0, people=PEOPLE), handle_error=False)
    try:
        title = rc.find(HTML, tag="h1").widget
        assert title.unsafe_innerHTML == "Which one is contagion?"
        back = rc.find(HTML, tag="a").widget  # the way back to the dashboard
        assert back.attributes["href"] == "/" and "Back to the dashboard" in back.unsafe_innerHTML
        reveal = rc.find(v.Btn, children=["Reveal"]).wait_for(timeout=120)  # simulated in a thread
        assert not rc.find(v.Html, class_="confounding-answer").widgets
        reveal.widget.click()
        answer = rc.find(v.Html, class_="confounding-answer").widget.children[0]
        assert answer.startswith(f"Contagion is {game.answer}.")
        assert rc.find(v.Btn, children=["Reveal"]).widget.disabled
        rc.find(v.Btn, children=["New round"]).widget.click()
        rc.find(v.Html, children=["round 1"]).wait_for(timeout=120)
        assert not rc.find(v.Html, class_="confounding-answer").widgets
        assert not rc.find(v.Btn, children=["Reveal"]).widget.disabled
    finally:
        rc.close()


def test_the_picture_is_described_in_words(game):
    """Its alternative text names each town's share of happy people and what the study finds;
    the truth only once revealed."""
    hidden, shown = describe_round(game, False), describe_round(game, True)
    for panel in game.panels:
        assert f"{panel.label}: {panel.happy.mean():.0%} happy" in hidden
        assert f"observational study {panel.observational.estimate:+.0f}%" in hidden
        assert f"experiment {panel.experimental.estimate:+.0f}%" in shown
    assert "truth" not in hidden and "contagion" not in hidden.replace("Which", "")
    assert "truth: " in shown
