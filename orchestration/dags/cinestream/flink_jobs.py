"""Finding the three Flink metric jobs on the cluster: which run, which are missing.

The cluster's jobs come from the JobManager's REST API (``GET /jobs/overview``: id, name and state
of every job it still knows). Submitting a missing job, and where it resumes from, is the ops
package's (``./pipeline metrics --engine flink``, :mod:`cinestream_ops.resume`): the same rule for
a person and for the DAG (a retained checkpoint or savepoint, a first start, or a refusal when the
job's consumer group has committed offsets but its state is lost), and one ledger of job ids.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class FlinkJobStatus:
    """One job of the cluster: job id (32 hex), job name, state (e.g. ``RUNNING``)."""

    job_id: str
    name: str
    state: str


def parse_jobs_overview(answer: Mapping) -> list[FlinkJobStatus]:
    """The jobs of a ``GET /jobs/overview`` answer (``{"jobs": [{"jid", "name", "state", ...}]}``).

    :param answer: the decoded JSON
    :return: the jobs in the order listed
    :raises ValueError: when the answer has no ``jobs`` list or a job lacks ``jid``, ``name`` or ``state``
    """
    jobs = answer.get("jobs")
    if not isinstance(jobs, list):
        raise ValueError(f"/jobs/overview: no 'jobs' list in {str(answer)[:200]}")
    try:
        return [FlinkJobStatus(job["jid"], job["name"], job["state"]) for job in jobs]
    except (KeyError, TypeError) as e:
        raise ValueError(f"/jobs/overview: a job lacks {e}") from e


def fetch_jobs_overview(flink_url: str, timeout_s: float = 10) -> list[FlinkJobStatus]:
    """``GET {flink_url}/jobs/overview`` of the JobManager's REST API.

    :param flink_url: e.g. ``http://127.0.0.1:8082`` (``FLINK_URL``)
    :return: every job the cluster knows
    :raises OSError: when the JobManager does not answer (urllib's errors are OSErrors)
    :raises ValueError: on an answer that is not the expected JSON
    """
    with urllib.request.urlopen(f"{flink_url.rstrip('/')}/jobs/overview", timeout=timeout_s) as response:
        return parse_jobs_overview(json.load(response))


def missing_jobs(statuses: Iterable[FlinkJobStatus]) -> list[str]:
    """The metric jobs (the ops package's ``launch.FLINK_JOBS``) with no job in an alive state
    (``stack.ALIVE_STATES``: the states in which ``./pipeline metrics`` does not submit a job again).

    :param statuses: every job the cluster lists
    :return: the names of the jobs to submit, in ``launch.FLINK_JOBS`` order
    """
    # Imported at task run time: parsing the DAGs never needs the ops package.
    from cinestream_ops import launch, stack

    alive = {s.name for s in statuses if s.state in stack.ALIVE_STATES}
    return [name for name in launch.FLINK_JOBS if name not in alive]
