"""``./pipeline dashboard``: its launch, its background process record, Chromium for its browser test."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cinestream_ops import launch, stack, tools
from cinestream_ops.config import Config
from cinestream_ops.console import StepFailed


def test_dashboard_launch_on_loopback_with_the_stack_endpoints_and_no_password(config: Config, root: Path) -> None:
    got = launch.dashboard(config)
    assert got.argv == [
        "java",
        "-Xmx256m",
        "-XX:+UseSerialGC",
        launch.KAFKA_CLIENT_WARN,
        "-cp",
        f"{root}/dashboard/target/dashboard.jar",
        "io.cinestream.dashboard.DashboardCli",
        "--host",
        "127.0.0.1",
        "--port",
        "8090",
        "--jdbc-url",
        "jdbc:postgresql://127.0.0.1:5432/cinestream?user=cinestream",
        "--bootstrap",
        "127.0.0.1:9092",
        "--prometheus-url",
        "http://127.0.0.1:9090",
        "--spark-checkpoints",
        f"{root}/.local/checkpoints",
    ]
    assert got.env == {}


def test_dashboard_ports_follow_the_configuration(root: Path) -> None:
    conf = root / "cinestream.conf"
    conf.write_text(conf.read_text() + "PROMETHEUS_PORT=9090\nDASHBOARD_PORT=8090\n")
    config = Config.load(root, {"DASHBOARD_PORT": "58090", "PROMETHEUS_PORT": "59090"})
    argv = launch.dashboard(config).argv
    assert argv[argv.index("--port") + 1] == "58090"
    assert argv[argv.index("--prometheus-url") + 1] == "http://127.0.0.1:59090"
    assert stack.dashboard_url(config) == "http://127.0.0.1:58090/"


def test_the_dashboard_jar_is_part_of_the_build(root: Path) -> None:
    assert root / "dashboard/target/dashboard.jar" in tools.Jars(root).all()


def test_a_recorded_dashboard_is_recognised_by_its_command_line(config: Config) -> None:
    # The background dashboard is `./pipeline dashboard`, i.e. python -m cinestream_ops dashboard.
    proc = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(30)", "-m", "cinestream_ops", "dashboard"],
    )
    try:
        config.run_dir.mkdir(parents=True)
        stack.DASHBOARD.pid_file(config).write_text(f"{proc.pid}\n")
        assert stack.DASHBOARD.running(config)
        assert stack.dashboard_status(config) == 1  # recorded and alive, but nothing answers /healthz
        assert stack.DASHBOARD.stop(config, grace_s=10) == proc.pid
        assert not stack.DASHBOARD.pid_file(config).exists()
    finally:
        proc.kill()
        proc.wait()
    # Another process under a stale pid file is not the dashboard.
    stack.DASHBOARD.pid_file(config).write_text(f"{os.getpid()}\n")
    assert not stack.DASHBOARD.running(config)


def test_missing_chromium_without_apt_names_what_to_install(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tools.shutil, "which", lambda name: None)
    with pytest.raises(StepFailed, match="Chromium not installed and apt-get is not available"):
        tools.ensure_chromium(config)


def test_chromium_on_path_is_used_as_it_is(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tools.shutil, "which", lambda name: "/usr/bin/chromium" if name == "chromium" else None)
    assert tools.ensure_chromium(config) == Path("/usr/bin/chromium")
