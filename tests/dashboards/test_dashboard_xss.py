"""In Chromium: a pasted scenario with markup in every text field shows it as text; no script runs."""

from __future__ import annotations

import tomllib

import pytest
import tomli_w

import contagion  # noqa: F401  (the engine first: `import scenarios` alone hits an import cycle)
import scenarios

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

#: HTML that runs script if inserted as markup, and a Vue template expression.
MARKUP = ('<img src=x onerror="window.__xss=1;alert(1)"><script>window.__xss=2;alert(2)</script>'
          '<b class="injected">bold</b>{{ constructor.constructor("window.__xss=3")() }}')
#: Markup short enough for a button label (one line, at most 80 characters).
SHORT = '<img src=x onerror="window.__xss=4;alert(4)">'


def hostile_scenario() -> str:
    """leader_team with MARKUP in its title, description, caveat, references, channels,
    findings, every parameter description and a parameter's name; SHORT in its button
    labels (which the loader holds to 80 characters)."""
    table = tomllib.loads(scenarios.get("leader_team").to_toml())
    table["name"] = "hostile"
    for key in ("title", "description", "caveat"):
        table[key] = f"{key} {MARKUP}"
    table["references"] = [f"reference {MARKUP}"]
    for key in table["channels"]:
        table["channels"][key] += MARKUP
    for finding in table["findings"]:
        for key in finding:
            finding[key] += MARKUP
    for declared in table["parameters"].values():
        if isinstance(declared, dict):
            declared["description"] += MARKUP
    table["actions"] = {f"{label[:20]} {SHORT}": act for label, act in table["actions"].items()}
    named = {**table, "parameters": {**table["parameters"], MARKUP: {
        "value": 0.5, "low": 0.0, "high": 1.0, "description": MARKUP}}}
    try:  # a loader that validates names as identifiers refuses this one: test the rest
        scenarios.loads(tomli_w.dumps(named), "hostile.toml")
        table = named
    except ValueError:
        pass
    return tomli_w.dumps(table)


def test_markup_in_a_pasted_scenario_is_text_and_runs_nothing(dashboard):
    page = dashboard.page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    text = hostile_scenario()
    assert scenarios.loads(text, "hostile.toml").title == f"title {MARKUP}"

    page.get_by_text("...or paste a scenario file").click()
    page.get_by_label("TOML text").fill(text)
    page.get_by_role("button", name="Load pasted scenario").click()
    title = page.locator(".scenario-title")
    title.filter(has_text="title <img src=x").wait_for(timeout=120_000)
    dashboard.wait_idle()
    assert title.inner_text() == f"title {MARKUP}"  # shown as written

    page.get_by_text("About this scenario: what it models, references").click()
    page.get_by_text(f"reference {MARKUP}", exact=True).wait_for()
    assert page.get_by_text(f"description {MARKUP}", exact=True).count() == 1
    page.locator(".step-button").click()
    dashboard.wait_step(1)
    page.locator(".event-button").first.click()  # its label is markup too
    dashboard.wait_step(2)
    page.locator(".caveat").hover()
    page.wait_for_timeout(500)

    assert dialogs == [], f"a script ran: {dialogs}"
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("img[src='x'], b.injected").count() == 0
    assert page.evaluate("""() => [...document.scripts].every(s => !s.text.includes('__xss'))""")
    labels = page.locator(".param-name").all_inner_texts()
    if any(MARKUP in label for label in labels):  # the name loaded: shown as text too
        assert page.locator(".param-help", has_text="<script>").count() >= 1
    assert "Traceback" not in page.locator("body").inner_text()
