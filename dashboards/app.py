"""The workshop dashboard: pick a scenario, move the sliders, press "Goal!", watch the room react.

Serve it with ``uv run contagion dashboard`` (or ``solara run dashboards.app``).
It only wires the engine and the scenario library to widgets: models come from
``Scenario.build``, events from the scenario's ``actions``, controls from the
parameter declarations. See docs/dashboard.md.
"""

from __future__ import annotations

import html
import threading
import time

import solara

from dashboards import style
from dashboards.controls import Exports, ParamControl, ScenarioPicker, SeedField, Upload, guarded
from dashboards.session import Session
from dashboards.views import FrameAck, Readouts, Stage, StepCounter

__all__ = ["Page"]

DEFAULT_SPEED = 10  # steps per second while playing
MAX_BATCH = 10  # at most this many steps between two frames
MIRROR_NOTE = ("A model, not a measurement: \"mirroring\" here is a number for how strongly "
               "people take up the emotions they see. Whether mirror neurons cause this in "
               "real people is debated.")


def bump(*counters: solara.Reactive[int]) -> None:
    """Tell the components that read these counters to redraw."""
    for counter in counters:
        counter.value += 1


@solara.component
def PlayLoop(session: Session, frame, playing, speed, notes):
    """While playing, step the model at the chosen speed (steps per second).

    Each frame waits until the browser has painted the previous one, so Play
    never floods a slow screen; when the screen is slower than the chosen
    speed, several steps go into one frame to keep the pace.
    """

    def run(cancel: threading.Event):
        cost = 0.0  # seconds one frame takes: step, draw, send, paint (smoothed)
        while playing.value and not cancel.is_set():
            start = time.perf_counter()
            batch = min(MAX_BATCH, max(1, round(speed.value * cost)))
            with session.lock:  # Pause takes this lock too: no step after Pause
                if not playing.value:
                    break
                stepped = guarded(session, lambda: session.step(batch))
            if stepped is False:
                playing.value = False
                bump(notes)
                break
            version = session.version
            frame.set(version)
            session.wait_shown(version, timeout=1.0)
            spent = time.perf_counter() - start
            cost = spent if cost == 0.0 else 0.7 * cost + 0.3 * spent
            cancel.wait(max(0.001, batch / speed.value - spent))

    solara.use_thread(run, dependencies=[playing.value], intrusive_cancel=False)


def paragraphs(text: str) -> list[str]:
    """A TOML description's paragraphs, each on one line."""
    return [" ".join(p.split()) for p in text.strip().split("\n\n") if p.strip()]


@solara.component
def Header(scenario, presenting):
    """Title, what the scenario is about in plain words, and what it does not show."""
    with solara.Row(justify="space-between", style={"align-items": "flex-start"}):
        solara.HTML("h1", unsafe_innerHTML=html.escape(scenario.title), classes=["scenario-title"])
        solara.Switch(label="Presentation mode", value=presenting, classes=["presenting-switch"])
    if not presenting.value:  # presenting: the room watches the picture; the text goes below
        with solara.Div(classes=["scenario-description"]):
            solara.HTML("p", unsafe_innerHTML=html.escape(paragraphs(scenario.description)[0]))
            About(scenario, skip=1)
    caveat = html.escape(" ".join(scenario.caveat.split()))
    solara.HTML("div", unsafe_innerHTML=f"<b>Caveat.</b> {caveat} {html.escape(MIRROR_NOTE)}",
                classes=["caveat"])


@solara.component
def About(scenario, skip: int = 0):
    """The rest of the description and the references, folded away."""
    with solara.Details("More about this scenario"):
        for paragraph in paragraphs(scenario.description)[skip:]:
            solara.HTML("p", unsafe_innerHTML=html.escape(paragraph))
        for reference in scenario.references:
            solara.HTML("p", unsafe_innerHTML=html.escape(reference), style="font-size: 0.85em")


@solara.component
def Transport(session: Session, frame, notes, playing, speed):
    """Play / Pause / Step / Reset, the speed, the event buttons, and what is pending."""
    _ = notes.value

    def step():
        if guarded(session, session.step) is False:
            bump(notes)  # show what went wrong
        frame.set(session.version)

    def reset():
        guarded(session, session.reset)
        frame.set(session.version)
        bump(notes)

    def play_pause():
        with session.lock:  # see PlayLoop: once paused, no further step
            playing.set(not playing.value)

    def trigger(label):
        if guarded(session, lambda: session.trigger(label)) and not playing.value:
            guarded(session, session.step)  # paused: show the reaction at once
        frame.set(session.version)
        bump(notes)

    with solara.Row(gap="10px", style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button("Pause" if playing.value else "Play", icon_name="mdi-pause" if playing.value
                      else "mdi-play", on_click=play_pause,
                      color="primary", classes=["play-button"])
        solara.Button("Step", icon_name="mdi-step-forward", on_click=step, classes=["step-button"])
        solara.Button("Reset", icon_name="mdi-restore", on_click=reset, classes=["reset-button"])
        StepCounter(session, frame)
        with solara.Div(classes=["speed"]):
            solara.SliderInt("steps/s", value=speed, min=1, max=30, thumb_label="always")
        with solara.Row(gap="10px", classes=["event-buttons"], style={"flex-wrap": "wrap"}):
            for label in session.scenario.actions:
                solara.Button(label, on_click=lambda label=label: trigger(label),
                              outlined=True, classes=["event-button"])
            if not session.scenario.actions:
                solara.Text("(no event buttons in this scenario)")
    pending = session.pending()
    if pending:
        solara.Text(f"Changed: {', '.join(pending)}. Press Reset to rebuild with them.",
                    classes=["pending"])
    if session.message:
        solara.Text(session.message, classes=["message"])


@solara.component
def Controls(session: Session, scene, frame, notes, playing):
    """The sidebar: scenario, seed, parameters (live ones first), upload, export."""
    _ = scene.value

    def choose(key):
        playing.set(False)
        guarded(session, lambda: session.choose(key))
        frame.set(session.version)
        bump(scene, notes)

    def loaded(ok: bool):
        if ok:  # a failed upload leaves the current run alone
            playing.set(False)
            frame.set(session.version)
            bump(scene, notes)

    ScenarioPicker(session, choose)
    SeedField(session, on_change=lambda: bump(notes))
    live = [n for n in session.names if session.live(n)]
    sections = (("Live: act on the running model", live),
                ("Apply on Reset", [n for n in session.names if n not in live]))
    for title, names in sections:
        solara.Text(title, classes=["section-title"])
        for name in names:
            ParamControl(session, name, on_change=lambda: bump(notes)).key(
                f"{session.chosen}:{name}")
    solara.Text("Scenario files", classes=["section-title"])
    Upload(session, on_loaded=loaded)
    Exports(session)


@solara.component
def Page():
    """The whole dashboard."""
    session = solara.use_memo(Session, [])
    scene, frame, notes = (solara.use_reactive(0), solara.use_reactive(0),
                           solara.use_reactive(0))
    playing, speed = solara.use_reactive(False), solara.use_reactive(DEFAULT_SPEED)
    presenting = solara.use_reactive(False)
    solara.Title("Contagion dashboard")
    solara.Style(style.BASE + (style.PRESENTING if presenting.value else ""))
    PlayLoop(session, frame, playing, speed, notes)
    with solara.Sidebar():
        Controls(session, scene, frame, notes, playing)
    Main(session, scene, frame, notes, playing, speed, presenting)


@solara.component
def Main(session: Session, scene, frame, notes, playing, speed, presenting):
    """Header, transport, numbers and pictures."""
    _ = scene.value
    Header(session.scenario, presenting)
    Transport(session, frame, notes, playing, speed)
    Readouts(session, frame)
    Stage(session, frame, presenting)
    FrameAck(session, frame)
    if presenting.value:
        About(session.scenario)
