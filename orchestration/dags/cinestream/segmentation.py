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
from cinestream.flink_jobs import FlinkJobStatus, fetch_jobs_overview, missing_jobs
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


#: The ``./pipeline`` arguments that submit the Flink metric jobs not running, each resumed by the
#: ops package's rule (:mod:`cinestream_ops.resume`).
FLINK_METRICS_ARGS = ("metrics", "--engine", "flink")

#: verify_parity's command: only the ticks and windows that both streaming engines have closed and
#: the loader has loaded are judged (ops ``horizon``; docs/operations.md#verify-while-streaming).
VERIFY_ARGS = ["verify", "--closed-by", "watermarks"]


def ensure_flink_jobs(
    settings: Settings,
    runner: Runner | None = None,
    list_jobs: Callable[[str], list[FlinkJobStatus]] | None = None,
) -> dict[str, str]:
    """Makes sure the three Flink metric jobs run; submits the missing ones as ``./pipeline`` does.

    Lists the cluster's jobs through the JobManager's REST API (``FLINK_URL/jobs/overview``). When
    every metric job is alive, nothing is called: a re-run finds what is done and changes nothing.
    Otherwise ``./pipeline metrics --engine flink`` submits each job that is not alive (it skips
    the alive ones itself), resumed from its newest retained checkpoint or savepoint, or refused
    (exit status 2, the task fails) when its consumer group has committed offsets and its state is
    lost (:mod:`cinestream_ops.resume`, docs/operations.md#resuming-the-flink-jobs); the ops package
    records the job ids in ``$CINESTREAM_HOME/run/flink-job-ledger.json``.

    :param settings: the task's settings
    :param runner: runs one ``./pipeline`` call (default :func:`run_pipeline`)
    :param list_jobs: ``FLINK_URL`` -> the cluster's jobs (default :func:`fetch_jobs_overview`)
    :return: job name -> ``running <job id>`` (alive before) or ``submitted <job id>`` (by this call)
    :raises RuntimeError: when a metric job is still not alive after the submission
    :raises cinestream.pipeline_cli.PipelineCommandError: when ``./pipeline metrics`` fails or refuses
    """
    runner = runner or run_pipeline
    list_jobs = list_jobs or fetch_jobs_overview
    flink_url = settings.conf["FLINK_URL"]
    before = list_jobs(flink_url)
    todo = missing_jobs(before)
    result = {name: f"running {job_id}" for name, job_id in _alive_ids(before).items()}
    if not todo:
        log.info("every Flink metric job runs: %s", result)
        return result
    runner(settings.pipeline, list(FLINK_METRICS_ARGS), settings.pipeline_env())
    after = list_jobs(flink_url)
    still = missing_jobs(after)
    if still:
        raise RuntimeError(f"./pipeline {' '.join(FLINK_METRICS_ARGS)} left {', '.join(still)} not running")
    alive = _alive_ids(after)
    for name in todo:
        result[name] = f"submitted {alive[name]}"
        log.info("%s: %s", name, result[name])
    return result


def _alive_ids(statuses: list[FlinkJobStatus]) -> dict[str, str]:
    """Job name -> id of its alive job (the newest listed when there are several)."""
    from cinestream_ops import stack

    return {s.name: s.job_id for s in statuses if s.state in stack.ALIVE_STATES}


def dbt_build_args(logical_date: datetime | None, full_refresh: bool) -> list[str]:
    """The ``./pipeline dbt`` arguments of one run: incremental, or a full refresh once a day.

    :param logical_date: the run's logical date (timezone-aware), None for a manual run without one
    :param full_refresh: the run's ``full_refresh`` param (forces a full refresh)
    :return: ``["dbt", "build"]``, plus ``--full-refresh`` for the run at
        :data:`FULL_REFRESH_HOUR_UTC` o'clock or when forced
    """
    daily = logical_date is not None and logical_date.astimezone(UTC).hour == FULL_REFRESH_HOUR_UTC
    return ["dbt", "build", "--full-refresh"] if full_refresh or daily else ["dbt", "build"]
