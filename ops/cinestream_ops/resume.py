"""Where a Flink metric job resumes from, decided before it is submitted (issue 23 item 6).

A Flink job's state (dedup ids, open sessions, half-filled windows) lives in its checkpoints; its
position in Kafka is in its checkpoints too, and is also committed to its consumer group on every
checkpoint. The jobs start from the group's committed offsets when they are given no checkpoint
(``KafkaSources``: committed offsets, else earliest). So a job resubmitted without its checkpoint
starts where the last one stopped but with empty state, and its half-filled windows then overwrite
complete rows (the metric writes are upserts). The rule, for each job before a detached submission:

* a retained checkpoint or a savepoint of the job exists: resume from the newest (``flink run -s``);
* none, and the job's consumer group has no committed offsets: a first start, from the earliest offsets;
* none, but committed offsets exist: refuse, with one line naming the group and the two ways out
  (restore the checkpoint or savepoint, or ``--from-scratch``); exit status 2;
* ``--from-scratch``: delete the group's committed offsets and the job's checkpoints and savepoints
  together, then start from the earliest offsets (a full recomputation; the upserts converge).

The job ids of earlier submissions are kept in the ledger ``$CINESTREAM_HOME/run/flink-job-ledger.json``
(``{job name: [job id, ...]}``, oldest first): checkpoint folders are named by job id, not by job
name. The Airflow DAG submits through ``./pipeline metrics --engine flink`` too
(``orchestration/dags/cinestream/segmentation.py``), so this rule and this ledger are the only ones.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import click

from . import launch
from .config import Config
from .console import StepFailed


class RefusedStart(click.UsageError):
    """A metric job that would resume with empty state: one line, exit status 2 (``cli.main``)."""

    def __init__(self, message: str):
        super().__init__(message, click.get_current_context(silent=True))


@dataclass(frozen=True)
class Plan:
    """How one job starts.

    :param action: ``restore`` (from ``restore``), ``fresh`` (no offsets, no checkpoint) or ``scratch``
        (offsets and checkpoints deleted first)
    :param restore: the checkpoint (``chk-<n>``) or savepoint folder to resume from, or None
    """

    action: str
    restore: Path | None = None


def consumer_groups(job: str) -> list[str]:
    """The consumer groups of a metric job (``JobOptions.groupIdFor``): ``cinestream-flink-<job>``,
    and ``...-catalog`` for the sales job's catalogue source.

    :raises KeyError: for a name not in :data:`launch.FLINK_JOBS`
    """
    launch.FLINK_JOBS[job]
    groups = [f"cinestream-flink-{job}"]
    if job == "movie-sales":
        groups.append(f"cinestream-flink-{job}-catalog")
    return groups


def decide(job: str, committed: list[str], restore: Path | None, from_scratch: bool) -> Plan:
    """The start of one job (the rule in the module docstring).

    :param job: the job name, e.g. ``session-metrics``
    :param committed: the committed offsets of its main group, ``group topic/partition@offset`` lines
    :param restore: its newest retained checkpoint or savepoint, or None
    :param from_scratch: ``--from-scratch`` was given
    :raises RefusedStart: committed offsets, no checkpoint or savepoint, no ``--from-scratch``
    """
    if from_scratch:
        return Plan("scratch")
    if restore is not None:
        return Plan("restore", restore)
    if not committed:
        return Plan("fresh")
    group = consumer_groups(job)[0]
    raise RefusedStart(
        f"{job}: consumer group {group} has committed offsets ({len(committed)} partition(s), e.g."
        f" {committed[0].split(' ', 1)[-1]}) but the job has no checkpoint or savepoint: it would resume"
        " there with empty state and overwrite complete windows; restore its checkpoint"
        " (./pipeline flink run -s PATH ...) or start over with --from-scratch"
    )


def ledger_path(config: Config) -> Path:
    """``$CINESTREAM_HOME/run/flink-job-ledger.json`` (shared with the Airflow DAG)."""
    return config.run_dir / "flink-job-ledger.json"


def _read_ledger(config: Config) -> dict[str, list[str]]:
    path = ledger_path(config)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _write_ledger(config: Config, ledger: dict[str, list[str]]) -> None:
    path = ledger_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(ledger, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def record_job_id(config: Config, job: str, job_id: str) -> None:
    """Remembers a submitted job's id in the ledger (its checkpoints are in ``<checkpoints>/<job id>/``)."""
    ledger = _read_ledger(config)
    ids = ledger.setdefault(job, [])
    if job_id not in ids:
        ids.append(job_id)
    _write_ledger(config, ledger)


def recorded_job_ids(config: Config) -> dict[str, list[str]]:
    """The whole ledger: job name (e.g. ``registration-metrics``) -> its recorded job ids, oldest first."""
    return _read_ledger(config)


def job_ids(config: Config, job: str) -> list[str]:
    """The recorded job ids of ``job``, oldest first."""
    return list(_read_ledger(config).get(job, []))


def checkpoints_dir(config: Config) -> Path:
    """``execution.checkpointing.dir`` of the local cluster (devstack/flink/config.yaml.template)."""
    return config.data_dir / "flink" / "checkpoints"


def savepoints_dir(config: Config) -> Path:
    """``execution.checkpointing.savepoint-dir`` of the local cluster."""
    return config.data_dir / "flink" / "savepoints"


def restore_points(config: Config, job: str) -> list[Path]:
    """Every complete retained checkpoint (``<id>/chk-<n>`` with ``_metadata``) and savepoint
    (``savepoint-<first 6 hex of the id>-...`` with ``_metadata``) of the job's recorded ids."""
    found: list[Path] = []
    for job_id in job_ids(config, job):
        base = checkpoints_dir(config) / job_id
        if base.is_dir():
            found += [p for p in base.glob("chk-*") if (p / "_metadata").is_file()]
        if savepoints_dir(config).is_dir():
            found += [
                p for p in savepoints_dir(config).glob(f"savepoint-{job_id[:6]}-*") if (p / "_metadata").is_file()
            ]
    return found


def newest_restore_point(config: Config, job: str) -> Path | None:
    """The newest of :func:`restore_points` by the time its ``_metadata`` was written, or None."""
    points = restore_points(config, job)
    return max(points, key=lambda p: (p / "_metadata").stat().st_mtime) if points else None


def _groups_tool(config: Config, groups: list[str], *, delete: bool) -> list[str]:
    args = ["consumer-groups", "--bootstrap", config.kafka_bootstrap]
    for g in groups:
        args += ["--group", g]
    if delete:
        args.append("--delete")
    command = launch.devstack_tool(config, args, ["-Dcinestream.kafkaClientLevel=ERROR"])
    done = subprocess.run(command.argv, capture_output=True, text=True)
    if done.returncode != 0:
        cause = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise StepFailed("metrics", f"consumer groups {', '.join(groups)}: {cause}")
    return [line for line in done.stdout.splitlines() if line.strip()]


def committed_offsets(config: Config, job: str) -> list[str]:
    """The committed offsets of the job's main consumer group (``group topic/partition@offset``)."""
    return _groups_tool(config, consumer_groups(job)[:1], delete=False)


def from_scratch(config: Config, job: str) -> list[str]:
    """Deletes the job's consumer groups and its retained checkpoints and savepoints, together.

    :return: what was deleted, one line each
    :raises StepFailed: when Kafka refuses (e.g. the group has active members: the job still runs)
    """
    done = _groups_tool(config, consumer_groups(job), delete=True)
    for job_id in job_ids(config, job):
        for path in [checkpoints_dir(config) / job_id, *savepoints_dir(config).glob(f"savepoint-{job_id[:6]}-*")]:
            if path.exists():
                shutil.rmtree(path)
                done.append(f"deleted {path}")
    ledger = _read_ledger(config)
    if ledger.pop(job, None) is not None:
        _write_ledger(config, ledger)
    return done


def plan(config: Config, job: str, *, scratch: bool) -> Plan:
    """:func:`decide` on the stack's state; with ``scratch``, the deletion done first."""
    if scratch:
        from_scratch(config, job)
        return Plan("scratch")
    restore = newest_restore_point(config, job)
    committed = [] if restore is not None else committed_offsets(config, job)
    return decide(job, committed, restore, False)
