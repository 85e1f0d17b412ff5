"""What the room saw, as files: a scenario file that reruns the run, and the run as CSV.

The TOML is the running scenario with every value the running model has (engine
defaults included), the seed it was built with, and every button pressed written
as an event at the step it acted, so ``contagion run FILE`` reproduces the CSV row
for row. Comment lines on top name the contagion version, say how, and name what a
file cannot hold: changes waiting for Reset, and live values moved in the middle
of a run.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from contagion.version import __version__
from dashboards.inputs import format_value
from dashboards.session import NULL_LABELS, Session
from scenarios.validate import EVENT_KEYS

__all__ = ["event_table", "every_value", "first_difference", "run_table", "scenario_text"]


#: Engine events count steps; a scenario file gives times (scenarios.timing): the
#: time of each step field is ``(step - offset) * dt``, under the file's key.
_TIMES = {"stimulus": {"start": ("start", 1), "stop": ("stop", 1)},
          "pin": {"start": ("start", 0), "stop": ("stop", 0)},
          "shock": {"step": ("at", 0)}}


def event_table(event, dt: float = 1.0) -> dict:
    """An engine event (shock, pin, broadcast) as the scenario-file table that makes it
    again at step length ``dt`` (its steps written as times)."""
    kind = type(event).__name__.lower()
    if kind not in EVENT_KEYS:
        raise ValueError(f"{event!r} cannot be written to a scenario file: allowed "
                         + ", ".join(EVENT_KEYS))
    table = {"type": kind}
    for field in dataclasses.fields(event):
        value = getattr(event, field.name)
        if callable(value):
            raise ValueError(f"{kind}.{field.name} is a function: a scenario file holds data")
        if value is None:
            continue
        key, offset = _TIMES.get(kind, {}).get(field.name, (field.name, None))
        table[key] = _plain(value) if offset is None else (int(value) - offset) * dt
    return table


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value.item() if hasattr(value, "item") else value


def every_value(scenario, running: dict) -> dict:
    """Every parameter the running model uses, as it runs: ``running`` over the scenario's.

    Engine parameters left at their defaults are written too, so the file runs the
    same values under a later version whose defaults differ. Parameters of other
    rules (no effect here) and values the engine derives (None) are left out.
    """
    values = {**scenario.values(), **running}
    return {name: value for name, value in values.items()
            if scenario.uses(name) and value is not None}


def scenario_text(session: Session) -> str:
    """The running scenario as a TOML file, with comment lines on how to rerun it."""
    with session.lock:
        scenario, running, seed = session.scenario, session.running(), session.built_seed
        events = [event_table(e, session.model.dt) for e in session.pressed]
        presses, changes = list(session.presses), list(session.changes)
        step, pending, split = session.model.steps, session.pending(), session.null is not None
        values, chosen_seed = dict(session.values), session.seed
        room = session.model.dataframe() if changes else None
    exported = scenario.replace(**every_value(scenario, running))
    exported = dataclasses.replace(exported, seed=seed, events=(*exported.events, *events))
    notes = [f"Exported from the contagion dashboard (contagion {__version__}) at step {step} "
             f"of {scenario.steps}: seed {seed}, every running value"
             f"{' and the buttons pressed' if events else ''}.",
             f"contagion run FILE{' --null' if split else ''} --steps {step} --out run.csv "
             "gives the rows of the run's CSV export"
             + (" (model full and no_social; it adds no_stimulus, the run without the "
                "stimuli)." if split else ".")]
    if presses:
        notes.append("Buttons pressed (below as [[events]]): "
                     + ", ".join(f"{label!r} at step {at}" for at, label in presses) + ".")
    if pending:
        shown = [f"seed = {chosen_seed}" if name == "seed" else
                 f"{name} = {format_value(scenario.parameter(name), values[name])}"
                 for name in pending]
        notes.append(f"Pending, not in this run (Reset applies them): {', '.join(shown)}.")
    if changes:  # which rows differ is found by running the file, not guessed
        differ = first_difference(exported, seed, step, room)
        tail = ("its rows are the CSV's all the same" if differ is None else
                f"its rows differ from the CSV's from step {differ} on")
    for at, name, old, new in changes:
        param = scenario.parameter(name)
        notes.append(f"{name} moved from {format_value(param, old)} to "
                     f"{format_value(param, new)} at step {at}: a file cannot replay that, so "
                     f"this one runs with {format_value(param, running[name])} from the start "
                     f"and {tail}.")
    header = "".join(f"# {line}\n" for line in notes)
    return header + "\n" + exported.to_toml()


def first_difference(exported, seed: int, steps: int, shown: pd.DataFrame) -> int | None:
    """The first step at which ``exported`` run for ``steps`` steps from ``seed`` leaves the
    rows ``shown`` (the room's run); None when every row is the same."""
    model = exported.build(seed)
    for _ in range(steps):
        model.step()
    rerun = model.dataframe()
    columns = [c for c in shown.columns if c in rerun.columns]
    left, right = shown[columns].reset_index(drop=True), rerun[columns].reset_index(drop=True)
    same = (left == right) | (left.isna() & right.isna())
    rows = same.all(axis=1).to_numpy()
    if len(left) != len(right):
        rows = rows[:min(len(left), len(right))]
    bad = [i for i, ok in enumerate(rows) if not ok]
    if bad:
        return int(left["step"].iloc[bad[0]]) if "step" in left else bad[0]
    return None if len(left) == len(right) else min(len(left), len(right))


def run_table(session: Session) -> str:
    """The run so far: one row per step; both sides (column ``model``) on a split stage.

    The same table, byte for byte, as ``contagion run FILE [--null] --out`` of
    the exported scenario file.
    """
    with session.lock:
        frames = [model.dataframe() for model in session.models()]
        name, seed = session.built_name, session.built_seed
    if len(frames) > 1:
        frames = [frame.assign(model=label) for frame, label in zip(frames, NULL_LABELS)]
    table = pd.concat(frames, ignore_index=True)
    table.insert(0, "scenario", name)
    table.insert(1, "seed", seed)
    return table.to_csv(index=False)
