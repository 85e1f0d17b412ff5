"""Uploaded scenario files within the dashboard's limits: size, people, time and memory."""

from __future__ import annotations

import pytest

import contagion  # noqa: F401  (the engine first: `import scenarios` alone hits an import cycle)
import scenarios
from dashboards import budget
from dashboards.session import Session

pytestmark = pytest.mark.slow


@pytest.fixture
def session():
    return Session("football_crowd", seed=3)


def film(**values) -> str:
    return scenarios.get("sad_film").replace(**values).to_toml().replace('"sad_film"', '"mine"')


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(session):
    model = session.model
    assert not session.load_toml("# " + "x" * budget.UPLOAD_MAX_BYTES, "huge.toml")
    assert session.upload_error == (
        f"huge.toml: {budget.UPLOAD_MAX_BYTES + 2:,} bytes is too large for the dashboard: "
        f"allowed up to {budget.UPLOAD_MAX_BYTES:,} bytes (contagion run takes larger files)")
    assert session.model is model


def test_too_many_people_in_an_uploaded_file_are_refused(session, monkeypatch):
    monkeypatch.setattr(budget, "UPLOAD_MAX_AGENTS", 30)
    model = session.model
    assert not session.load_toml(film(viewers=40), "crowd.toml")
    assert session.upload_error == (
        "crowd.toml: 40 people is too many for an uploaded scenario in the dashboard: "
        "allowed up to 30 (contagion run FILE runs it)")
    assert session.model is model and session.key == "football_crowd"
    assert session.load_toml(film(viewers=20), "small.toml") and session.model.n_agents == 20
    # a rebuild of the uploaded scenario is held to the same limits
    session.set_text("viewers", "35")
    assert not session.reset()
    assert "35 people is too many" in session.message and session.model.n_agents == 20


def test_a_build_over_the_time_limit_is_stopped(session, monkeypatch):
    # the loader refuses what it can estimate (docs/limits.md); the clock stops the rest
    monkeypatch.setattr(budget, "BUILD_SECONDS", 0.001)
    assert not session.load_toml(film(), "slow.toml")
    assert session.upload_error == ("slow.toml: building it took more than 0.001 s, the "
                                    "dashboard's limit for an uploaded scenario (contagion run "
                                    "FILE has none)")
    assert session.key == "football_crowd"


def test_a_build_past_the_memory_limit_is_refused(session, monkeypatch):
    monkeypatch.setattr(budget, "BUILD_MEMORY_MIB", 64)
    monkeypatch.setattr(budget, "UPLOAD_MAX_AGENTS", 10**9)
    text = film().replace("value = 40\nlow = 2\nhigh = 10000\n",
                          "value = 3000000\nlow = 2\nhigh = 10000000\n")
    assert "value = 3000000" in text
    assert not session.load_toml(text, "vast.toml")
    # refused with the limit named: by the loader's estimate, or by the limit itself
    assert session.upload_error.startswith("vast.toml: ")
    assert "64 MiB" in session.upload_error and "\n" not in session.upload_error
    assert session.key == "football_crowd"
