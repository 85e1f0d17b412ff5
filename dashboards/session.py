"""What one browser tab is looking at: a scenario, chosen values, a seed and a running model.

Plain Python, no Solara, so that it can be tested without a browser. The
components in :mod:`dashboards.app` call these methods and show what they
return. Nothing here computes dynamics: models come from
:meth:`scenarios.Scenario.build`, events from :func:`scenarios.spec.action_events`.

Every method that takes input from a person keeps the last good model when the
input is bad, and leaves a one-line message where the dashboard shows it.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import scenarios
from dashboards.inputs import control_names, parse_seed, parse_value
from scenarios.spec import action_events

__all__ = ["DEFAULT_SCENARIO", "Session", "one_line"]

DEFAULT_SCENARIO = "football_crowd"
UPLOADED = " (uploaded)"
log = logging.getLogger("dashboards")


def one_line(exc: BaseException) -> str:
    """An exception as the single line the audience may see."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if isinstance(exc, ValueError) else f"{type(exc).__name__}: {text}"


class Session:
    """The state behind one dashboard page.

    Attributes the page shows: ``scenario``, ``values`` (chosen value per
    control), ``drafts`` and ``errors`` (text that failed to validate, and why),
    ``seed_text``/``seed_error``, ``model`` (the running model), ``message``
    (the last failed Reset, event or scenario switch) and ``upload_error``.
    """

    def __init__(self, name: str = DEFAULT_SCENARIO, seed: int = 1):
        self.lock = threading.RLock()
        self.uploaded: dict[str, scenarios.Scenario] = {}
        self.seed, self.seed_text, self.seed_error = seed, str(seed), None
        self.message: str | None = None
        self.upload_error: str | None = None
        self.version = 0  # bumped whenever the model changes (a step, an event, a rebuild)
        self.builds = 0  # bumped whenever a new model replaces the old one
        self.chosen = 0  # bumped whenever another scenario is chosen
        self.model = None
        self._shown = threading.Condition()
        self.shown_version = -1  # the last model version the browser reported painted
        self.choose(name)
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

    def choose(self, key: str, model=None) -> bool:
        """Switch to scenario ``key`` with its default values; False (and a message) if it fails."""
        try:
            scenario = self.lookup(key)
            model = model if model is not None else scenario.build(self.seed)
        except Exception as exc:  # noqa: BLE001 - a failed switch must not end the show
            return self._failed(f"Could not open {key}: {one_line(exc)}", exc)
        with self.lock:
            self.key, self.scenario = key, scenario
            self.names = control_names(scenario)
            self.values = {n: scenario.parameter(n).value for n in self.names}
            self.drafts: dict[str, str] = {}
            self.errors: dict[str, str] = {}
            self.chosen += 1
            self._install(model)
        return True

    def load_toml(self, text: str | bytes, source: str = "upload") -> bool:
        """Validate an uploaded scenario file and switch to it; keep the current one if it fails."""
        try:
            if isinstance(text, bytes):
                text = text.decode("utf-8")
            scenario = scenarios.loads(text, source)
            model = scenario.build(self.seed)  # values may pass one by one yet fail together
        except Exception as exc:  # noqa: BLE001
            self.upload_error = one_line(exc)
            return False
        key = scenario.name + UPLOADED
        self.uploaded[key] = scenario
        self.upload_error = None
        return self.choose(key, model)

    # -- parameters ------------------------------------------------------------------
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
            if self.live(name) and value is not None:
                with self.lock:
                    setattr(self.model, name, value)
                    self.version += 1
        except ValueError as exc:
            self.drafts[name], self.errors[name] = str(text), one_line(exc)
            return False
        self.drafts.pop(name, None)
        self.errors.pop(name, None)
        self.values[name] = value
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
        return True

    def overrides(self) -> dict[str, Any]:
        """Chosen values that differ from the scenario's own."""
        return {n: v for n, v in self.values.items() if v != self.param(n).value}

    def pending(self) -> list[str]:
        """Changes that wait for Reset: non-live values and the seed."""
        changed = [n for n, v in self.values.items()
                   if not self.live(n) and v != self.built_values.get(n)]
        return changed + (["seed"] if self.seed != self.built_seed else [])

    # -- running ---------------------------------------------------------------------
    def reset(self) -> bool:
        """Rebuild the model with the chosen values and seed; keep the old one if that fails."""
        bad = [*self.errors, *(["seed"] if self.seed_error else [])]
        if bad:
            self.message = (f"Not rebuilt: fix {', '.join(bad)} first. The current run goes on.")
            return False
        try:
            model = self.scenario.build(self.seed, **self.overrides())
        except Exception as exc:  # noqa: BLE001
            return self._failed(f"Not rebuilt: {one_line(exc)}. The current run goes on.", exc)
        with self.lock:
            self._install(model)
        return True

    def step(self, n: int = 1) -> int:
        """Advance the model ``n`` steps; return the step reached."""
        with self.lock:
            for _ in range(n):
                self.model.step()
            self.version += 1
            return self.model.steps

    def trigger(self, label: str) -> bool:
        """Press event button ``label``: its events start at the next step."""
        try:
            with self.lock:
                for event in action_events(self.model.scenario_spec, label, self.model):
                    self.model.add_event(event)
                self.version += 1
        except Exception as exc:  # noqa: BLE001
            return self._failed(f"{label!r} did not work: {one_line(exc)}", exc)
        self.message = None
        return True

    def report_shown(self, version: int) -> None:
        """The browser painted the frame of model version ``version``."""
        with self._shown:
            self.shown_version = max(self.shown_version, int(version))
            self._shown.notify_all()

    def wait_shown(self, version: int, timeout: float) -> bool:
        """Wait until the browser painted ``version`` (Play's back-pressure); False on timeout."""
        with self._shown:
            return self._shown.wait_for(lambda: self.shown_version >= version, timeout)

    # -- reading ---------------------------------------------------------------------
    def readouts(self) -> dict[str, float]:
        """The latest value of each of the scenario's key metrics."""
        collected = self.model.datacollector.model_vars
        return {m: float(collected[m][-1]) for m in self.scenario.key_metrics if m in collected}

    def series(self) -> dict[str, list[float]]:
        """Every collected value so far of each key metric, plus ``step``."""
        collected = self.model.datacollector.model_vars
        names = ["step", *(m for m in self.scenario.key_metrics if m in collected)]
        return {m: collected[m] for m in names}

    # -- export ----------------------------------------------------------------------
    def toml(self) -> str:
        """The current scenario with the chosen values, as a TOML scenario file."""
        return self.scenario.replace(**self.overrides()).to_toml()

    def csv(self) -> str:
        """The run so far: one row per step, one column per metric."""
        with self.lock:
            frame = self.model.dataframe()
        frame.insert(0, "scenario", self.built_name)
        frame.insert(1, "seed", self.built_seed)
        return frame.to_csv(index=False)

    # -- internals -------------------------------------------------------------------
    def _install(self, model) -> None:
        self.model = model
        self.built_values, self.built_seed = dict(self.values), self.seed
        self.built_name = self.scenario.name
        self.message = None
        self.builds += 1
        self.version += 1

    def _failed(self, message: str, exc: BaseException) -> bool:
        if not isinstance(exc, ValueError):
            log.error("dashboard: %s", message, exc_info=exc)
        self.message = message
        return False
