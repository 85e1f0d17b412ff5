"""``contagion docs``: the documentation's pages from the package, also from a built wheel."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from contagion.cli import main
from contagion.cli.docs import find_page, pages

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize("name", ["model", "docs/model.md", "./docs/model.md", "model.md"])
def test_a_page_is_printed_by_any_name_the_docs_use(name, capsys):
    assert main(["docs", name]) == 0
    assert capsys.readouterr().out == (ROOT / "docs" / "model.md").read_text(encoding="utf-8")


def test_pages_in_folders_and_folder_readmes(capsys):
    assert find_page("football_crowd").name == "football_crowd.md"
    assert find_page("docs/studies/confounding.md").name == "confounding.md"
    assert find_page("scenarios").name == "README.md"
    assert main(["docs"]) == 0
    listing = capsys.readouterr().out
    for name in ("model", "mesa", "scenarios/football_crowd", "studies/confounding"):
        assert f"  {name}\n" in listing


def test_an_unknown_page_is_one_line_naming_the_pages(capsys):
    assert main(["docs", "nonsense"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "docs page 'nonsense' is not known: allowed" in err
    assert "model" in err


def test_every_page_named_in_the_readme_is_shipped_in_the_wheel(tmp_path):
    """Build the wheel and check it carries every Markdown page of docs/."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH")
    done = subprocess.run([uv, "build", "--wheel", "--out-dir", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    wheel = next(tmp_path.glob("*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        shipped = {n.removeprefix("contagion/docs/") for n in archive.namelist()
                   if n.startswith("contagion/docs/") and n.endswith(".md")}
    wanted = {str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md")
              if not p.name.startswith((".", "_"))}
    assert wanted <= shipped, sorted(wanted - shipped)
    assert len(pages()) >= len(wanted)


def test_pages_are_read_from_an_installed_copy_without_the_checkout(tmp_path):
    """The package data path alone: copy the package with its docs and run from elsewhere."""
    package = tmp_path / "site" / "contagion"
    shutil.copytree(ROOT / "contagion", package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "docs", package / "docs",
                    ignore=shutil.ignore_patterns("*.png", "*.csv", "*.py", "figures", "data"))
    code = "import sys; from contagion.cli import main; sys.exit(main(['docs', 'mesa']))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, env={"PYTHONPATH": str(tmp_path / "site")}, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# contagion and Mesa's own tools")
