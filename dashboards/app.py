"""The workshop dashboard: pick a scenario, move the sliders, press "Goal!", watch the room react.

Serve it with ``uv run contagion dashboard`` (or ``solara run dashboards.app``).
It only wires the engine and the scenario library to widgets: models come from
``Scenario.build``, events from the scenario's ``actions``, controls from the
parameter declarations. See docs/dashboard.md.
"""

from __future__ import annotations

import html
import logging
import threading
import time
from collections.abc import Callable

import ipyvuetify as v
import reacton
import solara

from dashboards import style
from dashboards.address import open_session, query
from dashboards.browser import FrameAck, PageLanguage, PageLink, Shortcuts, SkipLink, StepWait
from dashboards.controls import (Exports, Fold, ParamControl, ScenarioPicker, SeedField, Upload,
                                 guarded)
from dashboards.pacing import PACER
from dashboards.session import Session, one_line
from dashboards.views import Readouts, Stage, StepCounter

__all__ = ["Dashboard", "Layout", "act", "routes"]

log = logging.getLogger("dashboards")

DEFAULT_SPEED = 10  # steps per second while playing
MAX_BATCH = 30  # at most this many steps between two frames (1 s at the top speed)
UNSEEN_PAUSE = 10  # Play pauses after this many frames in a row that no browser painted
MIRROR_NOTE = ("A model, not a measurement: \"mirroring\" here is a number for how strongly "
               "people take up the emotions they see. Whether mirror neurons cause this in "
               "real people is debated.")
#: What a rebuild job does: (session, argument) -> success.
JOBS = {"reset": lambda session, _: session.reset(),
        "choose": lambda session, key: session.choose(key),
        "split": lambda session, split: session.set_split(split)}


def bump(*counters: solara.Reactive[int]) -> None:
    """Tell the components that read these counters to redraw."""
    for counter in counters:
        counter.value += 1


class State:
    """The page's reactive values, shared by its components."""

    def __init__(self, presenting: bool):
        self.scene, self.frame, self.notes = (solara.use_reactive(0), solara.use_reactive(0),
                                              solara.use_reactive(0))
        self.playing, self.speed = solara.use_reactive(False), solara.use_reactive(DEFAULT_SPEED)
        self.presenting = solara.use_reactive(presenting)
        self.sidebar = solara.use_reactive(True)
        self.job = solara.use_reactive((0, "", None))  # (number, kind, argument) of a rebuild
        self.busy = solara.use_reactive("")  # what is being built ("" when nothing)

    def start(self, session: Session, kind: str, argument=None) -> None:
        """Rebuild in the background (see :func:`Builder`); the old run stays until it is done."""
        if self.busy.value:
            return
        self.playing.set(False)
        note = guarded(session, lambda: session.build_note(
            kind, argument if kind == "split" else None))
        self.busy.set(note or "Building...")
        self.job.set((self.job.value[0] + 1, kind, argument))


@solara.component
def Builder(session: Session, state: State):
    """Runs rebuilds off the page's thread: the page stays live and shows that it is busy."""
    number, kind, argument = state.job.value

    def run(cancel: threading.Event):
        if not number:
            return
        guarded(session, lambda: JOBS[kind](session, argument))
        bump(state.scene, state.notes)  # title and buttons first: the stage's box follows
        state.busy.set("")
        state.frame.set(session.version)
        session.tidy()  # the page has let go of the old model: give its memory back

    solara.use_thread(run, dependencies=[number], intrusive_cancel=False)


@solara.component
def PlayLoop(session: Session, state: State):
    """While playing, step the model at the chosen speed (steps per second) until its end.

    Each frame waits until the browser has painted the previous one, so Play
    never floods a slow screen, and as long as :data:`dashboards.pacing.PACER`
    asks, so that many playing sessions leave the server free for clicks; when
    frames come slower than the chosen speed, several steps go into one frame
    to keep the pace.
    """
    playing, speed = state.playing, state.speed

    def run(cancel: threading.Event):
        if not playing.value:
            return
        PACER.join(id(session))
        try:
            play(cancel)
        finally:
            PACER.leave(id(session))

    def play(cancel: threading.Event):
        cost = 0.0  # seconds one frame takes: step, draw, send, paint (smoothed)
        unseen = 0  # frames in a row the browser did not report painted
        while playing.value and not cancel.is_set():
            PACER.after_clicks()  # a click anywhere on this server goes first
            start, used = time.perf_counter(), time.thread_time()
            period = max(cost, PACER.interval())  # seconds from this frame to the next
            batch = min(MAX_BATCH, max(1, round(speed.value * period)))
            with session.lock:  # Pause takes this lock too: no step after Pause
                if not playing.value:
                    break
                stepped = guarded(session, lambda: session.step(batch))
            version = session.version
            state.frame.set(version)  # the last frame first, then the end state
            PACER.record(time.thread_time() - used)  # CPU this frame took (not waits)
            if stepped is False or session.ended:
                playing.value = False  # the end of the scenario (or a failure): stop there
                bump(state.notes)
                break
            unseen = 0 if session.wait_shown(version, timeout=1.0) else unseen + 1
            if unseen >= UNSEEN_PAUSE:  # the tab is closed or hidden: stop drawing for no one
                playing.value = False
                break
            spent = time.perf_counter() - start
            cost = spent if cost == 0.0 else 0.7 * cost + 0.3 * spent
            cancel.wait(max(0.001, batch / speed.value - spent, PACER.interval() - spent))

    solara.use_thread(run, dependencies=[playing.value], intrusive_cancel=False)


def paragraphs(text: str) -> list[str]:
    """A TOML description's paragraphs, each on one line."""
    return [" ".join(p.split()) for p in text.strip().split("\n\n") if p.strip()]


@solara.component
def Header(session: Session, state: State):
    """Title, the switches (split stage, presentation, controls), and the caveat."""
    _ = state.scene.value
    scenario = session.scenario
    length = "short" if len(scenario.title) <= 24 else "long" if len(scenario.title) > 34 else ""
    with solara.Row(justify="space-between", classes=["header"]):
        solara.HTML("h1", unsafe_innerHTML=html.escape(scenario.title),
                    classes=["scenario-title", f"title-{length or 'medium'}"])
        with solara.Row(classes=["switches"]):
            solara.Switch(label="Split stage", value=session.split,
                          on_value=lambda on: state.start(session, "split", on),
                          disabled=bool(state.busy.value), classes=["split-switch"])
            solara.Switch(label="Presenting", value=state.presenting,
                          classes=["presenting-switch"])
            solara.Button("Hide controls" if state.sidebar.value else "Show controls",
                          on_click=lambda: state.sidebar.set(not state.sidebar.value),
                          text=True, classes=["sidebar-button"])
            Shortcuts(lambda action: act(session, state, action))
    caveat = html.escape(f"{' '.join(scenario.caveat.split())} {MIRROR_NOTE}", quote=True)
    solara.HTML("div", unsafe_innerHTML=f"<span title=\"{caveat}\"><b>Caveat.</b> {caveat}</span>",
                classes=["caveat"])


@solara.component
def About(session: Session, state: State):
    """The description and the references, folded away."""
    _ = state.scene.value
    scenario = session.scenario
    with Fold("About this scenario: what it models, references"):
        for paragraph in paragraphs(scenario.description):
            solara.HTML("p", unsafe_innerHTML=html.escape(paragraph))
        caveat = html.escape(f"{' '.join(scenario.caveat.split())} {MIRROR_NOTE}")
        solara.HTML("p", unsafe_innerHTML=f"<b>Caveat.</b> {caveat}")
        for reference in scenario.references:
            solara.HTML("p", unsafe_innerHTML=html.escape(reference), classes=["reference"])


def can_play(session: Session, state: State) -> bool:
    """Whether Play (or Pause) may be pressed: not while building, not at the end."""
    return not state.busy.value and (state.playing.value or not session.ended)


def can_step(session: Session, state: State) -> bool:
    """Whether Step may be pressed: not while building, not at the end."""
    return not state.busy.value and not session.ended


def act(session: Session, state: State, action: str) -> None:
    """What a button or its keyboard shortcut does (see :data:`dashboards.browser.SHORTCUTS`):
    ``play`` (Play/Pause), ``step``, ``reset``, ``split`` (the split stage on/off) and
    ``present`` (presentation mode on/off). A shortcut does nothing where its button is
    disabled (building, or the run at its end)."""
    if action == "play" and can_play(session, state):
        with session.lock:  # see PlayLoop: once paused, no further step
            state.playing.set(not state.playing.value)
    elif action == "step" and can_step(session, state):
        with PACER.click():
            if guarded(session, session.step) is False or session.ended:
                bump(state.notes)
            state.frame.set(session.version)
    elif action == "reset":
        state.start(session, "reset")  # does nothing while a rebuild runs
    elif action == "split" and not state.busy.value:
        state.start(session, "split", not session.split)
    elif action == "present":
        state.presenting.set(not state.presenting.value)


@solara.component
def Transport(session: Session, state: State):
    """Play / Pause / Step / Reset, the step counter, the speed and the event buttons."""
    _ = state.notes.value, state.scene.value
    playing, busy, ended = state.playing.value, bool(state.busy.value), session.ended

    def trigger(label):
        with PACER.click():
            if guarded(session, lambda: session.trigger(label)) and not state.playing.value:
                guarded(session, session.step)  # paused: show the reaction at once
            state.frame.set(session.version)
            bump(state.notes)

    with solara.Row(classes=["transport"]):
        solara.Button("Pause" if playing else "Play", on_click=lambda: act(session, state, "play"),
                      color="primary", icon_name="mdi-pause" if playing else "mdi-play",
                      disabled=not can_play(session, state), classes=["play-button"],
                      attributes={"aria-keyshortcuts": "Space"})
        solara.Button("Step", icon_name="mdi-step-forward",
                      on_click=lambda: act(session, state, "step"),
                      disabled=not can_step(session, state), classes=["step-button"],
                      attributes={"aria-keyshortcuts": "ArrowRight"})
        solara.Button("Reset", icon_name="mdi-restore", on_click=lambda: act(session, state, "reset"),
                      disabled=busy, classes=["reset-button"], attributes={"aria-keyshortcuts": "R"})
        StepCounter(session, state.frame)
        with solara.Div(classes=["speed"]):
            solara.SliderInt(f"{state.speed.value} steps/s", value=state.speed, min=1, max=30,
                             thumb_label=False)
        with solara.Row(classes=["event-buttons"]):
            for label in session.scenario.actions:
                solara.Button(label, on_click=lambda label=label: trigger(label), outlined=True,
                              disabled=ended or busy, classes=["event-button"])
            if not session.scenario.actions:
                solara.Text("(no event buttons in this scenario)", classes=["no-events"])
    Status(session, state)


@solara.component
def Status(session: Session, state: State):
    """One line: what is being built, what went wrong, the end, or what waits for Reset."""
    _ = state.notes.value, state.scene.value
    pending = session.pending()
    if state.busy.value:
        text, kind = state.busy.value, "busy"
    elif session.message:
        text, kind = session.message, "message"
    elif session.ended:
        text, kind = (f"The end: step {session.end} of {session.end}. "
                      "Reset runs the scenario again."), "ended"
    elif pending:
        text, kind = f"Changed: {', '.join(pending)}. Press Reset to rebuild with them.", "pending"
    else:
        text, kind = "", "idle"
    solara.Text(text, classes=["status", kind])


@solara.component
def Controls(session: Session, state: State):
    """The sidebar: scenario, seed, parameters (live ones first), upload, export."""
    _ = state.scene.value

    def loaded(ok: bool):
        if ok:  # a failed upload leaves the current run alone
            state.playing.set(False)
            state.frame.set(session.version)
            bump(state.scene, state.notes)

    ScenarioPicker(session, lambda key: state.start(session, "choose", key),
                   disabled=bool(state.busy.value))
    About(session, state)
    SeedField(session, on_change=lambda: bump(state.notes))
    chosen, live, on_reset = session.sections()  # read together: a switch may be under way
    for title, names in (("Live: act on the running model", live), ("Apply on Reset", on_reset)):
        solara.Text(title, classes=["section-title"])
        for name in names:
            ParamControl(session, name, on_change=lambda: bump(state.notes)).key(
                f"{chosen}:{name}")
    solara.Text("Scenario files", classes=["section-title"])
    Upload(session, on_loaded=loaded)
    Exports(session)
    solara.Text("Workshop game", classes=["section-title"])
    with solara.Link("/contagion"):
        solara.Button("Which one is contagion?", text=True, classes=["game-link"])


@solara.component
def Painted(session: Session, state: State):
    """Tells the session which frame the browser has painted (see PlayLoop)."""
    FrameAck(state.frame.value, session.report_shown)


@solara.component
def Recovering(make: Callable[[], solara.Element], what: str):
    """``make()``; if drawing it fails, one line and a button that draws it again.

    Without this, an error in the sidebar would leave a traceback in its place
    for the rest of the show.
    """
    exception, clear = solara.use_exception()
    if exception is None:
        make()
        return
    log.error("dashboard: the %s could not be drawn", what, exc_info=exception)
    with solara.Column(classes=["recovering"]):
        solara.Text(f"The {what} could not be drawn: {one_line(exception)}",
                    classes=["control-error"])
        solara.Button(f"Draw the {what} again", on_click=clear, outlined=True,
                      classes=["redraw-button"])


@solara.component
def Island(make: Callable[[], solara.Element], classes: list[str], label: str):
    """``make()`` rendered as a tree of its own, in a div with ``classes``.

    A change inside it (a slider, a typed value) does not walk the rest of the
    page, and a frame of the stage does not walk it: the sidebar's many
    controls would otherwise cost about three quarters of every Step.
    """
    container = solara.use_memo(lambda: v.Html(
        tag="div", class_=" ".join(classes),
        attributes={"role": "complementary", "aria-label": label}), [])

    def mount():
        _, context = reacton.render(make(), container, handle_error=True)
        return context.close

    solara.use_effect(mount, [])
    return v.Html.element(tag="div", class_="island", children=[container])


@solara.component
def Address(session: Session, state: State):
    """Keeps the page's address on what runs now, so a restarted server rebuilds the same."""
    _ = state.scene.value, state.notes.value
    PageLink(search=query(session, state.presenting.value))


@solara.component
def Layout(children=[]):  # noqa: B006 - Solara's signature for an app layout
    """The page as it is: no app bar, no drawer that could cover the stage."""
    solara.Column(children=children, gap="0px", classes=["contagion-app"])


@solara.component
def Dashboard():
    """The whole dashboard: a fixed-width sidebar and the stage beside it."""
    router = solara.use_router()
    session, presenting = solara.use_memo(lambda: open_session(router.search), [])
    state = State(presenting)
    solara.Title("Contagion dashboard")
    solara.Style(style.BASE + (style.PRESENTING if state.presenting.value else ""))
    PageLanguage()
    Builder(session, state)
    PlayLoop(session, state)
    Address(session, state)
    classes = ["dashboard"] + ([] if state.sidebar.value else ["no-sidebar"])
    with solara.Div(classes=classes):
        SkipLink()
        if state.sidebar.value:
            Island(lambda: Recovering(lambda: Controls(session, state), "controls"),
                   ["sidebar"], "The presenter's controls")
        with solara.Div(classes=["main"], attributes={"id": "stage", "role": "main"}):
            Header(session, state)
            Transport(session, state)
            Readouts(session, state.frame)
            Stage(session, state.frame, state.presenting.value, state.busy.value)
            Painted(session, state)
            StepWait()


@solara.component
def Game():
    """The workshop game "Which one is contagion?" (:mod:`dashboards.confounding`).

    Imported when first opened: the study behind it loads statsmodels, which
    would add seconds to every start of the dashboard.
    """
    from dashboards.confounding import ConfoundingPage

    return ConfoundingPage()


#: The pages ``solara run dashboards.app`` serves: the dashboard at ``/``, the workshop
#: game "Which one is contagion?" at ``/contagion``; both in :func:`Layout`.
routes = [
    solara.Route(path="/", component=Dashboard, label="Dashboard", layout=Layout),
    solara.Route(path="contagion", component=Game, label="Which one is contagion?"),
]
