"""The workshop dashboard: a Solara app over the engine and the scenario library.

Serve it with ``contagion dashboard``; the page itself is ``dashboards.app.Dashboard``
at ``/``, with the workshop game "Which one is contagion?" (``dashboards.confounding``)
at ``/contagion``.
See docs/dashboard.md.
"""
