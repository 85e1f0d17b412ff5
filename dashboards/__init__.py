"""The workshop dashboard: a Solara app over the engine and the scenario library.

Serve it with ``contagion dashboard``; the page itself is ``dashboards.app.Page``.
See docs/dashboard.md.
"""
