"""The DAGs load without import errors and have exactly the designed tasks, edges and settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from airflow.dag_processing.dagbag import DagBag

from conftest import DAGS_FOLDER


@pytest.fixture(scope="module")
def dagbag() -> DagBag:
    return DagBag(dag_folder=str(DAGS_FOLDER))


def edges(dag) -> set[tuple[str, str]]:
    return {(task.task_id, down) for task in dag.tasks for down in task.downstream_task_ids}


def test_dagbag_has_both_dags_and_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {"movie_catalog", "segmentation_pipeline"}


@pytest.mark.parametrize("dag_id", ["movie_catalog", "segmentation_pipeline"])
def test_every_task_retries_twice_after_five_minutes_with_a_timeout_and_a_failure_callback(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    assert dag.tags and "cinestream" in dag.tags
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    for task in dag.tasks:
        assert task.retry_delay == timedelta(minutes=5), task.task_id
        assert task.execution_timeout is not None, task.task_id
        assert task.on_failure_callback, task.task_id


def test_movie_catalog_tasks_and_dependencies(dagbag):
    dag = dagbag.dags["movie_catalog"]
    assert [t.task_id for t in dag.topological_sort()] == [
        "wait_for_file",
        "validate_file",
        "run_catalog_job",
        "check_data_quality",
        "archive_file",
        "publish_catalog",
    ]
    # The sequence, plus the data edges of the XCom arguments (validate_file's result feeds
    # three tasks, the quality figures feed publish_catalog).
    assert edges(dag) == {
        ("wait_for_file", "validate_file"),
        ("validate_file", "run_catalog_job"),
        ("validate_file", "check_data_quality"),
        ("validate_file", "archive_file"),
        ("run_catalog_job", "check_data_quality"),
        ("check_data_quality", "archive_file"),
        ("check_data_quality", "publish_catalog"),
        ("archive_file", "publish_catalog"),
    }


def test_movie_catalog_runs_daily_waits_in_reschedule_mode_and_publishes_both_assets(dagbag):
    dag = dagbag.dags["movie_catalog"]
    assert dag.schedule == "@daily"
    assert "file" in dag.params
    sensor = dag.get_task("wait_for_file")
    assert sensor.mode == "reschedule"
    assert sensor.fs_conn_id == "fs_default"
    assert sensor.soft_fail is True
    # Retrying a rejected file or a failed quality check would not change the data.
    assert dag.get_task("validate_file").retries == 0
    assert dag.get_task("check_data_quality").retries == 0
    assert dag.get_task("run_catalog_job").retries == 2
    outlets = {a.name for a in dag.get_task("publish_catalog").outlets}
    assert outlets == {"movies_catalog", "movies_catalog_enriched"}


def test_segmentation_pipeline_tasks_form_one_chain(dagbag):
    dag = dagbag.dags["segmentation_pipeline"]
    assert dag.schedule == "@hourly"
    assert edges(dag) == {
        ("ensure_raw_loader", "ensure_flink_jobs"),
        ("ensure_flink_jobs", "run_spark_metrics"),
        ("run_spark_metrics", "verify_parity"),
        ("verify_parity", "dbt_build"),
    }
    assert dag.get_task("verify_parity").retries == 0
    assert dag.get_task("ensure_raw_loader").retries == 2
    assert "full_refresh" in dag.params
