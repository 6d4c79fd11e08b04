"""Steps of the segmentation pipeline: keep the streaming jobs running, then the batch steps.

Each step is a ``./pipeline`` call (see :mod:`cinestream.pipeline_cli`); the functions here take
the runner as a parameter so that tests can hold them to real outputs without a stack.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from cinestream.config import Settings
from cinestream.flink_jobs import (
    FlinkJobStatus,
    fetch_jobs_overview,
    flink_run_args,
    latest_restore_point,
    missing_jobs,
    read_ledger,
    record_submission,
    resumable_job_ids,
    submitted_job_id,
)
from cinestream.pipeline_cli import run_pipeline

log = logging.getLogger(__name__)

#: ``runner(pipeline, args, env) -> output``, raising on a non-zero exit (:func:`run_pipeline`).
Runner = Callable[[Path, Sequence[str], Mapping[str, str]], str]

#: The UTC hour whose scheduled run rebuilds every dbt model from scratch (the other 23 build incrementally).
FULL_REFRESH_HOUR_UTC = 0


def raw_loader_args(mode: str) -> list[str]:
    """The ``./pipeline`` arguments that make sure the raw loader has run or is running.

    :param mode: ``continuous`` (start the streaming query unless it runs) or ``once`` (one
        catch-up run of every topic, e.g. when the warehouse must be complete before ``verify``)
    :return: ``["load", "--detach"]`` or ``["load"]``
    :raises ValueError: on another mode
    """
    if mode == "continuous":
        return ["load", "--detach"]
    if mode == "once":
        return ["load"]
    raise ValueError(f"raw loader mode {mode!r}: expected 'continuous' or 'once'")


def flink_ledger(settings: Settings) -> Path:
    """The file recording every Flink job id this DAG submitted (``$CINESTREAM_HOME/run/``)."""
    return settings.home / "run" / "flink-job-ledger.json"


def ensure_flink_jobs(
    settings: Settings,
    runner: Runner = run_pipeline,
    list_jobs: Callable[[str], list[FlinkJobStatus]] = fetch_jobs_overview,
) -> dict[str, str]:
    """Submits every metric job that is not running, resuming it from its latest checkpoint or savepoint.

    Lists the cluster's jobs through the JobManager's REST API (``FLINK_URL/jobs/overview``): a
    job already running is found by name and not submitted again. For each missing job finds the
    newest restore point of its earlier (resumable) runs under ``$CINESTREAM_HOME/data/flink/``
    and submits ``./pipeline flink run -d [-s POINT] ...``; records the new job id in the ledger.

    :param settings: the task's settings
    :param runner: runs one ``./pipeline`` call
    :param list_jobs: ``FLINK_URL`` -> the cluster's jobs (:func:`fetch_jobs_overview`)
    :return: job name -> what was found or done, e.g. ``running 0f3e...`` or
        ``submitted 7a1b... from /.../chk-12``
    :raises RuntimeError: when a submission prints no job id
    """
    env = settings.pipeline_env()
    statuses = list_jobs(settings.conf["FLINK_URL"])
    ledger_path = flink_ledger(settings)
    resumable = resumable_job_ids(statuses, read_ledger(ledger_path))
    flink_data = settings.home / "data" / "flink"
    jar = settings.root / "flink-jobs" / "target" / "flink-jobs.jar"
    todo = missing_jobs(statuses)
    result = {s.name: f"running {s.job_id}" for s in statuses if s.state == "RUNNING"}
    for spec in todo:
        point = latest_restore_point(
            flink_data / "checkpoints", flink_data / "savepoints", resumable.get(spec.name, ())
        )
        output = runner(settings.pipeline, ["flink", *flink_run_args(spec, settings.conf, jar, point)], env)
        job_id = submitted_job_id(output)
        if job_id is None:
            raise RuntimeError(f"flink run {spec.name}: no job id in its output:\n{output[-2000:]}")
        record_submission(ledger_path, spec.name, job_id)
        result[spec.name] = f"submitted {job_id} from {point or 'a fresh start (no restore point)'}"
        log.info("%s: %s", spec.name, result[spec.name])
    return result


def dbt_build_args(logical_date: datetime | None, full_refresh: bool) -> list[str]:
    """The ``./pipeline dbt`` arguments of one run: incremental, or a full refresh once a day.

    :param logical_date: the run's logical date (timezone-aware), None for a manual run without one
    :param full_refresh: the run's ``full_refresh`` param (forces a full refresh)
    :return: ``["dbt", "build"]``, plus ``--full-refresh`` for the run at
        :data:`FULL_REFRESH_HOUR_UTC` o'clock or when forced
    """
    daily = logical_date is not None and logical_date.astimezone(UTC).hour == FULL_REFRESH_HOUR_UTC
    return ["dbt", "build", "--full-refresh"] if full_refresh or daily else ["dbt", "build"]
