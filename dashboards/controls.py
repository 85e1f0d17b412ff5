"""The sidebar: scenario picker, seed, parameter controls, upload and export.

Every control is generated from the parameter declarations
(``scenario.parameter(name)``: range, default, description, kind); nothing
here knows a range by heart. Every parameter with a range has a slider;
bad input leaves a full message under its field, naming the value still used.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable

import reacton.ipyvuetify as rv
import solara

from dashboards.browser import Choice, PasteBox
from dashboards.exports import run_table, scenario_text
from dashboards.inputs import format_value, stops, unit
from dashboards.session import Session, one_line

__all__ = ["Exports", "Fold", "ParamControl", "ScenarioPicker", "SeedField", "Upload", "guarded"]

log = logging.getLogger("dashboards")


def css_name(name: str) -> str:
    """``name`` as a CSS class: a declared name is a file's, so anything odd becomes ``_``."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)


def file_name(name: str) -> str:
    """``name`` as a download's file name: letters, digits, ``_`` and ``-`` only."""
    return css_name(name) or "scenario"


def guarded(session: Session, action: Callable[[], object]) -> object:
    """Run a button's action; an unexpected error becomes a one-line message, never a traceback."""
    try:
        return action()
    except Exception as exc:  # noqa: BLE001 - the audience sees one line, the log the rest
        log.exception("dashboard action failed")
        session.message = f"Something went wrong: {one_line(exc)}"
        return False


@solara.component
def ScenarioPicker(session: Session, on_choose: Callable[[str], None], disabled: bool):
    """Pick a scenario by title; built-in, installed and uploaded ones."""
    entries = session.catalogue()
    current = next((label for label, key in entries.items() if key == session.key), None)
    Choice("Scenario", list(entries), current, disabled=disabled,
           on_value=lambda label: on_choose(entries[label]) if label in entries else None,
           classes=["scenario-picker"])


@solara.component
def Fold(title: str, children=[]):  # noqa: B006 - Solara's signature for children
    """A button that folds ``children`` out and in (it says whether they are shown)."""
    shown, show = solara.use_state(False)
    solara.Button(title, on_click=lambda: show(not shown), text=True,
                  icon_name="mdi-chevron-down" if shown else "mdi-chevron-right",
                  attributes={"aria-expanded": "true" if shown else "false"},
                  classes=["fold-button"])
    if shown:
        solara.Column(children=children, gap="4px", classes=["fold-body"])


@solara.component
def SeedField(session: Session, on_change: Callable[[], None]):
    """The seed: a whole number; it applies at the next Reset."""
    _, redraw = solara.use_state(0)

    def submit(text):
        guarded(session, lambda: session.set_seed(text))
        redraw(lambda n: n + 1)
        on_change()

    solara.InputText("seed (applies on Reset)", value=session.seed_text, on_value=submit,
                     error=bool(session.seed_error), classes=["seed-field"])
    if session.seed_error:
        solara.Text(f"{session.seed_error}. Still using {session.built_seed}.",
                    classes=["control-error", "seed-error"])


@solara.component
def Slider(param, value, on_value: Callable, name: str = ""):
    """A slider over ``param``'s range: even steps, or a 1-2-3-5 ladder over a wide range.

    The slider moves over the positions of :func:`dashboards.inputs.stops` (its
    value is a position, a whole number), never over the values themselves: a
    browser's slider rounds its value to its step as it is drawn and sends the
    rounded value back, which would silently rewrite a value such as 0.002 to 0.
    The scenario's value and the value the slider opened with are stops of their
    own; a value typed since puts the thumb on the nearest stop and stays exact.
    A value only changes when the slider is moved.
    """
    opened, _ = solara.use_state(value)
    positions = solara.use_memo(lambda: stops(param, opened), [param, opened])
    if not positions:
        return
    at = (positions.index(value) if value in positions else
          min(range(len(positions)), key=lambda i: abs(positions[i] - value)))

    def moved(index):
        index = int(index)
        if 0 <= index < len(positions) and index != at:
            on_value(positions[index])

    # the thumb is named, and says the value (its position is only an index)
    rv.Slider(v_model=at, min=0, max=len(positions) - 1, step=1, hide_details=True,
              on_v_model=moved, class_="param-slider",
              attributes={"aria-label": f"{name or param.name} slider",
                          "aria-valuetext": format_value(param, value)})


@solara.component
def ParamControl(session: Session, name: str, on_change: Callable[[], None]):
    """One parameter: its name, range and meaning, a slider, and a field to type."""
    _, redraw = solara.use_state(0)
    control = session.control(name)  # read in one piece (a switch may be under way)
    if control is None:
        return  # the scenario drawn before: the sidebar redraws without it

    def submit(raw):
        guarded(session, lambda: session.set_text(name, raw))
        redraw(lambda n: n + 1)
        on_change()

    param, value = control.param, control.value
    when = "live" if control.live else "on Reset"
    wide = param.kind == "goals"
    per = f" {unit(name)}" if unit(name).startswith("per ") else ""
    # the name and range come from a scenario file: escaped, never markup
    label = (f"<b>{html.escape(name)}</b> <span class='param-range'>"
             f"{html.escape(param.range_text + per)} · {when}</span>")
    with solara.Column(gap="0px", classes=["param", f"param-{css_name(name)}"]):
        solara.HTML("div", unsafe_innerHTML=label, classes=["param-name"])
        with solara.Row(gap="8px", classes=["param-row"] + (["param-row-wide"] if wide else [])):
            Slider(param, value, submit, name)
            shown = control.draft if control.draft is not None else format_value(param, value)
            solara.InputText(name, value=shown, on_value=submit, error=control.error is not None,
                             classes=["param-input", f"param-input-{css_name(name)}"]
                             + (["param-input-wide"] if wide else []))
        if control.error is not None:
            solara.Text(f"{control.error}. Still using {format_value(param, value)}.",
                        classes=["control-error", f"error-{css_name(name)}"])
        solara.Text(param.description, classes=["param-help"])


@solara.component
def Upload(session: Session, on_loaded: Callable[[bool], None]):
    """Load a scenario file: drop it, or paste its text. A failing file changes nothing."""
    _, redraw = solara.use_state(0)

    def load(data, source):
        ok = guarded(session, lambda: session.load_toml(data, source))
        redraw(lambda n: n + 1)
        on_loaded(bool(ok))

    solara.FileDrop(label="Drop a scenario .toml file here", lazy=False,
                    on_file=lambda info: load(info["data"] or b"", info["name"]))
    with Fold("...or paste a scenario file"):
        PasteBox(lambda text: load(text, "pasted text"))
    if session.upload_error:
        solara.Text(session.upload_error, classes=["control-error", "upload-error"])


@solara.component
def Exports(session: Session):
    """Download the scenario as run (TOML with seed and pressed buttons) and the run as CSV."""
    name = file_name(session.scenario.name)
    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
        solara.FileDownload(lambda: scenario_text(session), filename=f"{name}.toml",
                            label="Scenario (TOML)", mime_type="application/toml")
        solara.FileDownload(lambda: run_table(session), filename=f"{name}-run.csv",
                            label="Run so far (CSV)", mime_type="text/csv")
