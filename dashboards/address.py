"""The page's address holds what a restart needs: scenario, seed, values, split, presenting.

The page keeps its address current (``?scenario=football_crowd&seed=1&mirroring=0.6``).
When the server restarts, the open page reconnects and runs the app again with
that address, so it rebuilds the same scenario with the same values and seed.
An uploaded scenario file is kept by the hash of its text in a private folder of
this user (:data:`UPLOADS`: mode 0700, checked before every use; files 0600,
never written or read through a symbolic link), so the address can name it too.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import stat
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from contagion.version import __version__
from dashboards.inputs import parse_seed, parse_value, url_text
from dashboards.session import DEFAULT_SCENARIO, UPLOADED, Session, one_line
import scenarios

__all__ = ["UPLOADS", "open_session", "query", "read_upload", "remember"]

log = logging.getLogger("dashboards")


def _uploads_path() -> Path:
    """This user's own folder: in ``$XDG_RUNTIME_DIR`` if it is ours, else the temp dir + uid."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    try:
        info = os.lstat(runtime) if os.path.isabs(runtime) else None
    except OSError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid():
        return Path(runtime) / "contagion-dashboard-uploads"
    return Path(tempfile.gettempdir()) / f"contagion-dashboard-uploads-{os.getuid()}"


#: Where uploaded scenario files wait for a restart (their name is the hash of the text).
UPLOADS = _uploads_path()
_NO_LINK = os.O_NOFOLLOW | os.O_CLOEXEC
_DIGEST = re.compile(r"^upload-([0-9a-f]{16})$")
_FLAGS = ("scenario", "seed", "version", "split", "present")
_VERSION = re.compile(r"^[0-9A-Za-z.+-]{1,40}$")


def _open_uploads() -> int:
    """A descriptor of :data:`UPLOADS`, made if missing; ValueError unless it is private.

    It must be a real folder (not a symbolic link), owned by this user, with mode
    0700: a folder another user made, or one anyone may write to, is refused.
    """
    folder = str(UPLOADS)
    try:
        os.mkdir(folder, 0o700)
        os.chmod(folder, 0o700)  # what a umask took away; no one else can have it yet
    except FileExistsError:
        pass
    except OSError as exc:
        raise ValueError(f"cannot make the upload folder {folder}: {exc.strerror}") from None
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | _NO_LINK)
    except OSError as exc:
        why = "it is a symbolic link" if os.path.islink(folder) else exc.strerror
        raise ValueError(f"refusing the upload folder {folder}: {why}") from None
    info = os.fstat(fd)
    why = (f"it belongs to another user (uid {info.st_uid})" if info.st_uid != os.getuid() else
           f"its mode is {stat.S_IMODE(info.st_mode):04o}, not 0700"
           if stat.S_IMODE(info.st_mode) != 0o700 else None)
    if why is not None:
        os.close(fd)
        raise ValueError(f"refusing the upload folder {folder}: {why}; remove it")
    return fd


def remember(text: str) -> str:
    """Keep an uploaded file's text; its address key (``upload-<hash>``).

    The file is written under a fresh private name (0600, never through a link) and
    renamed into place. If it cannot be kept (the folder is refused), the server's
    log says why and the file is kept in this session only.
    """
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    name = f"{digest}.toml"
    try:
        folder = _open_uploads()
        try:
            try:
                kept = stat.S_ISREG(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode)
            except FileNotFoundError:
                kept = False
            if not kept:
                tmp = f".{digest}.{secrets.token_hex(8)}.tmp"
                fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | _NO_LINK, 0o600,
                             dir_fd=folder)
                try:
                    with os.fdopen(fd, "wb") as out:
                        out.write(text.encode("utf-8"))
                    # a reader never sees half a file; a link in the way is replaced, not followed
                    os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
                except BaseException:
                    os.unlink(tmp, dir_fd=folder)
                    raise
        finally:
            os.close(folder)
    except (OSError, ValueError) as exc:
        log.error("dashboard: the uploaded file is kept for this session only (not for a "
                  "restart): %s", one_line(exc))
    return f"upload-{digest}"


def read_upload(digest: str) -> str:
    """The text :func:`remember` kept under ``digest``; ValueError if gone or not a plain file."""
    folder = _open_uploads()
    try:
        fd = os.open(f"{digest}.toml", os.O_RDONLY | os.O_NONBLOCK | _NO_LINK, dir_fd=folder)
    except FileNotFoundError:
        raise ValueError("that uploaded file is gone; drop it again") from None
    except OSError as exc:
        raise ValueError(f"that uploaded file cannot be read (a link or worse: {exc.strerror}); "
                         "drop it again") from None
    finally:
        os.close(folder)
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise ValueError("that uploaded file is not a plain file; drop it again")
        return file.read().decode("utf-8")


def query(session: Session, presenting: bool) -> str:
    """The address's query string for what ``session`` runs now."""
    with session.lock:
        key, scenario, seed = session.key, session.scenario, session.built_seed
        running, split = session.running(), session.null is not None
        source = session.sources.get(key)
    items = {"scenario": remember(source) if source is not None else key, "seed": seed,
             "version": __version__}
    for name, value in running.items():  # every one, also those at the scenario's value
        if value is not None:
            items[name] = url_text(scenario.parameter(name), value)
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
            text = read_upload(match[1])
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
    made = asked.get("version", __version__)
    if made != __version__:
        made = made if _VERSION.match(made) else "another version"
        session.message = " ".join(filter(None, [
            session.message, f"This address was made with contagion {made}, this is "
            f"{__version__}: the same values may run differently."]))
    return session, presenting
