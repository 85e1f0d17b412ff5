"""The study's result in plain language, read off its table (nothing here is assumed)."""

from __future__ import annotations

import pandas as pd

from contagion.experiments.studies.figures import truth_title

__all__ = ["verdict"]


def _interval(row) -> str:
    return f"{row.estimate:+.1f}% (95% CI {row.ci_low:+.1f} to {row.ci_high:+.1f})"


def _says(row) -> str:
    if row.ci_low > 0:
        return "contagion"
    if row.ci_high < 0:
        return "the opposite of contagion"
    return "nothing"


def _truth_lines(truth: str, rows: pd.DataFrame) -> tuple[list[str], bool, bool]:
    obs = rows[rows["estimator"] == "observational"].set_index("distance").sort_index()
    exp = rows[rows["estimator"] == "experimental"].set_index("distance").sort_index()
    has = "contagion" in truth.split("+")
    first_obs, first_exp = obs.iloc[0], exp.iloc[0]
    decay = ", ".join(f"{d}: {v:+.1f}%" for d, v in obs["estimate"].items())
    covered = first_exp.ci_low <= first_exp.true_effect <= first_exp.ci_high
    lines = [f"{truth_title(truth)} (truth: {'contagion' if has else 'no contagion'})",
             (f"  observational, distance 1: {_interval(first_obs)} -> says {_says(first_obs)}; "
              f"by distance {decay}"),
             (f"  experiment, distance 1:    {_interval(first_exp)} -> says {_says(first_exp)}; "
              f"true effect {first_exp.true_effect:+.1f}% "
              f"({'inside' if covered else 'outside'} the interval)")]
    return lines, _says(first_obs) == "contagion", _says(first_exp) == "contagion"


def verdict(table: pd.DataFrame) -> str:
    """A few lines per truth and a summary of what each estimator got right."""
    lines, obs_yes, exp_yes, with_contagion = [], [], [], []
    truths = list(dict.fromkeys(table["truth"]))
    for truth in truths:
        text, obs, exp = _truth_lines(truth, table[table["truth"] == truth])
        lines += text
        obs_yes.append(obs)
        exp_yes.append(exp)
        with_contagion.append("contagion" in truth.split("+"))
    n = len(truths)
    false_obs = sum(o and not c for o, c in zip(obs_yes, with_contagion))
    right_exp = sum(e == c for e, c in zip(exp_yes, with_contagion))
    right_obs = sum(o == c for o, c in zip(obs_yes, with_contagion))
    lines.append("")
    lines.append(f"The observational estimator says 'contagion' in {sum(obs_yes)} of {n} worlds, "
                 f"{false_obs} of them without any contagion; it is right about {right_obs} of {n}.")
    lines.append(f"The randomised experiment says 'contagion' in {sum(exp_yes)} of {n} worlds "
                 f"and is right about {right_exp} of {n}.")
    if false_obs:
        lines.append("Homophily and shared environments make people who know each other feel "
                     "alike without anyone catching anything: only the experiment tells them apart.")
    return "\n".join(lines)
