"""The page's address holds what a restart needs: scenario, seed, values, split, presenting.

The page keeps its address current (``?scenario=football_crowd&seed=1&mirroring=0.6``).
When the server restarts, the open page reconnects and runs the app again with
that address, so it rebuilds the same scenario with the same values and seed.
An uploaded scenario file is kept under the system's temporary folder by the
hash of its text, so the address can name it too.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from dashboards.inputs import parse_seed, parse_value, url_text
from dashboards.session import DEFAULT_SCENARIO, UPLOADED, Session, one_line
import scenarios

__all__ = ["UPLOADS", "open_session", "query"]

#: Where uploaded scenario files wait for a restart (their name is the hash of the text).
UPLOADS = Path(tempfile.gettempdir()) / "contagion-dashboard-uploads"
_DIGEST = re.compile(r"^upload-([0-9a-f]{16})$")
_FLAGS = ("scenario", "seed", "split", "present")


def remember(text: str) -> str:
    """Keep an uploaded file's text; its address key (``upload-<hash>``)."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    path = UPLOADS / f"{digest}.toml"
    if not path.exists():
        UPLOADS.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)  # a reader never sees half a file
    return f"upload-{digest}"


def query(session: Session, presenting: bool) -> str:
    """The address's query string for what ``session`` runs now."""
    with session.lock:
        key, scenario, seed = session.key, session.scenario, session.built_seed
        running, split = session.running(), session.null is not None
        source = session.sources.get(key)
    items = {"scenario": remember(source) if source is not None else key, "seed": seed}
    for name, value in running.items():
        param = scenario.parameter(name)
        if value != param.value:
            items[name] = url_text(param, value)
    if split:
        items["split"] = 1
    if presenting:
        items["present"] = 1
    return urlencode(items)


def open_session(search: str | None) -> tuple[Session, bool]:
    """A session for the address's query (and whether to present); defaults where it is bad.

    Anything the address asks for that cannot be had is named in the session's
    message; the rest is kept.
    """
    asked = {k: v[-1] for k, v in parse_qs(search or "", keep_blank_values=True).items()}
    presenting = asked.get("present") == "1"
    notes: list[str] = []
    key, scenario, text = asked.get("scenario", DEFAULT_SCENARIO), None, None
    try:
        seed = parse_seed(asked.get("seed", "1"))
    except ValueError as exc:
        seed = 1
        notes.append(one_line(exc))
    try:
        match = _DIGEST.match(key)
        if match:
            path = UPLOADS / f"{match[1]}.toml"
            if not path.exists():
                raise ValueError("that uploaded file is gone; drop it again")
            text = path.read_text(encoding="utf-8")
            scenario = scenarios.loads(text, "uploaded file")
            key = scenario.name + UPLOADED
        else:
            scenario = scenarios.get(key)
    except ValueError as exc:
        notes.append(f"could not open {asked.get('scenario')}: {one_line(exc)}")
        key, scenario, text = DEFAULT_SCENARIO, scenarios.get(DEFAULT_SCENARIO), None
    values = {}
    for name, raw in asked.items():
        if name in _FLAGS:
            continue
        try:
            values[name] = parse_value(scenario.parameter(name), raw)
        except ValueError as exc:
            notes.append(one_line(exc))
    try:
        session = Session(key, seed, split=asked.get("split") == "1", values=values,
                          scenario=scenario if text is not None else None, source=text)
    except ValueError as exc:
        notes.append(one_line(exc))
        session = Session(seed=seed)
    if notes:
        session.message = "The address asked for what cannot be opened: " + "; ".join(notes)
    return session, presenting
