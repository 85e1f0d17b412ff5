"""A command whose extra is missing says which extra to install, in one line, exit status 2.

A missing package is simulated the way Python itself reports one: ``sys.modules[name] =
None`` makes ``import name`` raise ``ImportError`` (and ``find_spec`` find nothing).
"""

from __future__ import annotations

import sys

import pytest

from contagion.cli import NEEDS, main
from contagion.lazy import DISTRIBUTION, EXTRAS, MissingExtra, lazy, require

CASES = [
    (["fit", "leader_team", "--data", "data.csv", "--out", "fitted", "--param",
      "mirroring=uniform:0:1"], "pyabc", "fit"),
    (["study", "confounding"], "statsmodels", "study"),
    (["sensitivity", "leader_team", "--param", "mirroring"], "SALib", "sensitivity"),
    (["dashboard"], "solara", "dashboard"),
    (["plot", "folder", "--x", "mirroring", "--y", "valence"], "matplotlib", "plot"),
    (["sensitivity", "leader_team", "--param", "mirroring=0:1", "--dask", "tcp://127.0.0.1:1"],
     "distributed", "cluster"),
    (["run", "leader_team", "--steps", "2", "--plot", "curves.png"], "matplotlib", "plot"),
    (["sweep", "leader_team", "--out", "runs", "--dask", "tcp://127.0.0.1:1"], "distributed",
     "cluster"),
]


@pytest.mark.parametrize(("argv", "module", "extra"), CASES, ids=[c[0][0] for c in CASES])
def test_a_command_names_the_extra_it_needs(argv, module, extra, monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, module, None)
    assert main(argv) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"contagion {argv[0]}: error: ")
    assert module in lines[0]
    assert f"'{extra}' extra" in lines[0]
    assert f"{DISTRIBUTION}[{extra}]" in lines[0]
    assert "Traceback" not in err and out == ""


def test_the_core_commands_run_without_any_extra(monkeypatch, capsys, tmp_path):
    """list, show, docs and run (without --plot) need none of the extras."""
    monkeypatch.chdir(tmp_path)
    for module in {*EXTRAS, "matplotlib"}:
        monkeypatch.setitem(sys.modules, module, None)
    for argv in (["list"], ["show", "leader_team"], ["docs", "model"],
                 ["run", "leader_team", "--steps", "3", "--seed", "1", "--no-progress"]):
        assert main(argv) == 0, (argv, capsys.readouterr().err)
    capsys.readouterr()


def test_an_import_inside_a_command_is_reported_the_same_way(monkeypatch, capsys):
    """A module of an extra imported deep inside a command (not caught by NEEDS)."""
    import contagion.cli.scenarios as command

    def needs_salib(args):
        import SALib  # noqa: F401

    monkeypatch.setitem(sys.modules, "SALib", None)
    monkeypatch.setattr(command, "list_scenarios", needs_salib)
    monkeypatch.setitem(NEEDS, "list", ())
    parser_register = command.register

    def register(subparsers):
        parser_register(subparsers)
        subparsers.choices["list"].set_defaults(handler=needs_salib)

    monkeypatch.setattr(command, "register", register)
    assert main(["list"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'sensitivity' extra" in err


def test_require_and_lazy_name_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyabc", None)
    monkeypatch.setitem(sys.modules, "pyabc.sampler", None)  # imported by an earlier test
    with pytest.raises(MissingExtra, match=r"contagion fit needs pyabc.*'fit' extra"):
        require("pyabc", "contagion fit")
    with pytest.raises(MissingExtra, match="'fit' extra"):
        lazy("pyabc.sampler").Sampler  # noqa: B018
    # a module no extra provides fails as Python says
    monkeypatch.setitem(sys.modules, "colorsys", None)
    with pytest.raises(ImportError) as caught:
        require("colorsys")
    assert not isinstance(caught.value, MissingExtra)


def test_every_extra_named_is_declared_in_pyproject():
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    assert project["name"] == DISTRIBUTION
    named = {*EXTRAS.values(), *(extra for needs in NEEDS.values() for _, extra, _ in needs)}
    assert named <= set(extras)
    everything = " ".join(extras["all"])
    for extra in set(extras) - {"all"}:
        assert extra in everything
    core = " ".join(project["dependencies"]).lower()
    for heavy in ("solara", "pyabc", "statsmodels", "dask", "salib", "matplotlib", "altair"):
        assert heavy not in core
