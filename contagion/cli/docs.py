"""``contagion docs``: the documentation's pages, printed from the installed package.

A wheel carries the Markdown pages of ``docs/`` as package data (``contagion/docs/``),
so ``contagion docs model`` works offline and wherever ``--help`` or ``show`` names a
page (``docs/model.md``, ``docs/studies/confounding.md``). In a checkout of the
repository the pages are read from ``docs/`` beside the package.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["find_page", "pages", "register"]


def _roots() -> list:
    """Where pages are: the installed package data, then a checkout's ``docs/``."""
    roots = []
    shipped = resources.files("contagion") / "docs"
    if shipped.is_dir():
        roots.append(shipped)
    checkout = Path(__file__).resolve().parents[2] / "docs"
    if checkout.is_dir():
        roots.append(checkout)
    return roots


def _walk(root, prefix: str = ""):
    for item in sorted(root.iterdir(), key=lambda p: p.name):
        if item.is_dir() and not item.name.startswith((".", "_")):
            yield from _walk(item, f"{prefix}{item.name}/")
        elif item.name.endswith(".md"):
            yield f"{prefix}{item.name.removesuffix('.md')}", item


def pages() -> dict:
    """Every page: ``"model"``, ``"scenarios/football_crowd"``, ... -> its file."""
    found: dict = {}
    for root in _roots():
        for name, item in _walk(root):
            found.setdefault(name, item)
    return found


def find_page(name: str):
    """The page ``name`` names: ``model``, ``docs/model.md``, ``football_crowd`` (a page in a
    folder, when only one has that name), ``scenarios`` (a folder's README)."""
    everything = pages()
    if not everything:
        raise ValueError("no documentation pages are installed with this copy of contagion")
    key = name.strip().replace("\\", "/").removeprefix("./").removeprefix("docs/")
    key = key.removesuffix(".md").strip("/")
    for candidate in (key, f"{key}/README"):
        if candidate in everything:
            return everything[candidate]
    by_last = [page for page in everything if page.rsplit("/", 1)[-1] == key]
    if len(by_last) == 1:
        return everything[by_last[0]]
    raise ValueError(f"docs page {name!r} is not known: allowed {', '.join(everything)}")


def register(subparsers) -> None:
    """Add ``docs``."""
    p = subparsers.add_parser(
        "docs", help="print a page of the documentation (works offline)",
        description="Print a page of the documentation, shipped with the package: no "
                    "internet needed. Without a NAME, list the pages.")
    p.add_argument("page", metavar="NAME", nargs="?",
                   help="a page: model, scenario-files, scenarios/football_crowd, "
                        "docs/studies/confounding.md, ...")
    p.set_defaults(handler=docs_command)


def docs_command(args) -> int:
    """Handle ``contagion docs``."""
    if args.page is None:
        everything = pages()
        if not everything:
            raise ValueError("no documentation pages are installed with this copy of contagion")
        print("Pages (contagion docs NAME):")
        for name in everything:
            print(f"  {name}")
        return 0
    print(find_page(args.page).read_text(encoding="utf-8"), end="")
    return 0
