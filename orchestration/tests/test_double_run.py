"""Each task of both DAGs run twice: the second run finds what the first did and changes nothing.

The tasks are the DAG files' own task callables, run in this process with the settings of a
throwaway checkout. Their ``./pipeline`` calls go to the ops package in this process
(``cinestream_ops.cli.main``, the command ``./pipeline`` runs), so what makes a second run
harmless is the ops package's real code: the pid files of the streaming Spark applications
(``stack.Background``), the cluster's job list before a Flink submission and the resume ledger
(``jobs.flink_metrics``, ``resume``). Only the world outside the package is stood in for: the
build, the devstack health check, and the JVMs (each background application is a Python process
whose command line carries the job's class, as the driver JVM's does; ``flink run`` adds a
RUNNING job to a recorded cluster). ``verify_parity`` and ``dbt_build`` need a warehouse: they
re-compute and upsert the same rows (the smoke test's repeated run compares the tables).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from airflow.sdk.exceptions import AirflowSkipException

from cinestream import segmentation
from cinestream.config import Settings
from cinestream.flink_jobs import parse_jobs_overview
from cinestream.pipeline_cli import PipelineCommandError

PROJECT = Path(__file__).resolve().parents[2]
THREE_RECORDS = b"ITEM 1\r\nTitle=A\r\n\r\nITEM 2\r\nTitle=B\r\n\r\nITEM 3\r\nTitle=C\r\n"


@pytest.fixture
def checkout(tmp_path, monkeypatch):
    """A checkout with the project's cinestream.conf and a home of its own; the tasks' settings point at it.

    The environment is cut to PATH for the test (a developer's stack variables would override the
    file) and restored afterwards (the ops CLI exports its configuration into ``os.environ``).
    """
    root = tmp_path / "checkout"
    root.mkdir()
    (root / "cinestream.conf").write_text((PROJECT / "cinestream.conf").read_text())
    home = tmp_path / "home"
    variables = {"cinestream_root": str(root), "cinestream_conf": json.dumps({"CINESTREAM_HOME": str(home)})}
    saved = dict(os.environ)
    os.environ.clear()
    os.environ["PATH"] = saved.get("PATH", "/usr/bin:/bin")
    real_load = Settings.load.__func__
    monkeypatch.setattr(
        Settings, "load", classmethod(lambda cls, lookup=None, environ=None: real_load(cls, variables.get, environ))
    )
    yield root
    os.environ.clear()
    os.environ.update(saved)


def ops_in_process(pipeline: Path, args, env) -> str:
    """``./pipeline ARGS`` as :func:`cinestream.pipeline_cli.run_pipeline` runs it, in this process."""
    from cinestream_ops import cli

    os.environ.update(env)
    os.environ["CINESTREAM_ROOT"] = str(Path(pipeline).parent)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = cli.main(list(args))
    if rc != 0:
        raise PipelineCommandError([str(pipeline), *args], rc, out.getvalue())
    return out.getvalue()


class World:
    """What the stack's JVMs would be: the background applications started and the Flink cluster's jobs."""

    def __init__(self):
        self.started: list[list[str]] = []
        self.cluster: list[dict] = []
        self.submissions: list[list[str]] = []


@pytest.fixture
def world(monkeypatch):
    """Stands in for the build, the devstack and the JVMs; the ops package's own code runs as is."""
    from cinestream_ops import jobs, launch, resume, stack

    w = World()
    monkeypatch.setattr(jobs, "ensure_build", lambda config: None)
    monkeypatch.setattr(jobs, "spark_home", lambda config: Path("/spark"))
    monkeypatch.setattr(jobs, "flink_home", lambda config: Path("/flink"))
    monkeypatch.setattr(stack, "require_stack", lambda config, step: None)
    monkeypatch.setattr(stack, "flink_healthy", lambda config: {"taskmanagers": 1})
    monkeypatch.setattr(stack, "flink_jobs", lambda config: [dict(j) for j in w.cluster])
    monkeypatch.setattr(resume, "committed_offsets", lambda config, job: [])
    monkeypatch.setattr(segmentation, "fetch_jobs_overview", lambda url: parse_jobs_overview({"jobs": w.cluster}))
    monkeypatch.setattr(segmentation, "run_pipeline", ops_in_process)

    real_start = stack.start_background

    def start(config, proc, command, log):
        w.started.append(command.argv)
        main = command.argv[command.argv.index("--class") + 1]
        stand_in = launch.Launch([sys.executable, "-c", "import time; time.sleep(300)", main])
        return real_start(config, proc, stand_in, log)

    monkeypatch.setattr(stack, "start_background", start)

    real_run = subprocess.run

    def run(argv, *args, **kwargs):
        if argv[:3] != ["/flink/bin/flink", "run", "-d"]:
            return real_run(argv, *args, **kwargs)
        w.submissions.append(list(argv))
        job_id = f"{len(w.submissions):032x}"
        name = next(n for n, c in launch.FLINK_JOBS.items() if argv[argv.index("-c") + 1].endswith("." + c))
        w.cluster.append({"jid": job_id, "name": name, "state": "RUNNING"})
        kwargs["stdout"].write(f"Job has been submitted with JobID {job_id}\n".encode())
        return subprocess.CompletedProcess(argv, 0)

    monkeypatch.setattr(jobs.subprocess, "run", run)
    yield w
    for proc in (stack.RAW_LOADER, stack.SPARK_METRICS):
        with contextlib.suppress(Exception):
            proc.stop(_config(), grace_s=10)


def _config():
    from cinestream_ops.config import Config

    return Config.load(Path(os.environ["CINESTREAM_ROOT"]), os.environ)


def dag_tasks(dag_module: str, monkeypatch):
    """The task callables of a DAG file (imported as Airflow would, its ./pipeline calls sent in-process)."""
    module = importlib.import_module(dag_module)
    monkeypatch.setattr(module, "run_pipeline", ops_in_process)
    dag = getattr(module, dag_module)()
    return {task.task_id: getattr(task, "python_callable", None) for task in dag.tasks}


def state(home: Path, w: World) -> dict:
    """Everything a task run could change: pid files, the Flink ledger, started applications, cluster jobs."""
    run = home / "run"
    files = {p.name: p.read_text() for p in sorted(run.glob("*")) if p.is_file()} if run.is_dir() else {}
    return {
        "run files": files,
        "started": [list(a) for a in w.started],
        "cluster": [dict(j) for j in w.cluster],
        "submissions": len(w.submissions),
    }


def test_segmentation_tasks_run_twice_start_each_streaming_job_once(checkout, world, monkeypatch):
    tasks = dag_tasks("segmentation_pipeline", monkeypatch)
    home = Settings.load().home

    tasks["ensure_raw_loader"]()
    flink_first = tasks["ensure_flink_jobs"]()
    tasks["run_spark_metrics"]()

    classes = [argv[argv.index("--class") + 1] for argv in world.started]
    assert classes == ["io.cinestream.spark.load.RawEventLoader", "io.cinestream.spark.metrics.MetricsSparkJob"]
    assert [s[s.index("-c") + 1] for s in world.submissions] == [
        "io.cinestream.flink.RegistrationMetricsJob",
        "io.cinestream.flink.SessionMetricsJob",
        "io.cinestream.flink.MovieSalesJob",
    ]
    assert flink_first == {
        "registration-metrics": f"submitted {1:032x}",
        "session-metrics": f"submitted {2:032x}",
        "movie-sales": f"submitted {3:032x}",
    }
    ledger = json.loads((home / "run" / "flink-job-ledger.json").read_text())
    assert ledger == {
        "registration-metrics": [f"{1:032x}"],
        "session-metrics": [f"{2:032x}"],
        "movie-sales": [f"{3:032x}"],
    }
    before = state(home, world)
    assert set(before["run files"]) >= {"raw-loader.pid", "spark-metrics.pid", "flink-job-ledger.json"}

    # The second run of every task: each finds its job running and changes nothing.
    tasks["ensure_raw_loader"]()
    flink_second = tasks["ensure_flink_jobs"]()
    tasks["run_spark_metrics"]()

    assert state(home, world) == before
    assert flink_second == {name: "running " + answer.split()[1] for name, answer in flink_first.items()}


def test_a_flink_job_that_died_is_resubmitted_once_from_its_checkpoint(checkout, world, monkeypatch):
    tasks = dag_tasks("segmentation_pipeline", monkeypatch)
    home = Settings.load().home
    tasks["ensure_flink_jobs"]()
    # The session job fails; its last retained checkpoint is on disk.
    world.cluster[1]["state"] = "FAILED"
    checkpoint = home / "data" / "flink" / "checkpoints" / f"{2:032x}" / "chk-7"
    checkpoint.mkdir(parents=True)
    (checkpoint / "_metadata").write_bytes(b"meta")

    tasks["ensure_flink_jobs"]()
    before = state(home, world)
    tasks["ensure_flink_jobs"]()

    assert state(home, world) == before
    assert len(world.submissions) == 4
    resubmitted = world.submissions[3]
    assert resubmitted[resubmitted.index("-s") + 1] == str(checkpoint)
    assert resubmitted[resubmitted.index("-c") + 1] == "io.cinestream.flink.SessionMetricsJob"


def test_catalog_file_tasks_run_twice_archive_the_delivery_once(checkout, monkeypatch):
    tasks = dag_tasks("movie_catalog", monkeypatch)
    settings = Settings.load()
    settings.incoming_dir.mkdir(parents=True)
    delivery = settings.incoming_dir / "movies.txt"
    delivery.write_bytes(THREE_RECORDS)

    checked = tasks["validate_file"](params={})
    assert checked == tasks["validate_file"](params={})
    assert checked["records"] == 3

    archived = tasks["archive_file"](checked)
    assert not delivery.exists()
    # A retry of the task after the move, then a re-run of the DAG run: the delivery is filed once.
    assert tasks["archive_file"](checked) == archived
    with pytest.raises(AirflowSkipException, match="no file in"):
        tasks["validate_file"](params={})
    assert [p.name for p in settings.archive_dir.iterdir()] == [Path(archived).name]
    assert Path(archived).read_bytes() == THREE_RECORDS

    # The same file given by param (copied, never moved), twice: one archived copy, the same one.
    given = checkout / "Movies.txt"
    given.write_bytes(THREE_RECORDS)
    by_param = tasks["validate_file"](params={"file": str(given)})
    first = tasks["archive_file"](by_param)
    assert tasks["archive_file"](by_param) == first
    assert given.read_bytes() == THREE_RECORDS
    assert sorted(p.name for p in settings.archive_dir.iterdir()) == sorted({Path(archived).name, Path(first).name})
