"""docs/limits.md lists every limit, its value and why, exactly as the code declares them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from contagion.params import LIMITS, STRICT_LIMITS

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _generator():
    spec = importlib.util.spec_from_file_location("make_limits", DOCS / "make_limits.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_limits_page_is_what_the_code_declares():
    page = (DOCS / "limits.md").read_text(encoding="utf-8")
    assert _generator().refresh(page) == page, "run: uv run python docs/make_limits.py"


def test_every_limit_is_on_the_page_with_a_reason():
    page = (DOCS / "limits.md").read_text(encoding="utf-8")
    for key, limit in LIMITS.items():
        assert f"| `{key}` |" in page
        assert len(limit.why) > 20 and limit.what
    assert set(STRICT_LIMITS) == set(LIMITS)
    assert all(STRICT_LIMITS[k].maximum <= LIMITS[k].maximum for k in LIMITS)


def test_every_hostile_case_has_a_class_in_the_count(request):
    from count_cases import classify

    for item in request.session.items:
        if "tests/hostile/" in item.nodeid:
            classify(item.nodeid)  # raises for a case count_cases.py does not know
