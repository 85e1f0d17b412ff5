"""The Mexican wave measured against Farkas, Helbing & Vicsek (2002): the numbers on its page.

Every run is the ``mexican_wave`` scenario with its documented parameters (the default
stadium of 32 x 640 seats unless a study says otherwise), stepped until its wave's
course is decided (:func:`scenarios.states.wave_course`: a lap, or death, chaos, a
flash). Results go to ``docs/data/wave_<study>.csv``; docs/make_figures.py draws the
page's figures and tables from them.

    uv run python docs/wave_study.py                 # every study (about 40 min on one busy core)
    uv run python docs/wave_study.py calibration     # speed, width, laps: 10 seeds, triggers 25, 4
    uv run python docs/wave_study.py direction       # clockwise share: 30 seeds (+ 16 without habit)
    uv run python docs/wave_study.py phase           # trigger size x threshold, 2 seeds a cell
    uv run python docs/wave_study.py excitement      # spontaneous stand-ups against laps
    uv run python docs/wave_study.py timestep        # speed and width at other steps

The seed counts are small (each run builds a 20,480-fan stadium): the direction share
has a wide interval, and the phase diagram is a reduced grid (5 thresholds x 5 trigger
sizes x 2 seeds) that
judges each run at 12 s: "alive" is one wave still running then (or a lap), which a
wave that has run 12 s at the calibrated point goes on to complete in every run seen.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import scenarios
from contagion.model import ContagionModel
from scenarios.states import wave_course

DATA = Path(__file__).resolve().parent / "data"
NAME = "mexican_wave"
PHASE_THRESHOLDS = (0.12, 0.20, 0.28, 0.36, 0.44)
PHASE_TRIGGERS = (1, 4, 9, 25, 49)
PHASE_TIME = 12.0  # seconds: a reduced grid, judged before a lap (see above)


class Stadium:
    """The scenario's models for many seeds, on one network (the oval draws nothing at random).

    ``run(seed)`` gives the same trajectory as ``scenario.build(seed)``: building the graph
    takes no random numbers, so the model's generator starts at the same point.
    """

    def __init__(self, **overrides):
        self.scenario = scenarios.get(NAME).replace(**overrides)
        self.kwargs = self.scenario.model_kwargs()
        self.graph = self.kwargs["graph"](np.random.default_rng(0))
        self.seats = self.scenario.parameter("seats").value

    def run(self, seed: int, max_time: float = 40.0, until_decided: bool = True,
            chunk: int = 50, fit_from: float = 4.0) -> dict:
        """One run; stops once the course is decided (or at ``max_time`` seconds)."""
        model = ContagionModel(**{**self.kwargs, "graph": self.graph}, space=False, rng=seed)
        steps = int(round(max_time / self.scenario.dt))
        course = None
        while model.steps < steps:
            model.run(min(chunk, steps - model.steps))
            course = wave_course(model.dataframe(), self.seats, fit_from=fit_from)
            if until_decided and course["fate"] != "slow":
                break
        return {**course, "seed": seed, "time": model.steps * self.scenario.dt}


def _write(name: str, rows: list[dict]) -> pd.DataFrame:
    DATA.mkdir(exist_ok=True)
    frame = pd.DataFrame(rows)
    frame.to_csv(DATA / f"wave_{name}.csv", index=False, float_format="%.6g")
    print(f"wrote docs/data/wave_{name}.csv ({len(frame)} runs)")
    return frame


def calibration(seeds: int = 10) -> pd.DataFrame:
    """Speed, width and laps at the documented parameters; trigger 25 and trigger 4."""
    rows = []
    for trigger in (25, 4):
        stadium = Stadium(trigger=trigger)
        for seed in range(seeds):
            started = time.perf_counter()
            rows.append({"trigger": trigger, **stadium.run(seed),
                         "wall_seconds": time.perf_counter() - started})
            print(rows[-1], flush=True)
    return _write("calibration", rows)


def direction(seeds: int = 30, control_seeds: int = 16) -> pd.DataFrame:
    """Which way the wave runs, 6 s after the cue: the habit side_bias, and controls."""
    rows = []
    for bias, count in ((0.17, seeds), (0.0, control_seeds)):
        stadium = Stadium(side_bias=bias)
        for seed in range(count):
            course = stadium.run(seed, max_time=6.0, until_decided=False, fit_from=2.0)
            rows.append({"side_bias": bias, **course})
        share = np.mean([r["speed"] > 0 for r in rows if r["side_bias"] == bias])
        print(f"side_bias {bias}: clockwise {share:.2f}", flush=True)
    return _write("direction", rows)


def phase(seeds: int = 2) -> pd.DataFrame:
    """Does a wave go round? Trigger size against threshold (the crowd's boredom)."""
    rows = []
    for threshold in PHASE_THRESHOLDS:
        for trigger in PHASE_TRIGGERS:
            stadium = Stadium(threshold=threshold, trigger=trigger)
            for seed in range(seeds):
                rows.append({"threshold": threshold, "trigger": trigger,
                             **stadium.run(seed, max_time=PHASE_TIME)})
            fates = [r["fate"] for r in rows[-seeds:]]
            print(f"threshold {threshold} trigger {trigger}: {fates}", flush=True)
    return _write("phase", rows)


def timestep(seeds: int = 2) -> pd.DataFrame:
    """The same parameters (in seconds) at other steps: the speed's dependence on dt."""
    rows = []
    for dt in (0.04, 0.02, 0.01):
        base = scenarios.get(NAME)
        shifted = scenarios.loads(base.to_toml().replace("dt = 0.02", f"dt = {dt}"))
        scenarios.register(shifted)
        try:
            stadium = Stadium()
            for seed in range(seeds):
                rows.append({"dt": dt, **stadium.run(seed)})
                print(rows[-1], flush=True)
        finally:
            scenarios.register(base)
    return _write("timestep", rows)


def excitement(seeds: int = 2) -> pd.DataFrame:
    """Spontaneous stand-ups (the crowd's excitement) against waves that go round."""
    rows = []
    for rate in (0.0, 0.002, 0.005, 0.01, 0.02, 0.05):
        stadium = Stadium(spontaneous_rate=rate)
        for seed in range(seeds):
            rows.append({"spontaneous_rate": rate, **stadium.run(seed)})
        print(rate, [r["fate"] for r in rows[-seeds:]], flush=True)
    return _write("excitement", rows)


STUDIES = {f.__name__: f for f in (calibration, direction, phase, excitement, timestep)}

if __name__ == "__main__":
    for study in sys.argv[1:] or list(STUDIES):
        STUDIES[study]()
