"""The local stack: devstack services and the Flink standalone cluster, started, checked and stopped.

Services are tracked by pid file (``$CINESTREAM_HOME/run/NAME.pid``) and recognised by their
``/proc/PID/cmdline`` (pids get reused); background jobs (the streaming raw loader, the streaming
Spark metric queries) the same way, so a second start finds the running one instead of starting
another. Flink jobs are found by name through the JobManager's REST API.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from . import credentials, disk, launch
from .config import Config
from .console import StepFailed, ok, warn
from .tools import Jars, ensure_prometheus, flink_home

#: Flink job states in which a job counts as running: it must not be submitted again.
ALIVE_STATES = frozenset({"INITIALIZING", "CREATED", "RUNNING", "RESTARTING", "RECONCILING"})


@dataclass(frozen=True)
class Background:
    """A process of the stack recorded in a pid file.

    :param name: the pid file's name (``run/NAME.pid``)
    :param marker: a string its ``/proc/PID/cmdline`` (NULs as spaces) must contain
    """

    name: str
    marker: str

    def pid_file(self, config: Config) -> Path:
        """``$CINESTREAM_HOME/run/NAME.pid``."""
        return config.run_dir / f"{self.name}.pid"

    def pid(self, config: Config) -> int | None:
        """The recorded pid, or None when there is none (or it is not a number)."""
        try:
            return int(self.pid_file(config).read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            return None

    def running(self, config: Config) -> bool:
        """True when the recorded pid is alive and still this process (its cmdline holds the marker).

        A process caught in its ``exec`` (just started: ``Popen`` returns before the new program's
        memory is set up) shows an empty ``/proc/PID/cmdline``; it is read again for up to 2 s.
        """
        pid = self.pid(config)
        if pid is None:
            return False
        line = cmdline(pid)
        deadline = time.monotonic() + 2
        while not line and alive(pid) and time.monotonic() < deadline:
            time.sleep(0.01)
            line = cmdline(pid)
        return self.marker in line

    def stop(self, config: Config, grace_s: float = 30.0) -> int | None:
        """SIGTERM, then SIGKILL after ``grace_s``; removes the pid file.

        :return: the pid stopped, or None when it was not running
        """
        pid = self.pid(config)
        stopped = None
        if pid is not None and self.running(config):
            os.kill(pid, signal.SIGTERM)
            if not wait_exit(pid, grace_s):
                warn(f"{self.name} (pid {pid}) ignored SIGTERM for {grace_s:.0f} s: killing")
                os.kill(pid, signal.SIGKILL)
                wait_exit(pid, 5)
            stopped = pid
        self.pid_file(config).unlink(missing_ok=True)
        return stopped


def service(name: str) -> Background:
    """A devstack service as a :class:`Background` (its cmdline holds ``DevStack NAME``)."""
    return Background(name, f"{launch.DEVSTACK_MAIN} {name}")


RAW_LOADER = Background("raw-loader", launch.RAW_LOADER_MAIN)
SPARK_METRICS = Background("spark-metrics", launch.SPARK_METRICS_MAIN)
#: The dashboard in the background: ``./pipeline dashboard`` (the Python process that runs the
#: dashboard's JVM and stops it on SIGTERM) started by :func:`start_dashboard`.
DASHBOARD = Background("dashboard", "cinestream_ops dashboard")


def cmdline(pid: int) -> str:
    """The command line of a live process, arguments joined by spaces ('' when it does not exist)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def alive(pid: int) -> bool:
    """True when a process with this pid exists (a zombie counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def wait_exit(pid: int, timeout_s: float) -> bool:
    """Waits until the process is gone; True when it is, False after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def start_background(config: Config, proc: Background, command: launch.Launch, log: Path) -> int:
    """Starts a command in its own session (a stopped caller, e.g. an Airflow task, leaves it running).

    :return: its pid, recorded in the pid file
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    config.run_dir.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            command.argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=command.environ(os.environ),
            start_new_session=True,
        )
    proc.pid_file(config).write_text(f"{process.pid}\n", encoding="utf-8")
    return process.pid


# --- health ---------------------------------------------------------------------------------------


def health(config: Config, only: str | None = None) -> subprocess.CompletedProcess[str]:
    """``devstack health`` (all services or ``only`` one); its output and exit status."""
    command = launch.health(config, only)
    return subprocess.run(command.argv, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL)


def require_stack(config: Config, step: str) -> None:
    """Raises :class:`StepFailed` naming ``step`` unless every devstack service answers."""
    if health(config).returncode != 0:
        raise StepFailed(
            step, "the local stack is not healthy; start it with ./pipeline up (./pipeline status tells more)"
        )


# --- devstack services ----------------------------------------------------------------------------


def start_service(config: Config, name: str) -> None:
    """Starts a devstack service unless its recorded process runs (then says so)."""
    proc = service(name)
    if proc.running(config):
        ok(f"{name} already running (pid {proc.pid(config)})")
        return
    for folder in (config.log_dir, config.run_dir, config.data_dir):
        folder.mkdir(parents=True, exist_ok=True)
    # The service logs to NAME.log itself (rolling, launch.service_logging); its stdout/stderr,
    # what bypasses the logger, to NAME.out.
    start_background(config, proc, launch.devstack_service(config, name), config.log_dir / f"{name}.out")


def await_healthy(config: Config, name: str, timeout_s: float = 120) -> None:
    """Waits until the service answers a real request.

    :raises StepFailed: when its process exits, or after ``timeout_s``
    """
    log = config.log_dir / f"{name}.log"
    out = config.log_dir / f"{name}.out"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not service(name).running(config):
            # An exception that ended it is on stderr (NAME.out); the log holds what led there.
            crashed = out.is_file() and out.stat().st_size > 0
            raise StepFailed(f"up {name}", "the process exited during start-up", out if crashed else log)
        result = health(config, name)
        if result.returncode == 0:
            ok(result.stdout.strip())
            return
        time.sleep(1)
    raise StepFailed(f"up {name}", f"not healthy after {timeout_s:.0f} s", log)


# --- Flink ------------------------------------------------------------------------------------------


def flink_get(config: Config, path: str) -> dict | None:
    """GET of the JobManager's REST API (``/overview``, ``/jobs/overview``); None when it does not answer."""
    try:
        with urllib.request.urlopen(f"{config.flink_url}{path}", timeout=5) as response:
            return json.load(response)
    except (OSError, urllib.error.URLError, ValueError):
        return None


def flink_healthy(config: Config) -> dict | None:
    """The cluster's ``/overview`` when a JobManager answers with at least one TaskManager, else None."""
    overview = flink_get(config, "/overview")
    return overview if overview and overview.get("taskmanagers", 0) >= 1 else None


def flink_jobs(config: Config) -> list[dict]:
    """The cluster's jobs (``/jobs/overview``: ``jid``, ``name``, ``state``, ...); [] when it does not answer."""
    answer = flink_get(config, "/jobs/overview")
    return list(answer.get("jobs", [])) if answer else []


def running_flink_job(jobs: list[dict], name: str) -> dict | None:
    """The job of that name in an alive state (:data:`ALIVE_STATES`), or None."""
    return next((j for j in jobs if j.get("name") == name and j.get("state") in ALIVE_STATES), None)


def flink_daemon_alive(config: Config, daemon: str) -> bool:
    """True when a pid in Flink's pid file of ``daemon`` (``standalonesession``, ``taskexecutor``) is alive.

    Drops the pids of daemons that died (e.g. killed), so that stop-cluster.sh stops the live ones.
    """
    live_any = False
    for pid_file in config.run_dir.glob(f"flink-*-{daemon}.pid"):
        pids = [int(p) for p in pid_file.read_text().split() if p.isdigit()]
        live = [p for p in pids if alive(p)]
        if live:
            pid_file.write_text("".join(f"{p}\n" for p in live))
            live_any = True
        else:
            pid_file.unlink(missing_ok=True)
    return live_any


_CONF_KEY = re.compile(r"^([A-Za-z0-9_.-]+):")


def merge_flink_conf(text: str, extra: str) -> str:
    """A flat config.yaml with ``extra``'s lines appended; a top-level key that ``extra`` sets loses its earlier line.

    (A YAML mapping must not repeat a key: the extra line overrides the template's instead.)

    :param text: config.yaml text (one ``key: value`` per line, comments allowed)
    :param extra: lines to add, or "" for none
    :return: the merged text, ending with a newline when ``extra`` was added
    """
    if not extra.strip():
        return text
    keys = {m.group(1) for line in extra.splitlines() if (m := _CONF_KEY.match(line))}
    kept = [line for line in text.splitlines() if not ((m := _CONF_KEY.match(line)) and m.group(1) in keys)]
    return "\n".join(kept) + "\n" + extra.rstrip("\n") + "\n"


#: The file in the Flink configuration folder that records the digest of the cluster-lib jars its lib/
#: holds (:func:`cluster_lib_digest`), i.e. what daemons started from it have loaded.
CLUSTER_LIB_DIGEST = "cluster-lib.sha256"


def cluster_lib_digest(folder: Path) -> str:
    """The SHA-256 (hex) of the jars in ``folder``: their names and contents, in name order.

    The build is reproducible (fixed archive timestamps), so a rebuild that changes no class gives
    the same digest, and a changed jar (our schemas, a new connector version) another.

    :param folder: a folder of jars (``flink-jobs/target/cluster-lib``, or the cluster's lib/)
    :return: 64 hex digits; the digest of no jar when the folder holds none or does not exist
    """
    digest = hashlib.sha256()
    for jar in sorted(folder.glob("*.jar")):
        digest.update(jar.name.encode() + b"\0")
        digest.update(hashlib.sha256(jar.read_bytes()).digest())
    return digest.hexdigest()


def cluster_lib_source(config: Config) -> Path:
    """``flink-jobs/target/cluster-lib``: the jobs' runtime libraries, built beside the thin job jar."""
    return Jars(config.root).flink_cluster_lib


def cluster_lib_stale(config: Config) -> bool:
    """True when the cluster's lib/ differs from the build's cluster-lib (rebuilt since the cluster started).

    Compares the digest recorded when lib/ was made (:data:`CLUSTER_LIB_DIGEST`) with the build's
    (:func:`cluster_lib_digest`); no record counts as stale. docs/architecture.md#the-flink-job-jar.
    """
    recorded = config.flink_conf_dir / CLUSTER_LIB_DIGEST
    if not recorded.is_file():
        return True
    return recorded.read_text(encoding="utf-8").strip() != cluster_lib_digest(cluster_lib_source(config))


def install_cluster_lib(config: Config, home: Path) -> None:
    """Makes the cluster's lib/ (``FLINK_LIB_DIR``): the distribution's jars and a copy of the build's cluster-lib.

    A copy, not a link: the running daemons keep the jars they loaded while a rebuild replaces
    ``flink-jobs/target/cluster-lib``, and :func:`cluster_lib_stale` tells the two apart. Records
    the copy's digest in :data:`CLUSTER_LIB_DIGEST`.

    :param home: the Flink distribution (its ``lib/``)
    :raises StepFailed: when the build has no cluster-lib (or no schemas jar in it): the thin job
        jar would not run on a cluster without them
    """
    source = cluster_lib_source(config)
    if not any(source.glob("cinestream-schemas-*.jar")):
        raise StepFailed(
            "up flink",
            f"{source} has no cinestream-schemas jar: the Flink jobs' libraries are not built"
            " (./pipeline up builds them, or mvn install; docs/architecture.md#the-flink-job-jar)",
        )
    conf = config.flink_conf_dir
    lib = conf / "lib"
    shutil.rmtree(lib, ignore_errors=True)
    lib.mkdir(parents=True)
    for jar in (home / "lib").glob("*.jar"):
        (lib / jar.name).symlink_to(jar)
    for jar in source.glob("*.jar"):
        shutil.copy2(jar, lib / jar.name)
    (conf / CLUSTER_LIB_DIGEST).write_text(cluster_lib_digest(source) + "\n", encoding="utf-8")


def render_flink_conf(config: Config, *, lib: bool = True) -> None:
    """Writes ``$CINESTREAM_HOME/flink-conf``: config.yaml from the template, log settings, lib/, masters, workers.

    lib/ holds the distribution's jars plus the Flink jobs' libraries (``flink-jobs/target/cluster-lib``:
    connectors, kafka-clients, Avro, our schemas, the JDBC drivers), loaded by the cluster's class
    loader (docs/architecture.md#the-flink-job-jar); the daemons and the ``flink`` CLI get it as
    FLINK_LIB_DIR. ``FLINK_EXTRA_CONF`` (environment) adds lines (bench: a short REST metric
    refresh); a key it sets replaces the template's line of that key (:func:`merge_flink_conf`).
    plugins/ holds the Prometheus reporter plugin (FLINK_PLUGINS_DIR); the template's reporter
    lines (:data:`MONITORING_MARK`) are enabled when the stack's monitoring runs.

    :param lib: False leaves lib/ as it is (a daemon that runs has loaded it: :func:`start_flink`)
    :raises StepFailed: when lib/ is to be made and the cluster-lib is not built (:func:`install_cluster_lib`)
    """
    home = flink_home(config)
    conf = config.flink_conf_dir
    for folder in (conf, config.log_dir / "flink", config.run_dir, config.data_dir / "flink/tmp"):
        folder.mkdir(parents=True, exist_ok=True)
    text = (config.root / "devstack/flink/config.yaml.template").read_text(encoding="utf-8")
    for key, value in {
        "@RUN_DIR@": config.run_dir,
        "@LOG_DIR@": config.log_dir / "flink",
        "@DATA_DIR@": config.data_dir,
        "@FLINK_RPC_PORT@": config.flink_rpc_port,
        "@FLINK_REST_PORT@": config.flink_rest_port,
        "@FLINK_BLOB_PORT@": config.flink_blob_port,
        "@FLINK_TM_RPC_PORT@": config.flink_tm_rpc_port,
        "@PUSHGATEWAY_PORT@": config.pushgateway_port,
    }.items():
        text = text.replace(key, str(value))
    if monitoring_running(config):
        text = text.replace(MONITORING_MARK, "")
    text = merge_flink_conf(text, os.environ.get("FLINK_EXTRA_CONF", ""))
    (conf / "config.yaml").write_text(text, encoding="utf-8")
    for pattern in ("log4j*.properties", "logback*.xml"):
        for source in (home / "conf").glob(pattern):
            shutil.copy(source, conf / source.name)
    cap_flink_logs(conf / "log4j.properties", config.log_max_size_mb, config.log_max_files)
    if lib or not (conf / "lib").is_dir():
        install_cluster_lib(config, home)
    # Plugins (FLINK_PLUGINS_DIR): only the Prometheus reporters of the distribution's plugins/.
    plugins = conf / "plugins"
    shutil.rmtree(plugins, ignore_errors=True)
    plugins.mkdir()
    (plugins / PROMETHEUS_PLUGIN).symlink_to(home / "plugins" / PROMETHEUS_PLUGIN)
    (conf / "masters").write_text(f"127.0.0.1:{config.flink_rest_port}\n")
    (conf / "workers").write_text("127.0.0.1\n")


def cap_flink_logs(properties: Path, max_size_mb: int, max_files: int) -> None:
    """Sets the size and count caps of the rolling main log in Flink's ``log4j.properties``.

    Flink's distribution rolls its daemons' logs at 100 MB and keeps 10; the local stack's caps are
    ``LOG_MAX_SIZE_MB`` and ``LOG_MAX_FILES`` (cinestream.conf), like the devstack services.

    :raises StepFailed: when the file lacks the ``appender.main.policies.size.size`` or
        ``appender.main.strategy.max`` line (another Flink distribution)
    """
    text = properties.read_text(encoding="utf-8")
    for key, value in (
        ("appender.main.policies.size.size", f"{max_size_mb}MB"),
        ("appender.main.strategy.max", str(max_files)),
    ):
        text, count = re.subn(rf"(?m)^{re.escape(key)}\s*=.*$", f"{key} = {value}", text)
        if count != 1:
            raise StepFailed("up flink", f"{properties}: no single {key} line to cap the log size")
    properties.write_text(text, encoding="utf-8")


def start_flink(config: Config) -> None:
    """Starts the Flink daemons that are not running (so ``up`` also restarts one that died).

    start-cluster.sh would start a second JobManager next to a live one. The REST answer alone is
    not enough: the JobManager lists a killed TaskManager until its heartbeat times out (50 s), so
    the daemons' processes are checked too.

    A cluster whose lib/ is older than the build's cluster-lib (:func:`cluster_lib_stale`: the jobs'
    libraries or our schemas were rebuilt since it started) is restarted when it runs no job, so
    that the next submission finds the classes it was built with; with jobs running it keeps its
    lib/ and a warning says how to restart it (docs/architecture.md#the-flink-job-jar).

    :raises StepFailed: when a daemon script fails, or the cluster-lib is not built
    """
    daemons_alive = flink_daemon_alive(config, "standalonesession") or flink_daemon_alive(config, "taskexecutor")
    if daemons_alive and cluster_lib_stale(config):
        running = [j for j in flink_jobs(config) if j.get("state") in ALIVE_STATES]
        if running:
            warn(
                f"flink's lib/ is older than {cluster_lib_source(config)} (rebuilt since the cluster"
                f" started), and {len(running)} job(s) run on it: it keeps its lib/. Stop them"
                " (./pipeline flink cancel ID) and run ./pipeline up to restart it with the new one"
            )
        else:
            ok("flink's lib/ is older than the build's cluster-lib and no job runs: restarting the cluster")
            stop_flink(config)
            daemons_alive = False
    if (
        flink_daemon_alive(config, "standalonesession")
        and flink_daemon_alive(config, "taskexecutor")
        and flink_healthy(config)
    ):
        ok(f"flink already running ({config.flink_url})")
        return
    # A daemon that runs keeps the lib/ it loaded; a fresh start gets the build's.
    render_flink_conf(config, lib=not daemons_alive)
    home = flink_home(config)
    log = config.log_dir / "flink/start-cluster.log"
    conf = config.flink_conf_dir
    env = {
        **os.environ,
        "FLINK_CONF_DIR": str(conf),
        "FLINK_LIB_DIR": str(conf / "lib"),
        "FLINK_PLUGINS_DIR": str(conf / "plugins"),
    }
    for daemon, script in (("standalonesession", "jobmanager.sh"), ("taskexecutor", "taskmanager.sh")):
        if flink_daemon_alive(config, daemon):
            continue
        # Each daemon pushes its metrics under its own Pushgateway job (a push replaces the group).
        role = "jobmanager" if daemon == "standalonesession" else "taskmanager"
        argv = [
            str(home / "bin" / script),
            "start",
            "-D",
            f"metrics.reporter.promgateway.jobName=cinestream-flink-{role}",
        ]
        with log.open("ab") as out:
            rc = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, env=env, check=False).returncode
        if rc != 0:
            raise StepFailed("up flink", f"{script} start failed", log)


def await_flink(config: Config, timeout_s: float = 120) -> None:
    """Waits until the JobManager answers with a TaskManager.

    :raises StepFailed: after ``timeout_s`` (names the JobManager's newest log)
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        overview = flink_healthy(config)
        if overview:
            slots, jobs = overview.get("slots-total"), overview.get("jobs-running")
            ok(f"flink     healthy  {config.flink_url}, {slots} slots, {jobs} jobs running")
            return
        time.sleep(1)
    logs = sorted((config.log_dir / "flink").glob("*standalonesession*.log"), key=lambda p: p.stat().st_mtime)
    raise StepFailed(
        "up flink", "JobManager REST not answering with a TaskManager after 120 s", logs[-1] if logs else None
    )


def stop_flink(config: Config, timeout_s: float = 60) -> None:
    """stop-cluster.sh when this stack recorded Flink daemons; waits until their processes are gone.

    (A restart must not start a JobManager while the old one still holds the ports.)
    """
    pid_files = list(config.run_dir.glob("flink-*.pid"))
    if not pid_files:
        return
    pids = [int(p) for f in pid_files for p in f.read_text().split() if p.isdigit()]
    env = {**os.environ, "FLINK_CONF_DIR": str(config.flink_conf_dir)}
    subprocess.run(
        [str(flink_home(config) / "bin/stop-cluster.sh")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    for pid in pids:
        if not wait_exit(pid, timeout_s):
            warn(f"flink daemon (pid {pid}) still running {timeout_s:.0f} s after stop-cluster.sh")
    ok("flink stopped")


# --- monitoring -------------------------------------------------------------------------------------

#: Flink's metric reporter lines in config.yaml.template carry this prefix; rendered without it when
#: the stack's monitoring runs (:func:`render_flink_conf`).
MONITORING_MARK = "#@MONITORING@ "

#: The Flink plugin folder of the Prometheus reporters (in pyflink's ``plugins/``).
PROMETHEUS_PLUGIN = "metrics-prometheus"


def monitoring_dir(config: Config) -> Path:
    """``$CINESTREAM_HOME/monitoring``: the rendered ``prometheus.yml`` and a copy of the rules."""
    return config.home / "monitoring"


def pushgateway(config: Config) -> Background:
    """The stack's Pushgateway (its cmdline holds its listen address, unique per stack)."""
    return Background("pushgateway", f"--web.listen-address=127.0.0.1:{config.pushgateway_port}")


def prometheus(config: Config) -> Background:
    """The stack's Prometheus (its cmdline holds this stack's config file)."""
    return Background("prometheus", f"--config.file={monitoring_dir(config) / 'prometheus.yml'}")


def render_prometheus_conf(config: Config) -> Path:
    """Writes ``prometheus.yml`` from ``monitoring/prometheus.yml.template`` and copies ``monitoring/rules``.

    :return: the rendered file's path
    """
    target = monitoring_dir(config)
    rules = target / "rules"
    shutil.rmtree(rules, ignore_errors=True)
    rules.mkdir(parents=True)
    for rule_file in (config.root / "monitoring/rules").glob("*.rules.yml"):
        shutil.copy(rule_file, rules / rule_file.name)
    text = (config.root / "monitoring/prometheus.yml.template").read_text(encoding="utf-8")
    for key, value in {
        "@CINESTREAM_HOME@": config.home,
        "@PROMETHEUS_PORT@": config.prometheus_port,
        "@PUSHGATEWAY_PORT@": config.pushgateway_port,
        "@DASHBOARD_PORT@": config.dashboard_port,
        "@SPARK_METRICS_UI_PORT@": config.spark_metrics_ui_port,
        "@SPARK_LOADER_UI_PORT@": config.spark_loader_ui_port,
    }.items():
        text = text.replace(key, str(value))
    conf = target / "prometheus.yml"
    conf.write_text(text, encoding="utf-8")
    return conf


def http_ready(url: str) -> bool:
    """True when a GET of ``url`` answers 200 within 2 s."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def _await_ready(config: Config, proc: Background, url: str, timeout_s: float = 60) -> None:
    log = config.log_dir / f"{proc.name}.log"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not proc.running(config):
            raise StepFailed(f"up {proc.name}", "the process exited during start-up", log)
        if http_ready(url):
            ok(f"{proc.name:<11} healthy  {url.rsplit('/-/', 1)[0]}")
            return
        time.sleep(0.5)
    raise StepFailed(f"up {proc.name}", f"{url} not ready after {timeout_s:.0f} s", log)


def start_prometheus(config: Config) -> None:
    """Starts the stack's monitoring: the Pushgateway and Prometheus on 127.0.0.1 (idempotent).

    Installs Debian's ``prometheus`` and ``prometheus-pushgateway`` when missing
    (:func:`tools.ensure_prometheus`). The configuration and rules are rendered anew each time; a
    running Prometheus reloads them (SIGHUP). Data: ``$CINESTREAM_HOME/data/prometheus`` (2 days).
    Flink's daemons push to the Pushgateway only when they were started with the monitoring
    running (:func:`up` with ``monitoring=True`` starts it first); otherwise this warns.

    :raises StepFailed: when an install or a start fails, or a server is not ready in 60 s
    """
    binaries = ensure_prometheus(config)
    for folder in (config.log_dir, config.run_dir, config.data_dir / "prometheus"):
        folder.mkdir(parents=True, exist_ok=True)
    render_prometheus_conf(config)
    gateway = pushgateway(config)
    if gateway.running(config):
        ok(f"pushgateway already running (pid {gateway.pid(config)})")
    else:
        argv = [str(binaries.pushgateway), gateway.marker]
        start_background(config, gateway, launch.Launch(argv), config.log_dir / "pushgateway.log")
    server = prometheus(config)
    if server.running(config):
        os.kill(server.pid(config), signal.SIGHUP)
        ok(f"prometheus already running (pid {server.pid(config)}): configuration and rules reloaded")
    else:
        argv = [
            str(binaries.server),
            server.marker,
            f"--storage.tsdb.path={config.data_dir / 'prometheus'}",
            "--storage.tsdb.retention.time=2d",
            f"--web.listen-address=127.0.0.1:{config.prometheus_port}",
        ]
        start_background(config, server, launch.Launch(argv), config.log_dir / "prometheus.log")
    _await_ready(config, gateway, f"http://127.0.0.1:{config.pushgateway_port}/-/ready")
    _await_ready(config, server, f"http://127.0.0.1:{config.prometheus_port}/-/ready")
    if flink_daemon_alive(config, "standalonesession") and not flink_reports_metrics(config):
        warn("the Flink cluster was started without the monitoring: ./pipeline down, then up --monitoring")


def flink_reports_metrics(config: Config) -> bool:
    """True when the rendered Flink configuration enables the Pushgateway reporter."""
    conf = config.flink_conf_dir / "config.yaml"
    return conf.is_file() and "\nmetrics.reporters:" in "\n" + conf.read_text(encoding="utf-8")


def stop_prometheus(config: Config) -> None:
    """Stops Prometheus, then the Pushgateway (by recorded pid)."""
    for proc in (prometheus(config), pushgateway(config)):
        pid = proc.stop(config)
        if pid is not None:
            ok(f"{proc.name} stopped (pid {pid})")


def monitoring_running(config: Config) -> bool:
    """True when the Pushgateway of this stack runs (Flink's daemons then get the reporter)."""
    return pushgateway(config).running(config)


# --- the dashboard ----------------------------------------------------------------------------------


def dashboard_url(config: Config) -> str:
    """The dashboard's page: ``http://127.0.0.1:DASHBOARD_PORT/``."""
    return f"http://127.0.0.1:{config.dashboard_port}/"


def start_dashboard(config: Config, timeout_s: float = 60) -> int:
    """Starts the dashboard in the background unless its recorded process runs, and waits until it answers.

    The process is ``./pipeline dashboard`` in the foreground mode, in a session of its own (pid
    file ``run/dashboard.pid``); its log: ``logs/dashboard.log``; ``down`` stops it (SIGTERM, which it
    passes on to the JVM). ``live`` calls this.

    :return: its pid
    :raises StepFailed: when it exits during start-up (e.g. the port is taken) or does not answer
        ``/healthz`` within ``timeout_s``
    """
    url = dashboard_url(config)
    if DASHBOARD.running(config):
        ok(f"dashboard already running (pid {DASHBOARD.pid(config)}): {url}")
        return DASHBOARD.pid(config)  # type: ignore[return-value]
    if http_ready(f"{url}healthz"):
        raise StepFailed("dashboard", f"another process already answers on {url} (DASHBOARD_PORT)")
    log = config.log_dir / "dashboard.log"
    # This venv's Python straight away (not the ./pipeline shim, whose bash would not match the
    # marker until it execs Python); unbuffered, so that its log shows an early failure.
    env = {"CINESTREAM_ROOT": str(config.root), "PYTHONUNBUFFERED": "1"}
    pid = start_background(
        config, DASHBOARD, launch.Launch([sys.executable, "-m", "cinestream_ops", "dashboard"], env), log
    )
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        # Whether the pid is alive, not its command line: /proc/PID/cmdline reads empty while the
        # child execs, which a loaded machine makes long enough to be seen.
        if not alive(pid):
            DASHBOARD.pid_file(config).unlink(missing_ok=True)
            raise StepFailed("dashboard", "the dashboard exited during start-up", log)
        if http_ready(f"{url}healthz"):
            ok(f"dashboard  healthy  {url} (pid {pid}; metrics {url}metrics)")
            return pid
        time.sleep(0.5)
    DASHBOARD.stop(config)
    raise StepFailed("dashboard", f"{url}healthz not answering after {timeout_s:.0f} s: stopped", log)


# --- the whole stack --------------------------------------------------------------------------------


def up(config: Config, *, monitoring: bool = False) -> None:
    """Starts Kafka, PostgreSQL, the schema registry and Flink (each unless running) and waits until healthy.

    The warehouse's password files are made first when missing (:func:`credentials.ensure`) and the
    password exported to this process's environment, so every command started after gets it.

    :param monitoring: also the Pushgateway and Prometheus (:func:`start_prometheus`), started
        before Flink so that its daemons push their metrics (docs/operations.md#monitoring)
    """
    credentials.check_local_user(config)
    credentials.ensure(config)
    credentials.export(config, os.environ)
    if monitoring:
        start_prometheus(config)
    start_service(config, "kafka")
    start_service(config, "postgres")
    await_healthy(config, "kafka")
    start_service(config, "registry")
    start_flink(config)
    await_healthy(config, "postgres")
    await_healthy(config, "registry")
    await_flink(config)


def down(config: Config) -> None:
    """Stops the dashboard and the background jobs, Flink, then the services (by recorded pid; SIGKILL after 30 s)."""
    for proc in (DASHBOARD, RAW_LOADER, SPARK_METRICS):
        pid = proc.stop(config)
        if pid is not None:
            ok(f"{proc.name} stopped (pid {pid})")
    stop_flink(config)
    stop_prometheus(config)
    for name in ("registry", "kafka", "postgres"):
        pid = service(name).stop(config)
        if pid is not None:
            ok(f"{name} stopped (pid {pid})")


def status(config: Config) -> int:
    """Prints each service's process, a real request to each, Flink's jobs and the data folder's free space.

    :return: 0 when everything answers (and at least DISK_MIN_FREE_MB is free), else 1
    """
    if not (config.root / "devstack/target/devstack.jar").is_file():
        raise StepFailed("status", "not built yet: run ./pipeline up")
    rc = 0
    for name in launch.SERVICES:
        proc = service(name)
        if proc.running(config):
            print(f"{name:<9} pid {proc.pid(config)!s:<8} log {config.log_dir / (name + '.log')}")
        else:
            print(f"{name:<9} not started by ./pipeline up")
    result = health(config)
    print(result.stdout, end="")
    if result.returncode != 0:
        print(result.stderr, end="")
        rc = 1
    overview = flink_healthy(config)
    if overview:
        print(f"{'flink':<9} {'healthy':<8} {config.flink_url}, {json.dumps(overview)}")
        for job in flink_jobs(config):
            print(f"          {job.get('jid')} : {job.get('name')} ({job.get('state')})")
        if cluster_lib_stale(config):
            print("          lib/ older than the build's cluster-lib: ./pipeline up restarts an idle cluster")
    else:
        print(f"{'flink':<9} {'DOWN':<8} {config.flink_url}: no JobManager with a TaskManager")
        rc = 1
    for proc in (RAW_LOADER, SPARK_METRICS):
        if proc.running(config):
            print(f"{proc.name:<13} pid {proc.pid(config)}")
    rc = dashboard_status(config) or rc
    rc = monitoring_status(config) or rc
    line, disk_rc = disk.status_line(config)
    print(line)
    return rc or disk_rc


def dashboard_status(config: Config) -> int:
    """Prints the dashboard's process and whether it answers (a line, when it was started in the background).

    :return: 1 when it was started (pid file) but is gone or not answering, else 0
    """
    if not DASHBOARD.pid_file(config).is_file():
        return 0
    url = dashboard_url(config)
    if DASHBOARD.running(config) and http_ready(f"{url}healthz"):
        print(f"{'dashboard':<11} healthy  {url}, pid {DASHBOARD.pid(config)}")
        return 0
    print(f"{'dashboard':<11} DOWN     {url}: log {config.log_dir / 'dashboard.log'}")
    return 1


def monitoring_status(config: Config) -> int:
    """Prints the Pushgateway's and Prometheus' process and readiness (a line each when started).

    :return: 1 when one was started (pid file) but is gone or not ready, else 0
    """
    rc = 0
    for proc, port in ((pushgateway(config), config.pushgateway_port), (prometheus(config), config.prometheus_port)):
        if not proc.pid_file(config).is_file():
            print(f"{proc.name:<11} not started (./pipeline up --monitoring)")
            continue
        url = f"http://127.0.0.1:{port}"
        if proc.running(config) and http_ready(f"{url}/-/ready"):
            print(f"{proc.name:<11} healthy  {url}, pid {proc.pid(config)}")
        else:
            print(f"{proc.name:<11} DOWN     {url}: log {config.log_dir / (proc.name + '.log')}")
            rc = 1
    return rc


def jars_present(config: Config) -> bool:
    """True when every jar of the build exists (the Flink jobs' cluster-lib with our schemas jar included)."""
    return all(p.is_file() for p in Jars(config.root).all())
