"""Figures of the scenarios that run the other rules, published figures beside the model's.

- ``mexican_wave``: ``docs/figures/mexican_wave.png`` (one run's wave going round, and the
  published speed, width and direction share beside the measured ones) and
  ``mexican_wave_phase.png`` (where waves live: trigger size against the crowd's boredom,
  and against its excitement). The measured numbers come from ``docs/data/wave_*.csv``,
  written by ``docs/wave_study.py``; the published ones are in :data:`PUBLISHED_WAVE`.
- ``happiness_framingham``: ``docs/figures/happiness_framingham.png`` (the moods' shares
  over time against the mean-field and pair-approximation predictions, and the paper's
  rates beside the rates measured back from the simulated people).
- ``art_gallery``: ``docs/figures/art_gallery.png``.

Run through ``docs/make_figures.py`` like every scenario's figures.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd
from scenario_figures import NULL_LABEL, SEEDS, _panels, curves, mean_run, save

import scenarios
from contagion.graphs import node_attribute
from contagion.rules.excitable import ACTIVE
from contagion.rules.sisa_theory import mean_field_fixed_point, pair_fixed_point

DATA = Path(__file__).resolve().parent / "data"

#: Farkas, Helbing & Vicsek (2002), Nature 419:131: 14 waves filmed in stadia of > 50,000.
#: Speed "about 12 m/s (20 seats/s)", width "about 6-12 m" (15 seats in press reports),
#: "usually clockwise" (about 3 in 4 on the authors' page); 25-35 people to start one
#: (press reports of the paper).
PUBLISHED_WAVE = {"speed_seats": 20.0, "speed_metres": 12.0, "width_metres": (6.0, 12.0),
                  "width_seats": 15.0, "clockwise": 0.75, "trigger": (25, 35)}


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson interval of a binomial share."""
    if n == 0:
        return float("nan"), float("nan")
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def wave_columns(model) -> np.ndarray:
    """Share of the rows standing in each seat column of a running wave model."""
    seat = node_attribute(model.graph, model.nodes, "seat").astype(int)
    rows = np.bincount(seat)
    return np.bincount(seat[model.state == ACTIVE], minlength=len(rows)) / rows


def _kymograph(ax, seconds: float = 36.0, every: int = 5) -> None:
    scenario = scenarios.get("mexican_wave")
    model = scenario.build(0, space=False)
    picture = []
    for _ in range(int(round(seconds / scenario.dt / every))):
        for _ in range(every):
            model.step()
        picture.append(wave_columns(model))
    picture = np.array(picture)
    ax.imshow(picture, aspect="auto", origin="lower", cmap="Greys", vmin=0, vmax=1,
              extent=(0, picture.shape[1], 0, seconds), interpolation="nearest")
    ax.set(xlabel="seat along the ring (clockwise)", ylabel="time (seconds)",
           title="One run (seed 0): share of each column standing")


def mexican_wave() -> None:
    calibration = pd.read_csv(DATA / "wave_calibration.csv")
    direction = pd.read_csv(DATA / "wave_direction.csv")
    fig, (left, middle, right) = _panels(3)
    _kymograph(left)
    runs = calibration[(calibration["trigger"] == 25) & (calibration["fate"] == "lap")]
    metres = scenarios.get("mexican_wave").parameter("seat_width").value
    speed = runs["speed"].abs()
    labels = ["speed (m/s)", "width (m)"]
    low, high = PUBLISHED_WAVE["width_metres"]
    middle.errorbar([0 - 0.12], [PUBLISHED_WAVE["speed_metres"]], fmt="s", color="0.2", ms=8,
                    label="published (Farkas et al. 2002)")
    middle.errorbar([1 - 0.12], [(low + high) / 2], yerr=[[(high - low) / 2]], fmt="s",
                    color="0.2", ms=8, capsize=6)
    middle.errorbar([0.12, 1.12], [metres * speed.mean(), metres * runs["width"].mean()],
                    yerr=[metres * speed.std(), metres * runs["width"].std()], fmt="o",
                    color="C0", ms=8, capsize=6,
                    label=f"model, {len(runs)} seeds (mean, sd)")
    middle.set(xticks=[0, 1], xticklabels=labels, xlim=(-0.6, 1.6), ylim=(0, 16),
               title="Speed and width")
    middle.legend(fontsize=8.5, loc="lower center")
    shares, names = [], []
    for bias, label in ((0.17, "model, side_bias 0.17"), (0.0, "model, no habit (0)")):
        chosen = direction[direction["side_bias"] == bias]
        moving = chosen[np.isfinite(chosen["speed"])]
        clockwise = int((moving["speed"] > 0).sum())
        shares.append((clockwise / len(moving), *wilson(clockwise, len(moving)), len(moving)))
        names.append(label)
    right.bar([0], [PUBLISHED_WAVE["clockwise"]], color="0.6", width=0.6)
    for k, (share, lo, hi, n) in enumerate(shares, start=1):
        right.bar([k], [share], color=f"C{k - 1}", width=0.6)
        right.errorbar([k], [share], yerr=[[share - lo], [hi - share]], color="k", capsize=5)
        right.text(k, 0.03, f"n = {n}", ha="center", fontsize=8.5)
    right.axhline(0.5, color="0.5", lw=0.8, ls=":")
    right.set(xticks=[0, 1, 2], xticklabels=["published\n(about 3 in 4)", *[
        n.replace(", ", "\n") for n in names]], ylim=(0, 1), ylabel="share of waves clockwise",
        title="Direction (95 % Wilson intervals)")
    save(fig, "mexican_wave")
    mexican_wave_phase()


def mexican_wave_phase() -> None:
    phase = pd.read_csv(DATA / "wave_phase.csv")
    excitement = pd.read_csv(DATA / "wave_excitement.csv")
    fig, (left, right) = _panels()
    phase["alive"] = phase["fate"].isin(["lap", "slow"])
    grid = phase.pivot_table(index="trigger", columns="threshold", values="alive", aggfunc="mean")
    image = left.imshow(grid.to_numpy(), origin="lower", cmap="Blues", vmin=0, vmax=1,
                        aspect="auto")
    left.set(xticks=range(grid.shape[1]), xticklabels=[f"{t:g}" for t in grid.columns],
             yticks=range(grid.shape[0]), yticklabels=[str(t) for t in grid.index],
             xlabel="threshold (higher: a more bored crowd)", ylabel="fans in the trigger group",
             title="One wave still running at 12 s (share of seeds)")
    for i, trigger in enumerate(grid.index):
        for j, threshold in enumerate(grid.columns):
            fates = phase[(phase["trigger"] == trigger) & (phase["threshold"] == threshold)]
            codes = "".join(f[0] for f in sorted(fates["fate"]) if f not in ("lap", "slow"))
            left.text(j, i, f"{grid.iloc[i, j]:.2g}\n{codes}", ha="center", va="center",
                      fontsize=7.5, color="k" if grid.iloc[i, j] < 0.6 else "w")
    fig.colorbar(image, ax=left, label="share alive (d died, c chaos, f flash)")
    rates = sorted(excitement["spontaneous_rate"].unique())
    alive = [excitement[excitement["spontaneous_rate"] == r]["fate"].eq("lap").mean()
             for r in rates]
    right.plot(range(len(rates)), alive, marker="o", color="C0", lw=2.2,
               label="a wave goes a full lap")
    for code, color in (("chaos", "C3"), ("flash", "C1")):
        right.plot(range(len(rates)), [excitement[excitement["spontaneous_rate"] == r]["fate"]
                                       .eq(code).mean() for r in rates],
                   marker="s", color=color, lw=1.5, ls="--", label=code)
    right.set(xticks=range(len(rates)), xticklabels=[f"{r:g}" for r in rates], ylim=(-0.05, 1.05),
              xlabel="spontaneous stand-ups per fan per second (excitement)",
              ylabel="share of seeds", title="Too excited: many waves, none goes round")
    right.legend(fontsize=8.5)
    save(fig, "mexican_wave_phase")


def _rates(scenario) -> dict:
    names = ("content_rate", "discontent_rate", "content_contagion", "discontent_contagion",
             "content_recovery", "discontent_recovery", "content_to_discontent",
             "discontent_to_content")
    return {name: scenario.parameter(name).value for name in names}


@functools.lru_cache(maxsize=1)
def measured_rates() -> dict:
    """Rates measured back from 3,000 people over 150 years (seed 11): ``{name: (est, lo, hi)}``."""
    from scenarios import hazards

    scenario = scenarios.get("happiness_framingham")
    return hazards.estimate(hazards.record(scenario.build(11, space=False, people=3000),
                                           steps=1500, burn_in=300))


def happiness_comparison(seeds=range(3)) -> str:
    """Markdown: the paper's rates and claims beside the model's, and the shares beside theory."""
    scenario = scenarios.get("happiness_framingham")
    rates = measured_rates()
    lines = ["| | Hill et al. (2010), input | measured from the simulation [95 %] |",
             "|---|---|---|"]
    words = {"content_rate": "becoming content by oneself (per year)",
             "content_contagion": "per content contact (per year)",
             "content_recovery": "contentment ends (per year; 1 / its length)",
             "discontent_rate": "becoming discontent by oneself (per year)",
             "discontent_contagion": "per discontent contact (per year)",
             "discontent_recovery": "discontent ends (per year; 1 / its length)"}
    for name, text in words.items():
        value, low, high = rates[name]
        lines.append(f"| {text} | {scenario.parameter(name).value:g} | "
                     f"{value:.4f} [{low:.4f}, {high:.4f}] |")
    spread = rates["discontent_contagion"][0] / rates["content_contagion"][0]
    fade = rates["discontent_recovery"][0] / rates["content_recovery"][0]
    lines.append(f"| discontent spreads faster per contact | about twice | {spread:.2f} times |")
    lines.append(f"| discontent fades faster | about twice | {fade:.2f} times |")
    lines += ["", "Measured on 3,000 people over years 30-180 (seed 11) by `scenarios.hazards`: "
              "the exact discrete-time likelihood of every neutral person's move given its "
              "contacts, and each mood's exits per person-step.", "",
              "| seed | k (mean ties) | | neutral | content | discontent |",
              "|---|---|---|---|---|---|"]
    gaps = []
    for seed in seeds:
        model = scenario.build(seed, space=False)
        values = scenario.outcome_values(model.run(scenario.steps))
        degrees = np.diff(model.in_edges.indptr).astype(float)
        k, q = degrees.mean(), (degrees**2).mean() / degrees.mean() - 1
        simulated = np.array([values["neutral_share"], values["content_share"],
                              values["discontent_share"]])
        for label, shares in (("simulation (years 50-150)", simulated),
                              ("mean field", mean_field_fixed_point(_rates(scenario), k)),
                              (f"pair approximation (q = {q:.2f})",
                               pair_fixed_point(_rates(scenario), k, q))):
            cells = " | ".join(f"{x:.4f}" for x in shares)
            lines.append(f"| {seed} | {k:.2f} | {label} | {cells} |")
            if label != "simulation (years 50-150)":
                gaps.append(np.abs(simulated / shares - 1).max())
    lines += ["", f"Largest relative gap between simulation and a prediction: "
                  f"{100 * max(gaps):.1f} %."]
    return "\n".join(lines)


def happiness_framingham() -> None:
    scenario = scenarios.get("happiness_framingham")
    fig, (left, right) = _panels()
    curves(left, "happiness_framingham", {"content": "content", "neutral": "neutral",
                                          "discontent": "discontent"}, seeds=range(3))
    model = scenario.build(0, space=False)
    degrees = np.diff(model.in_edges.indptr).astype(float)
    k, q = degrees.mean(), (degrees**2).mean() / degrees.mean() - 1
    pair = pair_fixed_point(_rates(scenario), k, q)
    mean_field = mean_field_fixed_point(_rates(scenario), k)
    for share, color in zip(pair, ("C1", "C0", "C2")):
        left.axhline(share, color=color, lw=1, ls=":")
    left.plot([], [], color="0.3", ls=":", label="pair approximation")
    left.set(ylabel="share of people", ylim=(0, 0.8),
             title=f"Shares against prediction (mean field n, c, d = "
                   f"{mean_field[0]:.3f}, {mean_field[1]:.3f}, {mean_field[2]:.3f})")
    left.legend(fontsize=8.5, loc="center right")
    measured = measured_rates()
    names = ["content_rate", "content_contagion", "content_recovery",
             "discontent_rate", "discontent_contagion", "discontent_recovery"]
    published = [scenario.parameter(n).value for n in names]
    values = [measured[n][0] for n in names]
    errors = [[measured[n][0] - measured[n][1] for n in names],
              [measured[n][2] - measured[n][0] for n in names]]
    x = np.arange(len(names))
    right.scatter(x - 0.12, published, marker="s", s=60, color="0.2",
                  label="Hill et al. (2010) and the fitted rates (input)")
    right.errorbar(x + 0.12, values, yerr=errors, fmt="o", color="C0", capsize=4,
                   label="measured from the simulation (95 %)")
    right.set(yscale="log", xticks=x, xticklabels=[n.replace("_", "\n") for n in names],
              ylabel="per year (contagion: per contact)",
              title="Rates measured back from the simulated people")
    right.tick_params(axis="x", labelsize=8)
    right.legend(fontsize=8.5)
    fig.subplots_adjust(wspace=0.3)
    save(fig, "happiness_framingham")


def art_gallery() -> None:
    fig, (left, right) = _panels()
    curves(left, "art_gallery", {"novice_company_arousal": "untrained, in company",
                                 "trained_company_arousal": "trained, in company"})
    for room in range(4):
        left.axvline((2 + 20 * room) * 30 / 60, color="0.7", lw=0.8)
    left.set(ylabel="arousal", title="Four rooms, four works (grey lines: a new room)")
    left.legend(fontsize=8.5, loc="lower right")
    gallery = scenarios.get("art_gallery")
    groups = (("in company", "in_company"), ("alone", "alone"))
    for k, (null, label) in enumerate(((None, "with contagion"), ("social", NULL_LABEL))):
        gaps = []
        for _, key in groups:
            values = [gallery.outcome_values(gallery.run(None, s, null=null)) for s in SEEDS]
            gaps.append(np.mean([v[f"trained_{key}"] - v[f"novices_{key}"] for v in values]))
        right.bar(np.arange(2) + (k - 0.5) * 0.35, gaps, width=0.35, color=f"C{k}", label=label)
    right.axhline(0, color="0.5", lw=0.8)
    right.set(xticks=[0, 1], xticklabels=[g for g, _ in groups],
              ylabel="arousal, trained minus untrained (mean of 5 seeds)",
              title="Company narrows the expertise gap")
    right.legend(fontsize=8.5)
    save(fig, "art_gallery")


def wave_comparison() -> str:
    """Markdown: the published wave beside the model's, from docs/data/wave_*.csv."""
    calibration = pd.read_csv(DATA / "wave_calibration.csv")
    direction = pd.read_csv(DATA / "wave_direction.csv")
    phase = pd.read_csv(DATA / "wave_phase.csv")
    excitement = pd.read_csv(DATA / "wave_excitement.csv")
    metres = scenarios.get("mexican_wave").parameter("seat_width").value
    big = calibration[calibration["trigger"] == 25]
    laps = big[big["fate"] == "lap"]
    few = calibration[calibration["trigger"] == 4]
    speed, width = laps["speed"].abs(), laps["width"]
    lines = ["| | published | model (documented parameters, 20,480 fans) |", "|---|---|---|"]
    lines.append(f"| speed | about 12 m/s (20 seats/s) | {speed.mean():.1f} ± {speed.std():.1f} "
                 f"seats/s = {metres * speed.mean():.1f} m/s (mean ± sd, {len(laps)} seeds) |")
    lines.append(f"| width | about 6-12 m (about 15 seats) | {width.mean():.1f} ± "
                 f"{width.std():.1f} seats = {metres * width.mean():.1f} m |")
    lines.append(f"| a group of 25 starts a wave that goes round | a few dozen people start one | "
                 f"{len(laps)} of {len(big)} seeds |")
    lines.append(f"| a group of 4 | (a handful does not) | {(few['fate'] != 'died').sum()} of "
                 f"{len(few)} seeds start a wave |")
    at = phase[phase["threshold"].round(3) == 0.2]
    alive = at.assign(alive=at["fate"].isin(["lap", "slow"])).groupby("trigger")["alive"].mean()
    lines.append("| share of seeds with a wave at 12 s, by trigger size (threshold 0.2) | 25-35 "
                 "needed (press reports) | " + ", ".join(f"{t}: {a:.2g}" for t, a in
                                                          alive.items()) + " |")
    for bias, text in ((0.17, "clockwise share"), (0.0, "clockwise share without the habit")):
        chosen = direction[(direction["side_bias"] == bias) & np.isfinite(direction["speed"])]
        k = int((chosen["speed"] > 0).sum())
        low, high = wilson(k, len(chosen))
        published = "about 3 in 4" if bias else "(0.5 by symmetry)"
        lines.append(f"| {text} (side_bias {bias:g}) | {published} | {k}/{len(chosen)} = "
                     f"{k / len(chosen):.2f} [Wilson 95 %: {low:.2f}-{high:.2f}] |")
    bored = phase.assign(alive=phase["fate"].isin(["lap", "slow"])).groupby("threshold")[
        "alive"].mean()
    dead = [t for t, a in bored.items() if a == 0 and t > 0.2]
    excited = excitement.groupby("spontaneous_rate")["fate"].apply(lambda f: (f == "lap").mean())
    lines.append(f"| too bored | no wave | every trigger dies from threshold "
                 f"{min(dead):g} (grid {', '.join(f'{t:g}' for t in bored.index)}) |"
                 if dead else "| too bored | no wave | (no threshold in the grid kills every "
                 "trigger) |")
    lines.append("| too excited | no wave | laps by spontaneous rate (per fan per second): "
                 + ", ".join(f"{r:g}: {a:.2g}" for r, a in excited.items()) + " |")
    path = DATA / "wave_timestep.csv"
    if path.exists():
        steps = pd.read_csv(path)
        by = steps[steps["fate"] == "lap"].groupby("dt")["speed"].apply(lambda v: v.abs().mean())
        lines.append("| speed at other steps (calibrated at 0.02 s) | - | "
                     + ", ".join(f"dt {d:g} s: {v:.1f} seats/s" for d, v in by.items()) + " |")
    lines += ["", "From `docs/wave_study.py` (`docs/data/wave_*.csv`): calibration 10 seeds a "
              "trigger size, direction 6 s after the cue, the phase diagram a reduced grid (2 "
              "seeds a cell, judged at 12 s), excitement 2 seeds a rate."]
    return "\n".join(lines)


FIGURES_BY_NAME = {f.__name__: f for f in (mexican_wave, happiness_framingham, art_gallery)}

#: Generated "comparison" blocks of the pages: published beside measured.
COMPARISONS = {"mexican_wave": wave_comparison, "happiness_framingham": happiness_comparison}
