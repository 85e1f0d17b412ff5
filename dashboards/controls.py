"""The sidebar: scenario picker, seed, parameter controls, upload and export.

Every control is generated from the parameter declarations
(``scenario.parameter(name)``: range, default, description, kind); nothing
here knows a range by heart. Bad input leaves its message under the control.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import solara

from dashboards.inputs import format_value, slider_step
from dashboards.session import Session, one_line

__all__ = ["Exports", "ParamControl", "ScenarioPicker", "SeedField", "Upload", "guarded"]

log = logging.getLogger("dashboards")


def guarded(session: Session, action: Callable[[], object]) -> object:
    """Run a button's action; an unexpected error becomes a one-line message, never a traceback."""
    try:
        return action()
    except Exception as exc:  # noqa: BLE001 - the audience sees one line, the log the rest
        log.exception("dashboard action failed")
        session.message = f"Something went wrong: {one_line(exc)}"
        return False


@solara.component
def ScenarioPicker(session: Session, on_choose: Callable[[str], None]):
    """Pick a scenario by title; built-in, installed and uploaded ones."""
    entries = session.catalogue()
    current = next((label for label, key in entries.items() if key == session.key), None)
    solara.Select("Scenario", values=list(entries), value=current,
                  on_value=lambda label: on_choose(entries[label]),
                  classes=["scenario-picker"])


@solara.component
def SeedField(session: Session, on_change: Callable[[], None]):
    """The seed: a whole number; it applies at the next Reset."""
    _, redraw = solara.use_state(0)

    def submit(text):
        guarded(session, lambda: session.set_seed(text))
        redraw(lambda n: n + 1)
        on_change()

    solara.InputText("seed (applies on Reset)", value=session.seed_text, on_value=submit,
                     error=session.seed_error or False, classes=["seed-field"])


@solara.component
def ParamControl(session: Session, name: str, on_change: Callable[[], None]):
    """One parameter: its name, range and meaning, a slider where it helps, and a field to type."""
    _, redraw = solara.use_state(0)
    param = session.param(name)
    value = session.values[name]
    step = slider_step(param)

    def submit(raw):
        guarded(session, lambda: session.set_text(name, raw))
        redraw(lambda n: n + 1)
        on_change()

    when = "live" if session.live(name) else "on Reset"
    with solara.Column(gap="0px", classes=["param", f"param-{name}"]):
        solara.HTML("div", unsafe_innerHTML=f"<b>{name}</b> <span class='param-range'>"
                    f"{param.range_text} · {when}</span>", classes=["param-name"])
        with solara.Row(gap="8px", style={"align-items": "center"}):
            if step is not None and param.kind == "int":
                solara.SliderInt("", value=int(value), min=int(param.low), max=int(param.high),
                                 step=int(step), on_value=submit, thumb_label=False)
            elif step is not None:
                solara.SliderFloat("", value=float(value), min=param.low, max=param.high,
                                   step=step, on_value=submit, thumb_label=False)
            solara.InputText(name, value=session.drafts.get(name, format_value(param, value)),
                             on_value=submit, error=session.errors.get(name) or False,
                             classes=["param-input", f"param-input-{name}"])
        solara.Text(param.description, classes=["param-help"])


@solara.component
def Upload(session: Session, on_loaded: Callable[[bool], None]):
    """Load a scenario file: drop it, or paste its text. A failing file changes nothing."""
    text, set_text = solara.use_state("")
    _, redraw = solara.use_state(0)

    def load(data, source):
        ok = guarded(session, lambda: session.load_toml(data, source))
        redraw(lambda n: n + 1)
        on_loaded(bool(ok))

    solara.FileDrop(label="Drop a scenario .toml file here", lazy=False,
                    on_file=lambda info: load(info["data"] or b"", info["name"]))
    with solara.Details("...or paste a scenario file"):
        solara.InputTextArea("TOML text", value=text, on_value=set_text, rows=6,
                             continuous_update=True)
        solara.Button("Load pasted scenario", on_click=lambda: load(text, "pasted text"),
                      classes=["load-pasted"], outlined=True)
    if session.upload_error:
        solara.Text(session.upload_error, classes=["control-error", "upload-error"])


@solara.component
def Exports(session: Session):
    """Download the chosen scenario as TOML and the run so far as CSV."""
    name = session.scenario.name
    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
        solara.FileDownload(session.toml, filename=f"{name}.toml", label="Scenario (TOML)",
                            mime_type="application/toml")
        solara.FileDownload(session.csv, filename=f"{name}-run.csv", label="Run so far (CSV)",
                            mime_type="text/csv")
