"""The layers hold: import-linter's contracts pass, catch a wrong import, and cover the core.

Layers, top to bottom (``[tool.importlinter]`` in pyproject.toml): ``contagion.cli`` and
``dashboards``; ``contagion.experiments``; ``scenarios``; the engine core (the modules
directly in ``contagion/``). See docs/architecture.md.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("contagion", "scenarios", "dashboards")
UPPER = {"cli", "experiments"}


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    lint = Path(sys.executable).with_name("lint-imports")
    env = {"PYTHONPATH": str(cwd), "PATH": str(lint.parent)}
    return subprocess.run([str(lint), "--no-cache"], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def _contracts() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {c["id"]: c for c in config["contracts"]}


def test_the_contracts_are_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(("module", "bad_import", "layer"), [
    ("contagion/metrics.py", "import scenarios.spec", "scenarios.spec"),
    ("contagion/model.py", "from contagion.experiments import sweep", "contagion.experiments"),
    ("scenarios/measures.py", "import contagion.cli.report", "contagion.cli.report"),
    ("contagion/experiments/plan.py", "import dashboards.session", "dashboards.session"),
])
def test_a_wrong_import_breaks_the_contract_and_is_named(tmp_path, module, bad_import, layer):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{bad_import}  # deliberately wrong\n")
    result = _lint(tmp_path)
    importer = module.removesuffix(".py").replace("/", ".")
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert f"{importer} -> {layer}" in result.stdout, result.stdout


def test_every_core_module_is_in_the_bottom_layer():
    bottom = _contracts()["layers"]["layers"][-1]
    listed = {name.strip() for name in bottom.replace("|", ":").split(":")}
    core = {f"contagion.{p.stem}" for p in (ROOT / "contagion").glob("*.py")
            if p.stem != "__init__"}
    core |= {f"contagion.{p.parent.name}" for p in (ROOT / "contagion").glob("*/__init__.py")
             if p.parent.name not in UPPER}
    assert core == listed, f"not listed: {core - listed}; listed but absent: {listed - core}"


def test_no_import_cycles_between_modules():
    graph = grimp.build_graph(*PACKAGES)
    edges = nx.DiGraph()
    for module in graph.modules:
        edges.add_node(module)
        edges.add_edges_from((module, other)
                             for other in graph.find_modules_directly_imported_by(module))
    cycles = [c for c in nx.strongly_connected_components(edges) if len(c) > 1]
    assert cycles == []


def test_the_engine_core_imports_none_of_the_layers_above():
    graph = grimp.build_graph(*PACKAGES)
    core = [m for m in graph.modules if m.startswith("contagion.")
            and m.split(".")[1] not in UPPER]
    above = [m for m in graph.modules if m.split(".")[0] in ("scenarios", "dashboards")
             or (m.startswith("contagion.") and m.split(".")[1] in UPPER)]
    reached = {(low, high) for low in core for high in above
               if graph.chain_exists(importer=low, imported=high)}
    assert reached == set()
