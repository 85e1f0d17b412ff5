"""Third-party scenarios through the entry-point group ``contagion.scenarios``.

A fake installed distribution (a ``*.dist-info`` directory with METADATA and
entry_points.txt, next to its module) is put on ``sys.path``; its scenarios then
appear in ``scenarios.names()``, load by name, run, and show in ``contagion list``.
"""

from __future__ import annotations

import importlib
import sys
import textwrap

import pytest

import scenarios
from contagion.cli import main

MODULE = textwrap.dedent('''
    """A third party's scenarios (test fixture)."""
    import dataclasses
    import pathlib

    import scenarios

    office_party = dataclasses.replace(
        scenarios.get("leader_team"), name="office_party", title="An office party",
        description="Colleagues at a party pick up each other's mood; the boss is cheerful. "
                    "A fixture for the entry-point test, extending the leader_team scenario "
                    "with another name and title so that it can be told apart.",
    )


    def make_quiet_office():
        return dataclasses.replace(office_party.replace(mirroring=0.0), name="quiet_office",
                                   title="A quiet office")


    CLUB_FILE = str(pathlib.Path(__file__).with_name("club.toml"))
''')

CLUB = textwrap.dedent('''
    extends = "football_crowd"
    name = "club_night"
    title = "A club's fans watching on a screen"

    [parameters]
    rows = 4
    cols = 6
''')


ENTRY_POINTS = textwrap.dedent('''
    [contagion.scenarios]
    office_party = party_scenarios:office_party
    quiet_office = party_scenarios:make_quiet_office
    club_night = party_scenarios:CLUB_FILE
''')


def install(tmp_path, monkeypatch, entry_points=ENTRY_POINTS):
    """Write the fake distribution into ``tmp_path`` and put it on ``sys.path``."""
    (tmp_path / "party_scenarios.py").write_text(MODULE, encoding="utf-8")
    (tmp_path / "club.toml").write_text(CLUB, encoding="utf-8")
    info = tmp_path / "party_scenarios-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: party-scenarios\nVersion: 1.0\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))  # also invalidates importlib's caches
    monkeypatch.delitem(sys.modules, "party_scenarios", raising=False)  # restored, i.e. removed


@pytest.fixture
def fake_distribution(tmp_path, monkeypatch):
    install(tmp_path, monkeypatch)
    yield tmp_path
    sys.modules.pop("party_scenarios", None)
    importlib.invalidate_caches()


@pytest.fixture
def broken_distribution(tmp_path, monkeypatch):
    install(tmp_path, monkeypatch, ENTRY_POINTS + "broken_party = party_scenarios:no_such_thing\n")
    yield tmp_path
    sys.modules.pop("party_scenarios", None)
    importlib.invalidate_caches()


def test_registered_scenarios_show_up_and_run(fake_distribution):
    names = scenarios.names()
    assert {"office_party", "quiet_office", "club_night"} <= set(names)
    party = scenarios.get("office_party")
    assert party.title == "An office party"
    frame = party.run(steps=10, rng=1)
    assert frame["member_valence"].iloc[-1] > 0.1
    assert scenarios.get("quiet_office").title == "A quiet office"  # a function returning one
    club = scenarios.get("club_night")  # a path to a TOML file
    assert club.build(0).n_agents == 24
    from scenarios import office_party

    assert office_party.name == "office_party"


def test_registered_scenario_in_the_cli(fake_distribution, capsys):
    assert main(["list"]) == 0
    assert "office_party" in capsys.readouterr().out
    assert main(["run", "office_party", "--steps", "3", "--no-progress"]) == 0
    assert "scenario office_party" in capsys.readouterr().out


def test_a_broken_plug_in_fails_with_a_clear_message(broken_distribution):
    assert "broken_party" in scenarios.names()
    with pytest.raises(ValueError, match="scenario 'broken_party' from entry point "
                                         "'party_scenarios:no_such_thing' failed to load"):
        scenarios.get("broken_party")
    assert scenarios.get("leader_team").name == "leader_team"  # the library still works
    assert scenarios.get("office_party").name == "office_party"  # and the other plug-ins


def test_list_survives_a_broken_plug_in(broken_distribution, capsys):
    assert main(["list"]) == 0
    assert "office_party" in capsys.readouterr().out


def test_gone_after_the_distribution_is_removed(fake_distribution, monkeypatch):
    monkeypatch.undo()
    importlib.invalidate_caches()
    assert "office_party" not in scenarios.names()
