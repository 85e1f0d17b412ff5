"""Exports reproduce what the room saw; the page address brings the same run back after a restart."""

from __future__ import annotations

import io
import tomllib
from urllib.parse import parse_qs

import pandas as pd
import pytest

import contagion  # noqa: F401  (the engine first: `import scenarios` alone hits an import cycle)
import scenarios
from scenarios.timing import event_in_steps
from contagion.cli import main
from contagion.events import Pin, Shock, Stimulus
from contagion.version import __version__
from dashboards import address
from dashboards.address import open_session, query
from dashboards.exports import event_table, run_table, scenario_text
from dashboards.inputs import parse_value
from dashboards.session import Session
from scenarios.recipes import EVENTS


def cli_table(path, tmp_path, capsys, *extra) -> str:
    out = tmp_path / "cli.csv"
    assert main(["run", str(path), "--no-progress", "--out", str(out), *extra]) == 0
    capsys.readouterr()
    return out.read_text()


def export(session, tmp_path):
    path = tmp_path / f"{session.scenario.name}.toml"
    path.write_text(scenario_text(session))
    return path


@pytest.mark.parametrize("event", [
    Shock(7, 0.5, 0.25, "home", True), Shock(3, -0.4), Pin(4, None, 0.8, 0.6, "leader"),
    Pin(2, 9, (0.1, 0.2, -0.3), None, [0, 1]), Stimulus(5, 25, -0.7, 0.2, 3.0, "observer", "rival"),
])
@pytest.mark.parametrize("dt", [1.0, 30.0, 0.02])
def test_an_engine_event_is_written_as_the_table_that_makes_it(event, dt):
    """Steps are written as times of the file's unit and come back as the same steps."""
    table = tomllib.loads(_toml_of(event_table(event, dt)))["e"]
    again, = EVENTS[table["type"]](event_in_steps(table, dt, "e"), None)
    assert again == event or (type(again) is type(event) and _fields(again) == _fields(event))


def _toml_of(table) -> str:
    import tomli_w

    return tomli_w.dumps({"e": table})


def _fields(event):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in vars(event).items()}


@pytest.mark.parametrize("name", scenarios.names())
def test_the_exported_file_reruns_the_csv_exactly(name, tmp_path, capsys):
    session = Session(name, seed=6)
    session.set_text("mirroring", "0.45")  # live, at step 0: the run is built with it
    session.step(4)
    for label in session.scenario.actions:
        session.trigger(label)
        session.step(3)
    session.step(2)
    path = export(session, tmp_path)
    assert scenarios.load(path).seed == 6
    assert cli_table(path, tmp_path, capsys, "--steps", str(session.model.steps)) == (
        run_table(session))


def test_a_run_played_to_its_end_reruns_with_plain_contagion_run(tmp_path, capsys):
    session = Session("leader_team", seed=2)
    session.step(5)
    session.trigger("Leader: grumpy")
    session.step(10_000)
    assert session.ended
    assert cli_table(export(session, tmp_path), tmp_path, capsys) == run_table(session)


def test_a_split_run_exports_both_sides_as_contagion_run_null(tmp_path, capsys):
    session = Session("football_crowd", seed=2, split=True)
    session.step(3)
    session.trigger("Goal away")
    session.step(4)
    table = run_table(session)
    frame = pd.read_csv(io.StringIO(table))
    assert list(frame.columns[:3]) == ["scenario", "seed", "step"] and "model" in frame
    assert len(frame) == 2 * 8
    path = export(session, tmp_path)
    assert set(frame["model"]) == {"full", "no_social"}
    assert "--null" in path.read_text().splitlines()[1]
    cli = cli_table(path, tmp_path, capsys, "--null", "--steps", "7").splitlines(keepends=True)
    # the CLI adds the second null (stimuli removed): the split stage shows the fair one
    assert "".join(line for line in cli if not line.endswith(",no_stimulus\n")) == table
    assert len(cli) == 1 + 3 * 8


def test_the_file_names_what_waits_for_reset_and_what_it_cannot_replay(tmp_path, capsys):
    session = Session("football_crowd", seed=3)
    session.step(2)
    session.trigger("Goal home")
    session.set_text("rows", "10")
    session.set_seed("9")
    session.step(3)
    session.set_text("mirroring", "3")  # moved in the middle of the run
    text = scenario_text(session)
    notes = [line for line in text.splitlines() if line.startswith("#")]
    assert any("Pending, not in this run (Reset applies them): rows = 10, seed = 9." in n
               for n in notes)
    assert any("'Goal home' at step 2" in n for n in notes)
    # which rows differ: as `contagion run` of the file shows them against the CSV export
    path = tmp_path / "moved.toml"
    path.write_text(text)
    rerun = pd.read_csv(io.StringIO(cli_table(path, tmp_path, capsys, "--steps", "5")))
    shown = pd.read_csv(io.StringIO(run_table(session)))
    metrics = [c for c in shown.columns if c not in ("scenario", "seed")]
    differ = [int(step) for step, a, b in zip(shown["step"], shown[metrics].itertuples(),
                                              rerun[metrics].itertuples()) if a != b]
    assert differ, "moving mirroring changes the run"
    assert any(n.startswith("# mirroring moved from 2 to 3 at step 5") and
               f"its rows differ from the CSV's from step {differ[0]} on." in n
               for n in notes), notes
    loaded = scenarios.loads(text)
    assert loaded.seed == 3 and loaded.parameter("rows").value == 40  # the running model's
    assert loaded.parameter("mirroring").value == 3.0


def test_csv_export_is_the_run_so_far():
    session = Session("football_crowd", seed=3)
    session.step(4)
    frame = pd.read_csv(io.StringIO(run_table(session)))
    assert list(frame["step"]) == [0, 1, 2, 3, 4]
    assert (frame["scenario"] == "football_crowd").all() and (frame["seed"] == 3).all()
    assert {"home_valence", "away_valence"} <= set(frame.columns)


def test_an_exported_file_uploaded_again_brings_its_seed_and_presses(tmp_path):
    session = Session("football_crowd", seed=5)
    session.step(2)
    session.trigger("Goal home")
    session.step(3)
    text = scenario_text(session)
    other = Session("leader_team")
    assert other.load_toml(text, "exported.toml")
    assert other.built_seed == 5
    other.step(5)
    assert run_table(other).replace("football_crowd", "x") == run_table(session).replace(
        "football_crowd", "x")


def test_the_address_brings_back_scenario_seed_values_and_split():
    session = Session("boss_cascade", seed=12)
    session.set_text("mirroring", "0.37")  # at step 0: the crowd is built with it
    session.set_text("teams", "4")  # waits for Reset: the address has the running 3
    session.set_split(True)
    search = query(session, presenting=True)
    assert "teams=3" in search and "teams=4" not in search
    again, presenting = open_session(search)
    assert presenting and again.key == "boss_cascade" and again.built_seed == 12
    assert again.running() == session.running() and again.null is not None
    assert again.message is None


def test_an_address_that_cannot_be_opened_says_so_and_opens_what_it_can():
    session, presenting = open_session("scenario=no_such&seed=12ab&mirroring=0.4")
    assert session.key == "football_crowd" and not presenting
    assert session.message.startswith("The address asked for what cannot be opened: ")
    assert "seed='12ab'" in session.message and "no_such" in session.message
    assert session.values["mirroring"] == 0.4


def test_an_uploaded_scenario_survives_in_the_address(tmp_path, monkeypatch):
    monkeypatch.setattr(address, "UPLOADS", tmp_path)
    session = Session()
    text = scenarios.get("sad_film").replace(viewers=12).to_toml().replace('"sad_film"',
                                                                           '"my_film"')
    assert session.load_toml(text, "my_film.toml")
    search = query(session, presenting=False)
    assert "scenario=upload-" in search and len(list(tmp_path.iterdir())) == 1
    again, _ = open_session(search)
    assert again.scenario.name == "my_film" and again.model.n_agents == 12
    for stored in tmp_path.iterdir():
        stored.unlink()
    gone, _ = open_session(search)
    assert gone.key == "football_crowd" and "drop it again" in gone.message


#: Values the sliders once rounded away as the page opened (to 0, 7, 0.18, ...).
FINE_VALUES = {
    "mexican_wave": {"threshold": 0.2, "softness": 0.1, "reaction_rate": 6.5,
                     "spontaneous_rate": 0.002, "side_bias": 0.17},
    "happiness_framingham": {"content_rate": 0.18, "discontent_rate": 0.04,
                             "content_contagion": 0.02, "discontent_contagion": 0.04,
                             "content_recovery": 0.1, "discontent_recovery": 0.2},
}


@pytest.mark.parametrize("name", sorted(FINE_VALUES))
def test_export_and_address_carry_every_declared_value_and_the_version(name):
    declared = scenarios.get(name)
    session, _ = open_session(f"scenario={name}")  # as the page opens it
    used = {n: v for n, v in declared.values().items() if declared.uses(n) and v is not None}

    text = scenario_text(session)
    assert f"(contagion {__version__})" in text.splitlines()[0]
    written = {n: v["value"] if isinstance(v, dict) else v
               for n, v in tomllib.loads(text)["parameters"].items()}
    assert written == used  # every one the model uses, engine defaults included
    assert {n: written[n] for n in FINE_VALUES[name]} == FINE_VALUES[name]
    assert scenarios.loads(text).values() == declared.values()

    search = query(session, presenting=False)
    asked = {k: v[-1] for k, v in parse_qs(search).items()}
    assert asked["version"] == __version__ and asked["scenario"] == name
    assert {n: parse_value(declared.parameter(n), asked[n]) for n in session.names} == {
        n: declared.parameter(n).value for n in session.names}
    assert {n: float(asked[n]) for n in FINE_VALUES[name]} == FINE_VALUES[name]
    again, _ = open_session(search)
    assert again.running() == session.running() and again.message is None


def test_an_address_from_another_version_opens_and_says_so():
    session, _ = open_session("scenario=mexican_wave&version=0.0.1&threshold=0.3")
    assert session.values["threshold"] == 0.3
    assert session.message == (f"This address was made with contagion 0.0.1, this is "
                               f"{__version__}: the same values may run differently.")
