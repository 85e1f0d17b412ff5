"""What one browser tab is looking at: a scenario, chosen values, a seed and a running model.

Plain Python, no Solara, so that it can be tested without a browser. The
components in :mod:`dashboards.app` call these methods and show what they
return. Nothing here computes dynamics: models come from
:meth:`scenarios.Scenario.build`, events from :func:`scenarios.spec.action_events`,
the null model from :func:`build_null`.

Every method that takes input from a person keeps the last good model when the
input is bad, and leaves a one-line message where the dashboard shows it.
"""

from __future__ import annotations

import ctypes
import dataclasses
import gc
import logging
import threading
from typing import Any

from contagion.events import Pin  # the engine first: it loads the layers in their order
from dashboards.budget import check_size, trial_build
from dashboards.inputs import control_names, parse_seed, parse_value
import scenarios
from scenarios.declaration import resolve
from scenarios.spec import action_events

__all__ = ["DEFAULT_SCENARIO", "LARGE_CROWD", "LIVE_REBUILD", "NULL_LABELS", "Session", "build_null",
           "one_line"]

DEFAULT_SCENARIO = "football_crowd"
UPLOADED = " (uploaded)"
#: Rebuilds estimated above this many people ask to be confirmed first.
LARGE_CROWD = 50_000
log = logging.getLogger("dashboards")


# -- the fair null ---------------------------------------------------------------------
#: The ``model`` column of a split run's table: as ``contagion run --null --out`` writes
#: the full model and its fair null (that command adds a third, ``no_stimulus``).
NULL_LABELS = ("full", "no_social")
#: A drawn trait moved at step 0 rebuilds a crowd up to this size (so the run is the one
#: its exported file builds); a larger one, or a move later in the run, shifts the drawn
#: values in place (:meth:`scenarios.Scenario.set_live`) and the export names the move.
LIVE_REBUILD = 20_000


def build_null(scenario, seed: int, overrides: dict[str, Any]):
    """The fair null of ``scenario``: the same crowd, seed and events, no social contagion.

    ``scenario.build(seed, null="social")``: nobody perceives anybody, every
    stimulus is kept; the same seed draws the same people, network and events.
    """
    return scenario.build(seed, null="social", **overrides)


def one_line(exc: BaseException) -> str:
    """An exception as the single line the audience may see."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if isinstance(exc, ValueError) else f"{type(exc).__name__}: {text}"


def release_memory() -> None:
    """Give the memory of a dropped model back to the system (glibc keeps freed heap)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the allocator keeps it, nothing to do
        pass


@dataclasses.dataclass(frozen=True)
class Control:
    """One parameter's control as the sidebar shows it, read in one piece (:meth:`Session.control`)."""

    name: str
    param: Any  # its declaration: range, default, description, kind
    value: Any  # the chosen value
    live: bool  # acts on the running model at once (else on Reset)
    draft: str | None  # text typed that did not validate
    error: str | None  # why it did not


class Session:
    """The state behind one dashboard page.

    Attributes the page shows: ``scenario``, ``values`` (chosen value per
    control), ``drafts`` and ``errors`` (text that failed to validate, and why),
    ``seed_text``/``seed_error``, ``model`` (the running model), ``null`` (its
    fair null while the stage is split, else None), ``message`` (the last failed
    Reset, event or scenario switch) and ``upload_error``. ``pressed`` (the
    events the buttons added), ``presses`` (their labels and steps) and
    ``changes`` (live values moved after step 0) are what an export must tell.
    """

    def __init__(self, name: str = DEFAULT_SCENARIO, seed: int = 1, *, split: bool = False,
                 values: dict[str, Any] | None = None, scenario=None, source: str | None = None):
        self.lock = threading.RLock()
        self.uploaded: dict[str, scenarios.Scenario] = {}
        self.sources: dict[str, str] = {}  # key of an uploaded scenario -> its file's text
        self._passed: set[tuple] = set()  # uploaded builds that passed their trial
        self.seed, self.seed_text, self.seed_error = seed, str(seed), None
        self.message: str | None = None
        self._message_fixable = False  # the message asks to fix fields: it goes once they are
        self.upload_error: str | None = None
        self.split = split
        self.version = 0  # bumped whenever the model changes (a step, an event, a rebuild)
        self.builds = 0  # bumped whenever a new model replaces the old one
        self.chosen = 0  # bumped whenever another scenario is chosen
        self.model = self.null = None
        self._confirmed: tuple | None = None
        self._dropped_large = False
        self._shown = threading.Condition()
        self.shown_version = -1  # the last model version the browser reported painted
        if scenario is not None:  # an uploaded one, brought back by the page's address
            self.uploaded[name] = scenario
            if source is not None:
                self.sources[name] = source
        self.choose(name, values=values)
        if self.model is None:
            raise ValueError(self.message)

    # -- scenarios -------------------------------------------------------------------
    def catalogue(self) -> dict[str, str]:
        """Picker entries: label (the title) -> key, built-in and installed first."""
        entries = {}
        for name in scenarios.names():
            try:
                title = scenarios.get(name).title
            except ValueError:  # a broken third-party scenario: list it, fail on choosing
                title = name
            entries[title if title not in entries else f"{title} ({name})"] = name
        for key, scenario in self.uploaded.items():
            entries[f"{scenario.title}{UPLOADED}"] = key
        return entries

    def lookup(self, key: str) -> scenarios.Scenario:
        """The scenario behind picker key ``key``."""
        return self.uploaded[key] if key in self.uploaded else scenarios.get(key)

    def choose(self, key: str, *, values: dict[str, Any] | None = None) -> bool:
        """Switch to scenario ``key`` (its defaults, or ``values``); False and a message if it fails."""
        try:
            scenario = self.lookup(key)
            names = control_names(scenario)
            chosen = {n: scenario.parameter(n).value for n in names}
            chosen.update({n: v for n, v in (values or {}).items() if n in chosen})
            models = self._build(scenario, self.seed, self._overrides(scenario, chosen))
        except Exception as exc:  # noqa: BLE001 - a failed switch must not end the show
            return self._failed(f"Could not open {key}: {one_line(exc)}", exc)
        with self.lock:
            self.key, self.scenario, self.names, self.values = key, scenario, names, chosen
            self.drafts: dict[str, str] = {}
            self.errors: dict[str, str] = {}
            self.chosen += 1
            self._install(*models)
        return True

    def load_toml(self, text: str | bytes, source: str = "upload") -> bool:
        """Validate an uploaded scenario file and switch to it; keep the current one if it fails."""
        try:
            check_size(text, source)
            if isinstance(text, bytes):
                text = text.decode("utf-8")
            # read and built first in a separate process, within the dashboard's limits
            # (values may pass one by one yet fail together); only then here
            trial_build(text, source, self.seed, split=self.split, file_seed=True)
            scenario = scenarios.loads(text, source)
            seed = self.seed if scenario.seed is None else scenario.seed
            self._passed.add((text, seed, (), self.split))
        except Exception as exc:  # noqa: BLE001
            self.upload_error = one_line(exc)
            return False
        key = scenario.name + UPLOADED
        self.uploaded[key], self.sources[key] = scenario, text
        self.upload_error = None
        if scenario.seed is not None:  # an exported file brings the seed of its run
            self.set_seed(str(scenario.seed))
        return self.choose(key)

    # -- parameters ------------------------------------------------------------------
    # A scenario switch runs on a builder thread and swaps scenario, names and values
    # together under ``lock``; a page that reads them on another thread reads them
    # together under it too, or it could pair one scenario's names with another's
    # declarations (the sidebar once failed so, on the way from one scenario to the next).
    def sections(self) -> tuple[int, list[str], list[str]]:
        """``(chosen, live names, names applied on Reset)``, read together."""
        with self.lock:
            live = [n for n in self.names if self.scenario.is_live(n)]
            return self.chosen, live, [n for n in self.names if n not in live]

    def control(self, name: str) -> Control | None:
        """Control ``name`` read in one piece; None if the scenario now running lacks it."""
        with self.lock:
            if name not in self.names:  # drawn for the scenario before: it goes next redraw
                return None
            return Control(name, self.scenario.parameter(name), self.values[name],
                           self.scenario.is_live(name), self.drafts.get(name),
                           self.errors.get(name))

    def param(self, name: str):
        """The declaration of control ``name`` (range, description, kind)."""
        return self.scenario.parameter(name)

    def live(self, name: str) -> bool:
        """Whether control ``name`` acts on the running model at once."""
        return self.scenario.is_live(name)

    def set_text(self, name: str, text: Any) -> bool:
        """A value typed or slid for ``name``; live parameters act on the model at once."""
        try:
            value = parse_value(self.param(name), text)
            if self.live(name) and value is not None and value != self.values.get(name):
                with self.lock:
                    self._apply_live(name, value)
        except ValueError as exc:
            self.drafts[name], self.errors[name] = str(text), one_line(exc)
            return False
        self.drafts.pop(name, None)
        self.errors.pop(name, None)
        self.values[name] = value
        self._forget_fixed()
        return True

    def set_seed(self, text: str) -> bool:
        """A seed typed by hand; it takes effect at the next Reset."""
        self.seed_text = str(text)
        try:
            self.seed = parse_seed(text)
        except ValueError as exc:
            self.seed_error = one_line(exc)
            return False
        self.seed_error = None
        self._forget_fixed()
        return True

    def running(self) -> dict[str, Any]:
        """The values of the running model: as built, with live changes since."""
        with self.lock:
            return {n: self.values[n] if self.live(n) else self.built_values[n]
                    for n in self.names}

    def overrides(self) -> dict[str, Any]:
        """Chosen values that differ from the scenario's own."""
        return self._overrides(self.scenario, self.values)

    def pending(self) -> list[str]:
        """Changes that wait for Reset: non-live values and the seed."""
        with self.lock:
            changed = [n for n, v in self.values.items()
                       if not self.live(n) and v != self.built_values.get(n)]
            return changed + (["seed"] if self.seed != self.built_seed else [])

    # -- running ---------------------------------------------------------------------
    def reset(self) -> bool:
        """Rebuild with the chosen values and seed; keep the old model if that fails.

        A rebuild estimated above :data:`LARGE_CROWD` people is refused once
        with a warning; the same Reset pressed again builds it.
        """
        bad = [*self.errors, *(["seed"] if self.seed_error else [])]
        if bad:
            self.message = f"Not rebuilt: fix {', '.join(bad)} first. The current run goes on."
            self._message_fixable = True
            return False
        overrides = self.overrides()
        try:  # values that are each in range may still not go together (a scene's times)
            estimate = self.crowd_estimate(overrides)
        except ValueError as exc:
            return self._failed(f"Not rebuilt: {one_line(exc)}. The current run goes on.", exc)
        signature = (self.key, self.seed, tuple(sorted(overrides.items(), key=str)))
        if estimate > LARGE_CROWD and estimate > self.model.n_agents and (
                self._confirmed != signature):
            self._confirmed = signature
            self.message = (f"That is up to {estimate:,} people (now {self.model.n_agents:,}): "
                            "building it can take a minute and a lot of memory. Press Reset "
                            "again to build it.")
            return False
        try:
            models = self._build(self.scenario, self.seed, overrides)
        except Exception as exc:  # noqa: BLE001
            return self._failed(f"Not rebuilt: {one_line(exc)}. The current run goes on.", exc)
        with self.lock:
            self._install(*models)
        return True

    def set_split(self, split: bool) -> bool:
        """Show the fair null beside the run (or stop); both restart at step 0 together."""
        self.split = bool(split)
        try:
            models = self._build(self.scenario, self.built_seed,
                                 self._overrides(self.scenario, self.running()))
        except Exception as exc:  # noqa: BLE001
            self.split = self.null is not None
            return self._failed(f"Could not split the stage: {one_line(exc)}", exc)
        with self.lock:
            self._install(*models, keep_values=True)
        return True

    def build_note(self, kind: str, split: bool | None = None) -> str:
        """What the page shows while a rebuild of ``kind`` (reset, choose, split) runs."""
        split = self.split if split is None else split
        if kind == "choose":
            return "Opening the scenario..."
        people = self.crowd_estimate(self.overrides()) if kind == "reset" else (
            self.model.n_agents)
        return (f"Building the crowd (up to {people:,} people)"
                + (" and its null" if split else "") + "...")

    @property
    def end(self) -> int:
        """The scenario's last step (its duration): Play stops there."""
        return self.scenario.steps

    @property
    def ended(self) -> bool:
        """Whether the run has reached the scenario's end."""
        return self.model.steps >= self.end

    def step(self, n: int = 1) -> int:
        """Advance ``n`` steps (the null too), never past the end; return the step reached."""
        with self.lock:
            for _ in range(max(0, min(n, self.end - self.model.steps))):
                for model in self.models():
                    model.step()
            self.version += 1
            return self.model.steps

    def trigger(self, label: str) -> bool:
        """Press event button ``label``: its events start at the next step, on both sides."""
        try:
            with self.lock:
                now = self.model.steps
                events = [from_next_step(event, now) for event in
                          action_events(self.model.scenario_spec, label, self.model)]
                for model in self.models():
                    for event in events:
                        model.add_event(event)
                self.pressed.extend(events)
                self.presses.append((self.model.steps, label))
                self.version += 1
        except Exception as exc:  # noqa: BLE001
            return self._failed(f"{label!r} did not work: {one_line(exc)}", exc)
        self.message = None
        return True

    def models(self) -> list:
        """The running model, then its null while the stage is split."""
        return [self.model] if self.null is None else [self.model, self.null]

    def report_shown(self, version: int) -> None:
        """The browser painted the frame of model version ``version``."""
        with self._shown:
            self.shown_version = max(self.shown_version, int(version))
            self._shown.notify_all()

    def wait_shown(self, version: int, timeout: float) -> bool:
        """Wait until the browser painted ``version`` (Play's back-pressure); False on timeout."""
        with self._shown:
            return self._shown.wait_for(lambda: self.shown_version >= version, timeout)

    def crowd_estimate(self, overrides: dict[str, Any]) -> int:
        """An upper bound on the people a rebuild with ``overrides`` makes.

        The running crowd, scaled by how much each whole-number setting of the
        network (``rows``, ``cols``, ``viewers``, ...) grows: exact for crowds
        that are products or sums of such settings, generous otherwise.
        """
        before = resolve(dict(self.scenario.network), self._values_of(self.built_values))
        after = resolve(dict(self.scenario.network), self._values_of({**self.values,
                                                                      **overrides}))
        scale = 1.0
        for key, old in before.items():
            new = after.get(key)
            if isinstance(old, int) and isinstance(new, int) and not isinstance(old, bool):
                scale *= max(1.0, new / max(old, 1))
        return int(round(self.model.n_agents * scale))

    # -- reading ---------------------------------------------------------------------
    def readouts(self) -> dict[str, float]:
        """The latest value of each of the scenario's key metrics."""
        return readouts(self.scenario, self.model)

    def null_readouts(self) -> dict[str, float]:
        """The same for the null model (empty when the stage is not split)."""
        return {} if self.null is None else readouts(self.scenario, self.null)

    # -- internals -------------------------------------------------------------------
    @staticmethod
    def _overrides(scenario, values: dict[str, Any]) -> dict[str, Any]:
        return {n: v for n, v in values.items() if v != scenario.parameter(n).value}

    def _values_of(self, values: dict[str, Any]) -> dict[str, Any]:
        return self.scenario.replace(**self._overrides(self.scenario, values)).values()

    def _build(self, scenario, seed: int, overrides: dict[str, Any]):
        """The model (and its null when split), built outside the lock: the old run goes on.

        An uploaded scenario is built first in a separate process within the
        dashboard's limits (:mod:`dashboards.budget`), then here.
        """
        text = next((self.sources[key] for key, uploaded in self.uploaded.items()
                     if uploaded is scenario and key in self.sources), None)
        trial = (text, seed, tuple(sorted(overrides.items(), key=str)), self.split)
        if text is not None and trial not in self._passed:
            trial_build(text, "uploaded file", seed, overrides, split=self.split)
            self._passed.add(trial)
        model = scenario.build(seed, **overrides)
        null = build_null(scenario, seed, overrides) if self.split else None
        return model, null

    def _install(self, model, null=None, keep_values: bool = False) -> None:
        old = self.model
        self.model, self.null = model, null
        if not keep_values:
            self.built_values, self.built_seed = dict(self.values), self.seed
        self.built_name = self.scenario.name
        self.pressed: list = []
        self.presses: list[tuple[int, str]] = []
        self.changes: list[tuple[int, str, Any, Any]] = []
        self.message, self._message_fixable, self._confirmed = None, False, None
        self.builds += 1
        self.version += 1
        self._dropped_large = self._dropped_large or (old is not None and old.n_agents >= 10_000)

    def tidy(self) -> None:
        """After a large model was replaced and the page let go of it: free its memory."""
        if self._dropped_large:
            self._dropped_large = False
            release_memory()

    def _apply_live(self, name: str, value: Any) -> None:
        now = self.model.steps
        if now == 0 and name in self.scenario.population and self.model.n_agents <= LIVE_REBUILD:
            # nothing has run yet: build the crowd with the value, as its file will
            values = {**self.running(), name: value}
            model, null = self._build(self.scenario, self.built_seed,
                                      self._overrides(self.scenario, values))
            for event in self.pressed:
                for target in (model, null):
                    if target is not None:
                        target.add_event(event)
            self.model, self.null = model, null
            self.built_values[name] = value
            self.builds += 1
        else:
            if now > 0 or name in self.scenario.population:  # a file cannot replay it
                self.changes.append((now, name, self.values.get(name), value))
            for model in self.models():  # the null too: it cuts people, not their traits
                self.scenario.set_live(model, name, value)
        self.version += 1

    def _forget_fixed(self) -> None:
        """A "fix X first" message goes once nothing is left to fix."""
        if getattr(self, "_message_fixable", False) and not self.errors and not self.seed_error:
            self.message, self._message_fixable = None, False

    def _failed(self, message: str, exc: BaseException) -> bool:
        if not isinstance(exc, ValueError):
            log.error("dashboard: %s", message, exc_info=exc)
        self.message = message
        self._message_fixable = False
        return False


def from_next_step(event, now: int):
    """A button acts from the next step: a pin that would hold from ``now`` starts at ``now + 1``.

    Step ``now`` is already computed and shown (and in the CSV); holding people
    there would change a row the room has seen, which no scenario file replays.
    """
    if isinstance(event, Pin) and event.start <= now:
        shift = now + 1 - event.start
        return dataclasses.replace(event, start=event.start + shift,
                                   stop=None if event.stop is None else event.stop + shift)
    return event


def readouts(scenario, model) -> dict[str, float]:
    """The latest value of each of ``scenario``'s key metrics in ``model``."""
    collected = model.datacollector.model_vars
    return {m: float(collected[m][-1]) for m in scenario.key_metrics if m in collected}
