"""Keeping the three Flink metric jobs running: which are missing, and where each resumes from.

Job names are the ``NAME`` constants of the job classes (flink-jobs, ``io.cinestream.flink``).
The cluster's jobs come from the JobManager's REST API (``GET /jobs/overview``: id, name and
state of every job it still knows). Checkpoints are retained on cancellation (``JobEnvironment``)
under ``<checkpoints>/<job id>/chk-<n>/_metadata`` and savepoints land under
``<savepoints>/savepoint-<first 6 hex of job id>-<random>/_metadata`` (Flink's layout; both
folders are set in ``devstack/flink/config.yaml.template``). Neither path carries the job's name,
so job ids are mapped to names from the cluster's job list and from a ledger file this module
appends to on every submission (jobs of earlier cluster lifetimes).

Only unbounded runs may be resumed: a ``--bounded`` run (``./pipeline run``) ends FINISHED and
its Kafka splits carry stopping offsets in their state, so a job restored from it would stop at
once. Restore candidates are therefore the ledger's jobs (this DAG submits unbounded only) and
jobs the cluster lists as CANCELED or FAILED (unbounded jobs never finish on their own).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FlinkJobSpec:
    """One metric job: its Flink job name and main class."""

    name: str
    main_class: str


METRIC_JOBS = (
    FlinkJobSpec("registration-metrics", "io.cinestream.flink.RegistrationMetricsJob"),
    FlinkJobSpec("session-metrics", "io.cinestream.flink.SessionMetricsJob"),
    FlinkJobSpec("movie-sales", "io.cinestream.flink.MovieSalesJob"),
)

#: States in which a job counts as running (it needs no new submission).
ALIVE_STATES = frozenset({"INITIALIZING", "CREATED", "RUNNING", "RESTARTING", "RECONCILING"})


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


def missing_jobs(statuses: Iterable[FlinkJobStatus], specs: Iterable[FlinkJobSpec] = METRIC_JOBS) -> list[FlinkJobSpec]:
    """The metric jobs with no job in an alive state (:data:`ALIVE_STATES`).

    :param statuses: every job the cluster lists
    :param specs: the jobs that must run
    :return: the specs to submit, in ``specs`` order
    """
    alive = {s.name for s in statuses if s.state in ALIVE_STATES}
    return [spec for spec in specs if spec.name not in alive]


def submitted_job_id(output: str) -> str | None:
    """The job id in the output of ``flink run -d`` (the ops package's parser, ``launch.submitted_job_id``)."""
    from cinestream_ops import launch

    return launch.submitted_job_id(output)


def read_ledger(path: Path) -> dict[str, list[str]]:
    """Job name -> ids of every submission recorded so far (empty when the file is missing)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def record_submission(path: Path, name: str, job_id: str) -> None:
    """Appends a submission to the ledger (a small JSON file, rewritten whole)."""
    ledger = read_ledger(path)
    ids = ledger.setdefault(name, [])
    if job_id not in ids:
        ids.append(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(ledger, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


#: States of listed jobs whose checkpoints may be resumed (see the module docstring).
RESUMABLE_STATES = frozenset({"CANCELED", "FAILED"})


def resumable_job_ids(statuses: Iterable[FlinkJobStatus], ledger: Mapping[str, list[str]]) -> dict[str, set[str]]:
    """Job ids per job name whose checkpoints may be resumed.

    :param statuses: the jobs of ``flink list -a``
    :param ledger: the submissions recorded by :func:`record_submission`
    :return: name -> ids from the ledger, plus listed jobs in :data:`RESUMABLE_STATES`
    """
    ids: dict[str, set[str]] = {name: set(values) for name, values in ledger.items()}
    for status in statuses:
        if status.state in RESUMABLE_STATES:
            ids.setdefault(status.name, set()).add(status.job_id)
    return ids


def latest_restore_point(checkpoint_dir: Path, savepoint_dir: Path, job_ids: Iterable[str]) -> Path | None:
    """The newest completed checkpoint or savepoint of any of the given job ids.

    A checkpoint or savepoint is complete when its ``_metadata`` file exists (Flink writes it
    last); the newest is the one whose ``_metadata`` was written last.

    :param checkpoint_dir: the cluster's checkpoint folder (``<job id>/chk-<n>/`` below it)
    :param savepoint_dir: the cluster's savepoint folder (``savepoint-<6 hex>-<random>/`` below it)
    :param job_ids: ids of the job's earlier runs
    :return: the checkpoint or savepoint folder to pass to ``flink run -s``, or None
    """
    candidates: list[Path] = []
    for job_id in job_ids:
        candidates.extend(checkpoint_dir.glob(f"{job_id}/chk-*/_metadata"))
        candidates.extend(savepoint_dir.glob(f"savepoint-{job_id[:6]}-*/_metadata"))
    if not candidates:
        return None
    return max(candidates, key=lambda p: (p.stat().st_mtime_ns, str(p))).parent


def flink_run_args(spec: FlinkJobSpec, conf: Mapping[str, str], jar: Path, restore_point: Path | None) -> list[str]:
    """The ``flink run`` arguments of a detached submission: the ops package's builder
    (:func:`cinestream_ops.launch.flink_run_args`), the same as ``./pipeline metrics --engine flink``.

    :param spec: the job
    :param conf: effective ``cinestream.conf`` keys (KAFKA_BOOTSTRAP, SCHEMA_REGISTRY_URL,
        WAREHOUSE_JDBC_URL, FLINK_REST_PORT, FLINK_PARALLELISM)
    :param jar: the shaded job jar
    :param restore_point: checkpoint or savepoint folder to resume from, or None for a fresh start
    :return: arguments after ``flink``
    :raises KeyError: when a needed key is missing from ``conf``
    """
    # Imported at task run time: parsing the DAGs never needs the ops package.
    from cinestream_ops import launch

    endpoints = ["--bootstrap", conf["KAFKA_BOOTSTRAP"], "--registry", conf["SCHEMA_REGISTRY_URL"]]
    endpoints += ["--jdbc-url", conf["WAREHOUSE_JDBC_URL"]]
    return launch.flink_run_args(
        spec.name,
        rest_port=conf["FLINK_REST_PORT"],
        endpoints=endpoints,
        parallelism=conf["FLINK_PARALLELISM"],
        jar=jar,
        bounded=False,
        restore=restore_point,
    )
