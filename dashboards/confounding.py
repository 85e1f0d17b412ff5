"""Workshop view: "Which one is contagion?" Three worlds on one network; guess, then reveal.

Serve it on its own, offline and sending nothing out, with::

    SOLARA_ASSETS_PROXY=True SOLARA_TELEMETRY_MIXPANEL_ENABLE=False \
        SOLARA_THEME_SHOW_BANNER=False uv run solara run dashboards.confounding

The same people with
the same ties live under three truths: contagion only, homophily only, a shared
environment only. Each panel shows who is happy (gold) and who is not (blue), and what
an observational study of that world finds. The room guesses which world is
contagion; "Reveal" names every world's truth and shows what a randomised
experiment found there. "New round" draws new worlds (the next seed).

Everything shown comes from :func:`contagion.experiments.studies.workshop.workshop_round`;
this module only draws it.
"""

from __future__ import annotations

import io

import numpy as np
import solara
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from contagion.experiments.studies.figures import truth_title
from contagion.experiments.studies.workshop import WorkshopRound, workshop_round
from dashboards.browser import AltText, PageLanguage

__all__ = ["ConfoundingPage", "Page", "describe_round", "draw_round"]

HAPPY, UNHAPPY = "#e8a800", "#2b5fa8"
STYLE = """
.confounding-page { padding: 12px 28px 16px 28px; box-sizing: border-box; max-width: 100vw; }
.confounding-back { display: inline-block; margin-bottom: 4px; font-size: 1.1em; font-weight: 600;
                    color: #003d80 !important; }
.confounding-page :focus-visible { outline: 3px solid #000000 !important; outline-offset: 2px;
                                   box-shadow: 0 0 0 7px #ffffff !important; }
.confounding-title { font-size: 2em; font-weight: 700; margin: 4px 0; }
.confounding-intro { font-size: 1.15em; max-width: 60em; margin-bottom: 4px; }
.confounding-image img { width: 100%; height: auto; max-height: calc(100vh - 250px);
                         object-fit: contain; object-position: left top; }
.confounding-answer { font-size: 1.3em; font-weight: 700; margin-top: 4px; }
.confounding-wait { font-size: 1.3em; margin: 12px 0; }
.confounding-error { color: #b00020; font-weight: 600; }
.confounding-button { font-size: 1.1em !important; text-transform: none; }
"""
INTRO = ("Three towns, the same people, the same friendships. In each, happy people "
         "cluster, and an observational study finds that a happy friend makes you more "
         "likely to be happy. In only one of them does happiness actually spread from person "
         "to person. Which one?")


def _caption(panel, revealed: bool) -> str:
    obs, exp = panel.observational, panel.experimental
    text = f"observational study: {obs.estimate:+.0f}% ({obs.ci_low:+.0f} to {obs.ci_high:+.0f})"
    if revealed:
        text += f"\nexperiment: {exp.estimate:+.0f}% ({exp.ci_low:+.0f} to {exp.ci_high:+.0f})"
    return text


def draw_round(game: WorkshopRound, revealed: bool) -> bytes:
    """The three worlds side by side as PNG bytes (1280 x 560 pixels)."""
    figure = Figure(figsize=(12.8, 5.6), dpi=100, facecolor="white")
    axes = figure.subplots(1, len(game.panels))
    x, y = game.positions[:, 0], game.positions[:, 1]
    segments = game.positions[game.ties]
    dot = min(9.0, 20_000 / len(x))  # 5,000 people: small dots that still show colour
    for ax, panel in zip(axes, game.panels):
        ax.add_collection(LineCollection(segments, colors="0.6", linewidths=0.25, alpha=0.2))
        ax.scatter(x, y, s=dot, c=[HAPPY if h else UNHAPPY for h in panel.happy], linewidths=0)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        title = panel.label + (f"\n{truth_title(panel.truth)}" if revealed else "\n?")
        winner = revealed and panel.truth == "contagion"
        ax.set_title(title, fontsize=20, fontweight="bold", color="#a00000" if winner else "black")
        ax.set_xlabel(_caption(panel, revealed), fontsize=14)
    figure.text(0.5, 0.005, "gold: happy   blue: not happy   estimates: % more likely to be "
                "happy when a friend is happy (observational) or got a treat (experiment)",
                ha="center", fontsize=12)
    figure.tight_layout(rect=(0, 0.04, 1, 1))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def describe_round(game: WorkshopRound, revealed: bool) -> str:
    """The picture in one line (its alternative text): each town's share of happy people and
    what the observational study finds there (and, revealed, the truth and the experiment)."""
    towns = []
    for panel in game.panels:
        obs = panel.observational
        text = (f"{panel.label}: {np.mean(panel.happy):.0%} happy, observational study "
                f"{obs.estimate:+.0f}%")
        if revealed:
            text += (f", truth: {truth_title(panel.truth)}, experiment "
                     f"{panel.experimental.estimate:+.0f}%")
        towns.append(text)
    return (f"Three towns with the same {len(game.positions):,} people and ties, happy people "
            f"gold and the others blue. " + "; ".join(towns) + ".")


def _answer(game: WorkshopRound) -> str:
    found = [p.label for p in game.panels if p.experimental.ci_low > 0]
    truths = ", ".join(f"{p.label} {p.experimental.true_effect:+.0f}%" for p in game.panels)
    where = " and ".join(found) if found else "none of them"
    return (f"Contagion is {game.answer}. The experiment finds an effect in {where} "
            f"(true effects: {truths}).")


@solara.component
def ConfoundingPage(seed: int = 0, people: int | None = None):
    """The game: three panels, a Reveal button, a New round button.

    A round is simulated in the background (a few seconds) while a progress bar runs.
    """
    current = solara.use_reactive(seed)
    revealed = solara.use_reactive(False)
    sizes = {} if people is None else {"people": people}
    task = solara.lab.use_task(lambda: workshop_round(current.value, **sizes),
                               dependencies=[current.value, people], raise_error=False)
    game = task.value if task.finished else None
    picture = solara.use_memo(lambda: None if game is None else draw_round(game, revealed.value),
                              [game, revealed.value])

    def new_round():
        revealed.set(False)
        current.set(current.value + 1)

    solara.Style(STYLE)
    PageLanguage()
    with solara.Div(classes=["confounding-page"], attributes={"role": "main"}):
        Round(game, picture, current, revealed, task, new_round)


@solara.component
def Round(game, picture, current, revealed, task, new_round):
    """The page's content: a link back, the question, the picture and the buttons."""
    solara.HTML("a", unsafe_innerHTML="&larr; Back to the dashboard", attributes={"href": "/"},
                classes=["confounding-back"])
    solara.HTML("h1", unsafe_innerHTML="Which one is contagion?", classes=["confounding-title"])
    solara.Text(INTRO, classes=["confounding-intro"])
    if task.error:
        solara.Text(f"The round could not be simulated: {task.exception}",
                    classes=["confounding-error"])
    if picture is None:
        solara.Text("Simulating three worlds on one network...", classes=["confounding-wait"])
        solara.ProgressLinear(task.pending)
        return
    with solara.Div(classes=["confounding-image"]):
        solara.Image(picture, format="png", width="100%")
        AltText(describe_round(game, revealed.value))
    with solara.Row(gap="12px"):
        solara.Button("Reveal", on_click=lambda: revealed.set(True), disabled=revealed.value,
                      color="primary", classes=["confounding-button", "reveal-button"])
        solara.Button("New round", on_click=new_round,
                      classes=["confounding-button", "new-round-button"])
        solara.Text(f"round {current.value}", classes=["confounding-round"])
    if revealed.value:
        solara.Text(_answer(game), classes=["confounding-answer"])


Page = ConfoundingPage
