"""Task callbacks shared by the DAGs."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

log = logging.getLogger("cinestream.alerts")


def describe_failure(context: Mapping[str, Any]) -> str:
    """One line naming the DAG, task, run, try and cause of a task failure.

    :param context: the Airflow task context (``ti``, ``dag_run``, ``exception``...)
    :return: e.g. ``movie_catalog.validate_file failed (run manual__..., try 3 of 3): <cause>; log: <url>``
    """
    ti = context.get("ti") or context.get("task_instance")
    dag_id = getattr(ti, "dag_id", "?")
    task_id = getattr(ti, "task_id", "?")
    run_id = getattr(ti, "run_id", None) or getattr(context.get("dag_run"), "run_id", "?")
    try_number = getattr(ti, "try_number", "?")
    max_tries = getattr(ti, "max_tries", None)
    task = context.get("task")
    retries = getattr(task, "retries", None)
    total = (
        f" of {retries + 1}"
        if isinstance(retries, int)
        else (f" of {max_tries + 1}" if isinstance(max_tries, int) else "")
    )
    cause = context.get("exception") or context.get("reason") or "unknown cause"
    url = getattr(ti, "log_url", None)
    return f"{dag_id}.{task_id} failed (run {run_id}, try {try_number}{total}): {cause}" + (
        f"; log: {url}" if url else ""
    )


def log_task_failure(context: Mapping[str, Any]) -> None:
    """``on_failure_callback``: logs the failure at ERROR on the ``cinestream.alerts`` logger.

    A task fails for good only after its retries; this is where a pager or chat notifier would
    hook in (Airflow notifiers take the same context).
    """
    log.error("CINESTREAM TASK FAILED: %s", describe_failure(context))
