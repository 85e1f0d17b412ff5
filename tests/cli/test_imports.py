"""The quick commands import only what they use: the import set, measured in a fresh process.

``contagion --help``, ``list``, ``show`` and ``docs`` must answer in well under a second
of CPU; what decides that is which modules they import (numpy alone is about 0.2 s here,
mesa several seconds). A fresh interpreter runs the command and reports
``sys.modules``; the test asserts the heavy stacks are absent (time is not asserted).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: Loaded by none of the quick commands.
HEAVY = ["mesa", "matplotlib", "pandas", "pyabc", "dask", "distributed", "solara",
         "statsmodels", "SALib", "scipy", "networkx", "numba", "pyarrow", "altair", "tqdm"]

_PROBE = """
import contextlib, io, json, sys
import contagion.cli
argv = json.loads(sys.argv[1])
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        status = contagion.cli.main(argv)
    except SystemExit as exit:
        status = exit.code
print(json.dumps({"status": status, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def _probe(argv: list[str]) -> dict:
    done = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(argv)],
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _loaded(modules: list[str], names: list[str]) -> list[str]:
    return [name for name in names if name in modules]


@pytest.mark.parametrize("argv", [["--help"], ["docs"], ["docs", "model"], ["--version"]])
def test_help_and_docs_import_nothing_heavy_not_even_numpy(argv):
    report = _probe(argv)
    assert report["status"] == 0
    assert _loaded(report["modules"], [*HEAVY, "numpy"]) == []


@pytest.mark.parametrize("argv", [["list"], ["show", "football_crowd"],
                                  ["show", "mexican_wave", "--all"], ["show", "leader_team", "--toml"]])
def test_list_and_show_read_declarations_without_the_simulation_stack(argv):
    report = _probe(argv)
    assert report["status"] == 0
    assert report["out"].strip()
    assert _loaded(report["modules"], HEAVY) == []


def test_help_lists_every_command_without_importing_its_module():
    report = _probe(["--help"])
    from contagion.cli import COMMANDS

    for name in COMMANDS:
        assert name in report["out"]
    loaded = [m for m in report["modules"] if m.startswith("contagion.cli.")]
    assert loaded == ["contagion.cli.common"]


def test_the_listing_names_exactly_the_commands_the_modules_register():
    """Every module's commands are in COMMANDS under that module, and nothing else is."""
    from contagion.cli import COMMANDS, build_parser

    full = build_parser()
    commands = next(a for a in full._actions if a.dest == "command").choices
    assert set(commands) == set(COMMANDS)
    for name, (module, line) in COMMANDS.items():
        assert commands[name].prog == f"contagion {name}"
        assert line and "\n" not in line
        parser = build_parser(name)
        chosen = next(a for a in parser._actions if a.dest == "command").choices[name]
        assert chosen.description, (name, module)  # the module's parser (a stub has none)


def test_importing_the_package_loads_the_engine_on_first_use():
    code = ("import sys, contagion; before = 'mesa' in sys.modules or 'networkx' in sys.modules; "
            "from contagion import ContagionModel, networks; "
            "m = ContagionModel(networks.small_world(30, degree=4, rng=1), rng=1); m.run(2); "
            "print(before, 'mesa' in sys.modules, type(m.graph).__module__.split('.')[0])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.split() == ["False", "True", "networkx"]


def test_a_lazy_module_loads_on_first_attribute_and_then_is_the_module():
    from contagion.lazy import lazy

    proxy = lazy("colorsys")  # a standard module no test imports
    assert "not loaded yet" in repr(proxy) or proxy is sys.modules.get("colorsys")
    assert proxy.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
    assert "colorsys" in sys.modules
    assert lazy("colorsys") is sys.modules["colorsys"]
