"""What a sweep computes: its table, its reproducibility across executors, Mesa's batch_run."""

import mesa
import numpy as np
import pandas as pd
import pytest

import scenarios
from contagion import sweep

SMALL_CROWD = {"rows": 6, "cols": 8}  # football_crowd: 48 seats instead of 2,000

CROWD = scenarios.get("football_crowd")
GRID = {"mirroring": [0.5, 2.0], "outgroup_sign": [-1.0, 0.5], **SMALL_CROWD}
STEPS = 40  # the first goal is at step 30


@pytest.fixture(scope="module")
def dask_cluster():
    """A real two-process Dask cluster on this machine (about 5 s to start)."""
    import distributed

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def table():
    return sweep(CROWD, GRID, reps=2, steps=STEPS, seed=7, progress=False)


@pytest.fixture(scope="module")
def one_at_a_time():
    return sweep(CROWD, GRID, reps=2, steps=STEPS, seed=7, batch=False, progress=False)


def test_one_row_per_run_with_ids_parameters_and_final_metrics(table):
    assert len(table) == 2 * 2 * 2
    assert list(table.columns[:7]) == ["run_id", "replicate", "seed", "mirroring",
                                       "outgroup_sign", "rows", "cols"]
    assert table["run_id"].is_unique and table["seed"].is_unique
    for column in ("home_valence_final", "away_arousal_final", "valence_sd_final",
                   "home_expert_valence_final", "home_valence_end"):  # standard, group,
        assert column in table                                          # scenario, outcome
    assert not any(c in table for c in ("home_valence", "step"))
    assert table.filter(like="_final").dtypes.eq(np.float64).all()


@pytest.mark.parametrize("batched", [True, False], ids=["ensemble", "one-at-a-time"])
def test_each_row_is_reproducible_from_its_seed_alone(table, one_at_a_time, batched):
    """A row equals the scenario run by hand with the row's seed and parameters.

    Exactly when the sweep runs one model at a time; to 1e-12 from an ensemble, whose
    metrics are summed in another order (its states are the same).
    """
    tolerance = 1e-12 if batched else 0.0
    for _, row in (table if batched else one_at_a_time).iloc[[0, 5]].iterrows():
        params = {name: row[name] for name in GRID}
        frame = CROWD.run(STEPS, int(row["seed"]), **params)
        final = frame.iloc[-1]
        for column in frame.columns.drop("step"):
            assert row[f"{column}_final"] == pytest.approx(final[column], abs=tolerance, rel=0)
        for name, value in CROWD.replace(**params).summary_values(frame).items():
            assert row[name] == pytest.approx(value, abs=tolerance, rel=0)


def test_the_ensemble_gives_the_table_of_one_model_at_a_time(table, one_at_a_time):
    pd.testing.assert_frame_equal(table, one_at_a_time, check_exact=False, rtol=0, atol=1e-12)


def test_replicates_differ_and_parameters_matter(table):
    first = table[(table["mirroring"] == 2.0) & (table["outgroup_sign"] == -1.0)]
    assert first["home_expert_valence_final"].nunique() == 2  # replicates: different draws
    by_sign = table.groupby("outgroup_sign")["home_valence_final"].mean()
    assert by_sign[-1.0] > by_sign[0.5] + 0.05  # counter-mirroring keeps the home joy


def test_same_call_gives_the_same_table_and_another_root_seed_does_not(table):
    again = sweep(CROWD, GRID, reps=2, steps=STEPS, seed=7, progress=False)
    pd.testing.assert_frame_equal(table, again)
    other = sweep(CROWD, GRID, reps=2, steps=STEPS, seed=8, progress=False)
    assert list(other["run_id"]) == list(table["run_id"])
    assert not (other["seed"] == table["seed"]).any()


def test_every_keeps_every_kth_step_and_the_last():
    grid = {"mirroring": [0.2], "members": 4}
    steps = sweep("leader_team", grid, reps=2, steps=23, seed=3, every=5, progress=False)
    assert list(steps["step"][:6]) == [0, 5, 10, 15, 20, 23]
    assert len(steps) == 12 and "member_valence" in steps and "pairs_in_step" in steps
    run = steps[steps["replicate"] == 1]
    frame = scenarios.get("leader_team").run(23, int(run["seed"].iloc[0]), mirroring=0.2,
                                             members=4)
    expected = frame.set_index("step").loc[[0, 5, 10, 15, 20, 23], "member_valence"]
    np.testing.assert_array_equal(run["member_valence"], expected.to_numpy())


@pytest.mark.slow
def test_jobs_1_jobs_2_and_dask_cluster_give_equal_tables(dask_cluster):
    """Same seeds from the run identity: the executor and completion order do not matter."""
    import distributed

    grid = {"mirroring": [0.1, 0.4, 0.7], "outgroup_sign": -0.5, **SMALL_CROWD}
    kwargs = dict(reps=2, steps=15, seed=11, progress=False)
    one_at_a_time = sweep(CROWD, grid, jobs=1, batch=False, **kwargs)
    tables = {}
    for batch_size in (None, 4):  # automatic: 2 runs per task with 2 workers; 4: 2 tasks
        kw = dict(kwargs, batch_size=batch_size)
        tables["serial", batch_size] = sweep(CROWD, grid, jobs=1, **kw)
        tables["jobs=2", batch_size] = sweep(CROWD, grid, jobs=2, **kw)
        tables["address", batch_size] = sweep(CROWD, grid, dask=dask_cluster.scheduler_address,
                                               **kw)
        with distributed.Client(dask_cluster) as client:
            tables["client", batch_size] = sweep(CROWD, grid, executor=client, **kw)
    for other in (sweep(CROWD, grid, jobs=2, batch=False, **kwargs),
                  sweep(CROWD, grid, dask=dask_cluster.scheduler_address, batch=False, **kwargs)):
        pd.testing.assert_frame_equal(one_at_a_time, other)
    for table in tables.values():  # ensembles: the same table whatever the chunks and workers
        pd.testing.assert_frame_equal(table, tables["serial", None])
        pd.testing.assert_frame_equal(table, one_at_a_time, check_exact=False, rtol=0, atol=1e-12)


def test_a_failing_run_names_itself_and_its_parameters():
    """A run that cannot be built stops the sweep with a message naming the run."""
    broken = scenarios.loads(CROWD.to_toml().replace('goals = "$goals"',
                                                     'goals = [[1, "nobody"]]'))
    with pytest.raises(ValueError, match=r"run [0-9a-f]{16} with \{'mirroring': 0.1.*"
                                         r"group 'nobody'"):
        sweep(broken, {"mirroring": [0.1], **SMALL_CROWD}, steps=2, progress=False)


@pytest.mark.parametrize("processes", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_mesa_batch_run_works_on_a_scenario_model(processes):
    """For people who already use Mesa: batch_run with explicit seeds, final step only.

    With two processes the model class travels by pickle (scenarios.models).
    """
    scenario = scenarios.get("leader_team")
    results = mesa.batch_run(scenario.model_class(),
                             parameters={"mirroring": [0.2, 0.6], "members": 4},
                             rng=[101, 102], max_steps=15, data_collection_period=-1,
                             number_processes=processes, display_progress=False)
    assert len(results) == 4
    for result in results:
        assert result["Step"] == 15
        expected = scenario.run(15, result["rng"], mirroring=result["mirroring"], members=4)
        for column in ("member_valence", "work_in_step", "pairs_in_step"):
            assert result[column] == expected[column].iloc[-1]
