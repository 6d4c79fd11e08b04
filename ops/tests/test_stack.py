"""Background processes found by pid file and /proc cmdline; Flink jobs found by name; Airflow's environment."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from cinestream_ops import launch, ops_commands, stack
from cinestream_ops.config import Config, ConfigError
from cinestream_ops.console import StepFailed


def test_background_process_is_found_once_and_stopped(config: Config) -> None:
    proc = stack.Background("spark-metrics", "marker-5d1f")
    assert not proc.running(config)
    command = launch.Launch([sys.executable, "-c", "import time; time.sleep(60)", "marker-5d1f"])
    pid = stack.start_background(config, proc, command, config.log_dir / "x.log")
    assert proc.pid(config) == pid
    deadline = time.monotonic() + 10
    while not proc.running(config) and time.monotonic() < deadline:  # until the child has exec'd
        time.sleep(0.05)
    assert proc.running(config)
    # Another process's pid in the file (pid reuse) is not ours.
    other = stack.Background("spark-metrics", "some-other-marker")
    assert not other.running(config)
    assert proc.stop(config, grace_s=10) == pid
    assert not proc.pid_file(config).exists()
    assert not stack.alive(pid)
    assert proc.stop(config) is None


def test_dead_pid_is_not_running(config: Config) -> None:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    config.run_dir.mkdir(parents=True)
    stack.RAW_LOADER.pid_file(config).write_text(done.stdout)
    assert not stack.RAW_LOADER.running(config)


def test_running_flink_job_by_name_and_alive_state() -> None:
    jobs = [
        {"jid": "a" * 32, "name": "movie-sales", "state": "CANCELED"},
        {"jid": "b" * 32, "name": "movie-sales", "state": "RUNNING"},
        {"jid": "c" * 32, "name": "session-metrics", "state": "FAILED"},
        {"jid": "d" * 32, "name": "registration-metrics", "state": "RESTARTING"},
    ]
    assert stack.running_flink_job(jobs, "movie-sales")["jid"] == "b" * 32
    assert stack.running_flink_job(jobs, "session-metrics") is None
    assert stack.running_flink_job(jobs, "registration-metrics")["jid"] == "d" * 32


def test_flink_job_names_match_the_job_classes() -> None:
    # Each job class's NAME is a constant of the schemas' MetricJob enum, e.g. MOVIE_SALES("movie-sales").
    root = Path(__file__).resolve().parents[2]
    enum = (root / "schemas/src/main/java/io/cinestream/schemas/warehouse/MetricJob.java").read_text()
    for name, job_class in launch.FLINK_JOBS.items():
        constant = name.upper().replace("-", "_")
        assert f'{constant}("{name}")' in enum
        source = (root / f"flink-jobs/src/main/java/io/cinestream/flink/{job_class}.java").read_text()
        assert f"NAME = MetricJob.{constant}.jobName();" in source


def test_airflow_environment(config: Config) -> None:
    env = ops_commands.airflow_env(config, Path("/v/airflow"), {"PATH": "/usr/bin", "X": "1"})
    assert env["AIRFLOW_HOME"] == f"{config.root}/.local/airflow"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] == f"sqlite:///{config.root}/.local/airflow/airflow.db"
    assert env["AIRFLOW__API__BASE_URL"] == "http://127.0.0.1:8080"
    assert env["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] == "8793"
    assert env["AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT"] == "8794"
    assert env["PATH"] == "/v/airflow/bin:/usr/bin"
    assert env["X"] == "1"


def test_flink_extra_conf_replaces_the_template_line_of_a_key_it_sets() -> None:
    template = "# comment\njobmanager.memory.process.size: 1024m\ntaskmanager.memory.managed.fraction: 0.0\n"
    extra = "taskmanager.memory.managed.fraction: 0.1\nmetrics.fetcher.update-interval: 100"
    assert stack.merge_flink_conf(template, extra) == (
        "# comment\njobmanager.memory.process.size: 1024m\n"
        "taskmanager.memory.managed.fraction: 0.1\nmetrics.fetcher.update-interval: 100\n"
    )
    assert stack.merge_flink_conf(template, "") == template


FLINK_LOG4J = """\
appender.main.name = MainAppender
appender.main.policies.size.type = SizeBasedTriggeringPolicy
appender.main.policies.size.size = 100MB
appender.main.strategy.type = DefaultRolloverStrategy
appender.main.strategy.max = ${env:MAX_LOG_FILE_NUMBER:-10}
"""


def test_flink_logs_are_capped_like_the_services(tmp_path: Path) -> None:
    properties = tmp_path / "log4j.properties"
    properties.write_text(FLINK_LOG4J)
    stack.cap_flink_logs(properties, 10, 5)
    assert properties.read_text().splitlines() == [
        "appender.main.name = MainAppender",
        "appender.main.policies.size.type = SizeBasedTriggeringPolicy",
        "appender.main.policies.size.size = 10MB",
        "appender.main.strategy.type = DefaultRolloverStrategy",
        "appender.main.strategy.max = 5",
    ]
    properties.write_text("appender.main.name = MainAppender\n")
    with pytest.raises(StepFailed, match="appender.main.policies.size.size"):
        stack.cap_flink_logs(properties, 10, 5)


def test_log_caps_from_the_configuration(root: Path) -> None:
    config = Config.load(root, {})
    assert (config.log_max_size_mb, config.log_max_files) == (10, 5)
    (root / "cinestream.conf").write_text(
        (root / "cinestream.conf").read_text() + "LOG_MAX_SIZE_MB=2\nLOG_MAX_FILES=3\n"
    )
    config = Config.load(root, {})
    assert (config.log_max_size_mb, config.log_max_files) == (2, 3)
    with pytest.raises(ConfigError, match="LOG_MAX_FILES='0'"):
        _ = Config.load(root, {"LOG_MAX_FILES": "0"}).log_max_files
