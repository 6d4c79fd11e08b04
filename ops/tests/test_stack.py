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


# --- the cluster's lib/ (docs/architecture.md#the-flink-job-jar) ------------------------------------


def _cluster_lib(config: Config, jars: dict[str, bytes]) -> Path:
    folder = config.root / "flink-jobs/target/cluster-lib"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in jars.items():
        (folder / name).write_bytes(content)
    return folder


def _flink_home(tmp_path: Path) -> Path:
    home = tmp_path / "pyflink"
    (home / "lib").mkdir(parents=True)
    (home / "lib/flink-dist-2.2.1.jar").write_bytes(b"dist")
    return home


def test_cluster_lib_digest_covers_names_and_contents(tmp_path: Path) -> None:
    import hashlib

    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "b.jar").write_bytes(b"BB")
    (folder / "a.jar").write_bytes(b"A")
    (folder / "notes.txt").write_bytes(b"not a jar")
    expected = hashlib.sha256(
        b"a.jar\0" + hashlib.sha256(b"A").digest() + b"b.jar\0" + hashlib.sha256(b"BB").digest()
    ).hexdigest()
    assert stack.cluster_lib_digest(folder) == expected
    (folder / "b.jar").write_bytes(b"B2")
    assert stack.cluster_lib_digest(folder) != expected
    assert stack.cluster_lib_digest(tmp_path / "missing") == hashlib.sha256(b"").hexdigest()


def test_cluster_lib_is_copied_next_to_the_distribution_and_goes_stale_on_rebuild(
    config: Config, tmp_path: Path
) -> None:
    source = _cluster_lib(config, {"cinestream-schemas-0.1.0.jar": b"v1", "kafka-clients-4.2.0.jar": b"k"})
    home = _flink_home(tmp_path)
    stack.install_cluster_lib(config, home)
    lib = config.flink_conf_dir / "lib"
    assert sorted(p.name for p in lib.iterdir()) == [
        "cinestream-schemas-0.1.0.jar",
        "flink-dist-2.2.1.jar",
        "kafka-clients-4.2.0.jar",
    ]
    assert (lib / "flink-dist-2.2.1.jar").resolve() == home / "lib/flink-dist-2.2.1.jar"
    # A copy: a rebuild does not change what the running cluster loaded.
    assert not (lib / "cinestream-schemas-0.1.0.jar").is_symlink()
    assert (lib / "cinestream-schemas-0.1.0.jar").read_bytes() == b"v1"
    assert not stack.cluster_lib_stale(config)
    (source / "cinestream-schemas-0.1.0.jar").write_bytes(b"v2")
    assert (lib / "cinestream-schemas-0.1.0.jar").read_bytes() == b"v1"
    assert stack.cluster_lib_stale(config)
    stack.install_cluster_lib(config, home)
    assert (lib / "cinestream-schemas-0.1.0.jar").read_bytes() == b"v2"
    assert not stack.cluster_lib_stale(config)


def test_no_recorded_cluster_lib_counts_as_stale(config: Config) -> None:
    _cluster_lib(config, {"cinestream-schemas-0.1.0.jar": b"v1"})
    assert stack.cluster_lib_stale(config)


def test_cluster_lib_refused_when_not_built(config: Config, tmp_path: Path) -> None:
    _cluster_lib(config, {"kafka-clients-4.2.0.jar": b"k"})  # no schemas jar: an older, shaded build
    with pytest.raises(StepFailed, match="not built"):
        stack.install_cluster_lib(config, _flink_home(tmp_path))
    assert not (config.flink_conf_dir / stack.CLUSTER_LIB_DIGEST).exists()


def _stale_cluster(monkeypatch: pytest.MonkeyPatch, config: Config, jobs: list[dict]) -> list[str]:
    """A cluster whose daemons run on a stale lib/; returns the calls made to stop/render."""
    calls: list[str] = []
    state = {"alive": True}
    monkeypatch.setattr(stack, "flink_daemon_alive", lambda _c, _d: state["alive"])
    monkeypatch.setattr(stack, "cluster_lib_stale", lambda _c: True)
    monkeypatch.setattr(stack, "flink_jobs", lambda _c: jobs)
    monkeypatch.setattr(stack, "flink_healthy", lambda _c: {"taskmanagers": 1})

    def stop(_c: Config) -> None:
        calls.append("stop")
        state["alive"] = False

    monkeypatch.setattr(stack, "stop_flink", stop)
    monkeypatch.setattr(stack, "render_flink_conf", lambda _c, lib: calls.append(f"render lib={lib}"))
    return calls


def test_start_flink_restarts_an_idle_cluster_whose_lib_is_stale(
    monkeypatch: pytest.MonkeyPatch, config: Config, tmp_path: Path
) -> None:
    calls = _stale_cluster(monkeypatch, config, [{"name": "movie-sales", "state": "FINISHED"}])
    home = tmp_path / "flink"
    (home / "bin").mkdir(parents=True)
    for script in ("jobmanager.sh", "taskmanager.sh"):
        (home / "bin" / script).write_text(f'#!/bin/sh\necho {script} "$@" >> {tmp_path}/started\n')
        (home / "bin" / script).chmod(0o755)
    monkeypatch.setattr(stack, "flink_home", lambda _c: home)
    config.log_dir.joinpath("flink").mkdir(parents=True)
    stack.start_flink(config)
    assert calls == ["stop", "render lib=True"]
    assert (tmp_path / "started").read_text() == (
        "jobmanager.sh start -D metrics.reporter.promgateway.jobName=cinestream-flink-jobmanager\n"
        "taskmanager.sh start -D metrics.reporter.promgateway.jobName=cinestream-flink-taskmanager\n"
    )


def test_start_flink_keeps_a_stale_lib_while_jobs_run(
    monkeypatch: pytest.MonkeyPatch, config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = _stale_cluster(monkeypatch, config, [{"name": "movie-sales", "state": "RUNNING"}])
    stack.start_flink(config)
    assert calls == []
    assert "1 job(s) run on it: it keeps its lib/" in capsys.readouterr().err


def test_a_process_just_started_is_recognised_despite_its_exec(config: Config) -> None:
    """Right after Popen the child's /proc cmdline is often still empty (its exec is under way)."""
    proc = stack.Background("sleeper", "cinestream-exec-race-marker")
    for _ in range(5):
        pid = stack.start_background(
            config,
            proc,
            launch.Launch([sys.executable, "-c", "import time; time.sleep(30)", "cinestream-exec-race-marker"]),
            config.log_dir / "sleeper.log",
        )
        try:
            assert proc.running(config)
        finally:
            assert proc.stop(config, grace_s=5) == pid
