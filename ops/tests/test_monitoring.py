"""The stack's monitoring: Prometheus' rendered configuration, Flink's reporter lines, the ports, the install."""

import shutil
import sys
import time
from pathlib import Path

import pytest

from cinestream_ops import launch, stack, tools
from cinestream_ops.config import Config, ConfigError
from cinestream_ops.console import StepFailed

REPO = Path(__file__).resolve().parents[2]
#: The monitoring keys of cinestream.conf with their defaults (an environment variable overrides a
#: key of the file only).
MONITORING_KEYS = """\
PROMETHEUS_PORT=9090
PUSHGATEWAY_PORT=9091
DASHBOARD_PORT=8090
SPARK_METRICS_UI_PORT=4040
SPARK_LOADER_UI_PORT=4041
"""


@pytest.fixture
def monitored(root: Path) -> Config:
    """The test configuration with the repository's monitoring/ and Flink template, on ports 4xxxx."""
    shutil.copytree(REPO / "monitoring", root / "monitoring")
    (root / "devstack/flink").mkdir(parents=True)
    shutil.copy(REPO / "devstack/flink/config.yaml.template", root / "devstack/flink/config.yaml.template")
    with (root / "cinestream.conf").open("a") as conf:
        conf.write(MONITORING_KEYS)
    ports = {
        "PROMETHEUS_PORT": "49090",
        "PUSHGATEWAY_PORT": "49091",
        "DASHBOARD_PORT": "48090",
        "SPARK_METRICS_UI_PORT": "44040",
        "SPARK_LOADER_UI_PORT": "44041",
    }
    return Config.load(root, ports)


def test_monitoring_ports_default_and_follow_the_smoke_prefix(config: Config, monitored: Config) -> None:
    # Without the keys in the file: the defaults; with them: the environment's overrides.
    assert (config.prometheus_port, config.pushgateway_port, config.dashboard_port) == (9090, 9091, 8090)
    assert (config.spark_metrics_ui_port, config.spark_loader_ui_port) == (4040, 4041)
    assert (monitored.prometheus_port, monitored.spark_loader_ui_port) == (49090, 44041)
    moved = monitored.with_port_prefix(3)
    assert (moved.prometheus_port, moved.pushgateway_port, moved.dashboard_port) == (39090, 39091, 38090)
    assert (moved.spark_metrics_ui_port, moved.spark_loader_ui_port) == (34040, 34041)
    with pytest.raises(ConfigError, match="PROMETHEUS_PORT"):
        _ = Config.load(monitored.root, {"PROMETHEUS_PORT": "70000"}).prometheus_port


def test_prometheus_conf_scrapes_every_target_of_this_stack(monitored: Config) -> None:
    conf = stack.render_prometheus_conf(monitored)
    assert conf == monitored.home / "monitoring/prometheus.yml"
    text = conf.read_text()
    assert f'stack: "{monitored.home}"' in text
    assert not [line for line in text.splitlines() if "@" in line and not line.startswith("#")]
    # job -> its targets, in the order of the file
    jobs: dict[str, list[str]] = {}
    job = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("- job_name:"):
            job = stripped.split(":", 1)[1].strip()
            jobs[job] = []
        elif stripped.startswith(("- targets:", "targets:")):
            jobs[job].append(stripped.split("[", 1)[1].rstrip("]").strip('"'))
    assert jobs == {
        "prometheus": ["127.0.0.1:49090"],
        "pushgateway": ["127.0.0.1:49091"],
        "cinestream-monitor": ["127.0.0.1:48090"],
        "spark": ["127.0.0.1:44040", "127.0.0.1:44041"],
    }
    copied = sorted(p.name for p in (monitored.home / "monitoring/rules").iterdir())
    assert copied == ["cinestream.rules.yml"]
    assert (monitored.home / "monitoring/rules/cinestream.rules.yml").read_text() == (
        REPO / "monitoring/rules/cinestream.rules.yml"
    ).read_text()


def _fake_flink_home(tmp_path: Path) -> Path:
    home = tmp_path / "pyflink"
    (home / "conf").mkdir(parents=True)
    (home / "conf/log4j.properties").write_text(
        "appender.main.policies.size.size = 100MB\nappender.main.strategy.max = 10\n"
    )
    (home / "lib").mkdir()
    (home / "lib/flink-dist.jar").write_text("")
    (home / "plugins/metrics-prometheus").mkdir(parents=True)
    (home / "plugins/metrics-graphite").mkdir(parents=True)
    return home


def _reporter_lines(config: Config) -> list[str]:
    text = (config.flink_conf_dir / "config.yaml").read_text()
    return [line for line in text.splitlines() if line.startswith("metrics.reporter")]


def test_flink_reports_to_the_pushgateway_only_when_the_monitoring_runs(
    monitored: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = _fake_flink_home(tmp_path)
    monkeypatch.setattr(stack, "flink_home", lambda config: home)
    # The built Flink jobs' libraries, which render_flink_conf copies into the cluster's lib/.
    cluster_lib = monitored.root / "flink-jobs/target/cluster-lib"
    cluster_lib.mkdir(parents=True)
    (cluster_lib / "cinestream-schemas-0.1.0.jar").write_bytes(b"jar")
    stack.render_flink_conf(monitored)
    assert _reporter_lines(monitored) == []
    assert not stack.flink_reports_metrics(monitored)
    # Only the Prometheus plugin is in the cluster's plugins/ (FLINK_PLUGINS_DIR).
    plugins = monitored.flink_conf_dir / "plugins"
    assert [p.name for p in plugins.iterdir()] == ["metrics-prometheus"]
    assert (plugins / "metrics-prometheus").resolve() == home / "plugins/metrics-prometheus"

    # A live process recorded as this stack's Pushgateway (its cmdline holds the listen address).
    gateway = stack.pushgateway(monitored)
    assert gateway.marker == "--web.listen-address=127.0.0.1:49091"
    command = launch.Launch([sys.executable, "-c", "import time; time.sleep(60)", gateway.marker])
    stack.start_background(monitored, gateway, command, monitored.log_dir / "pushgateway.log")
    try:
        deadline = time.monotonic() + 10
        while not gateway.running(monitored) and time.monotonic() < deadline:
            time.sleep(0.05)
        stack.render_flink_conf(monitored)
    finally:
        gateway.stop(monitored, grace_s=10)
    assert _reporter_lines(monitored) == [
        "metrics.reporters: promgateway",
        "metrics.reporter.promgateway.factory.class: "
        "org.apache.flink.metrics.prometheus.PrometheusPushGatewayReporterFactory",
        "metrics.reporter.promgateway.hostUrl: http://127.0.0.1:49091",
        "metrics.reporter.promgateway.interval: 15 SECONDS",
        "metrics.reporter.promgateway.randomJobNameSuffix: false",
        "metrics.reporter.promgateway.deleteOnShutdown: true",
        "metrics.reporter.promgateway.filterLabelValueCharacters: false",
    ]
    assert stack.flink_reports_metrics(monitored)


def test_missing_prometheus_without_apt_names_what_to_install(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tools.shutil, "which", lambda name: None)
    with pytest.raises(StepFailed, match="apt-get is not available"):
        tools.ensure_prometheus(config)
