"""Idempotent submission: a streaming job that already runs is found and reported, not started twice."""

import sys
import time
from pathlib import Path

import pytest

from cinestream_ops import jobs, launch, resume, stack
from cinestream_ops.config import Config
from cinestream_ops.console import StepFailed


@pytest.fixture
def no_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    """No build, no stack: the checks before a submission pass."""
    monkeypatch.setattr(jobs, "ensure_build", lambda config: None)
    monkeypatch.setattr(jobs, "spark_home", lambda config: Path("/spark"))
    monkeypatch.setattr(jobs, "flink_home", lambda config: Path("/flink"))
    monkeypatch.setattr(stack, "require_stack", lambda config, step: None)
    monkeypatch.setattr(stack, "flink_healthy", lambda config: {"taskmanagers": 1})
    monkeypatch.setattr(resume, "committed_offsets", lambda config, job: [])


def test_streaming_spark_metrics_start_once(
    config: Config, no_stack: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    started: list[list[str]] = []
    real_start = stack.start_background

    def start(config: Config, proc: stack.Background, command: launch.Launch, log: Path) -> int:
        started.append(command.argv)
        # A stand-in process whose command line carries the job's class, as the driver JVM's does.
        stand_in = launch.Launch([sys.executable, "-c", "import time; time.sleep(60)", launch.SPARK_METRICS_MAIN])
        return real_start(config, proc, stand_in, log)

    monkeypatch.setattr(stack, "start_background", start)
    try:
        jobs.spark_metrics(config, bounded=False)
        assert len(started) == 1
        streaming = launch.spark_metrics(config, Path("/spark"), bounded=False)
        assert started[0] == launch.with_rolling_log(config, streaming, "spark-metrics").argv
        assert "--once" not in started[0]
        deadline = time.monotonic() + 10
        while not stack.SPARK_METRICS.running(config) and time.monotonic() < deadline:
            time.sleep(0.05)
        pid = stack.SPARK_METRICS.pid(config)
        jobs.spark_metrics(config, bounded=False)
        assert len(started) == 1
        assert f"MetricsSparkJob already running (pid {pid}): not started twice" in capsys.readouterr().out
    finally:
        stopped = stack.SPARK_METRICS.stop(config, grace_s=10)
    assert stopped == pid


def test_detached_flink_job_already_running_is_not_resubmitted(
    config: Config, no_stack: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    overview = [
        {"jid": "a" * 32, "name": "registration-metrics", "state": "RUNNING"},
        {"jid": "b" * 32, "name": "session-metrics", "state": "CANCELED"},
        {"jid": "c" * 32, "name": "movie-sales", "state": "RESTARTING"},
    ]
    monkeypatch.setattr(stack, "flink_jobs", lambda config: overview)
    submitted: list[list[str]] = []

    class Done:
        returncode = 0

    def run(argv: list[str], stdout, **kwargs: object) -> Done:
        submitted.append(argv)
        stdout.write(f"Job has been submitted with JobID {'d' * 32}\n".encode())
        return Done()

    monkeypatch.setattr(jobs.subprocess, "run", run)
    jobs.flink_metrics(config, bounded=False)
    assert [argv[argv.index("-c") + 1] for argv in submitted] == ["io.cinestream.flink.SessionMetricsJob"]
    assert submitted[0][:3] == ["/flink/bin/flink", "run", "-d"]
    out = capsys.readouterr().out
    assert f"RegistrationMetricsJob already running: JobID {'a' * 32} (RUNNING)" in out
    assert f"MovieSalesJob already running: JobID {'c' * 32} (RESTARTING)" in out
    assert f"SessionMetricsJob submitted: JobID {'d' * 32}" in out


def test_a_bounded_spark_run_is_refused_beside_its_streaming_application(
    config: Config, no_stack: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[list[str]] = []
    monkeypatch.setattr(jobs, "_spark_logged", lambda config, name, command: ran.append(command.argv))
    stand_in = launch.Launch([sys.executable, "-c", "import time; time.sleep(60)", launch.SPARK_METRICS_MAIN])
    pid = stack.start_background(config, stack.SPARK_METRICS, stand_in, config.log_dir / "stand-in.log")
    try:
        deadline = time.monotonic() + 10
        while not stack.SPARK_METRICS.running(config) and time.monotonic() < deadline:
            time.sleep(0.05)
        with pytest.raises(
            StepFailed, match=f"the streaming spark-metrics \\(pid {pid}\\) runs on the same checkpoint"
        ):
            jobs.spark_metrics(config, bounded=True)
        assert ran == []
    finally:
        stack.SPARK_METRICS.stop(config, grace_s=10)
    monkeypatch.setattr(jobs, "_matching_lines", lambda log, pattern, last: [])
    jobs.spark_metrics(config, bounded=True)
    assert len(ran) == 1 and "--once" in ran[0]


def test_a_catch_up_load_is_refused_beside_the_streaming_loader(
    config: Config, no_stack: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[list[str]] = []
    monkeypatch.setattr(jobs, "_spark_logged", lambda config, name, command: ran.append(command.argv))
    stand_in = launch.Launch([sys.executable, "-c", "import time; time.sleep(60)", launch.RAW_LOADER_MAIN])
    pid = stack.start_background(config, stack.RAW_LOADER, stand_in, config.log_dir / "stand-in.log")
    try:
        deadline = time.monotonic() + 10
        while not stack.RAW_LOADER.running(config) and time.monotonic() < deadline:
            time.sleep(0.05)
        with pytest.raises(StepFailed, match=f"the streaming raw-loader \\(pid {pid}\\)"):
            jobs.load(config, detach=False)
        assert ran == []
    finally:
        stack.RAW_LOADER.stop(config, grace_s=10)
