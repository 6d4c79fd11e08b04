"""The job commands of ``./pipeline``: build, catalogue, generate, tick, load, metrics, verify, dbt, report, run.

Every command gets validated arguments from :mod:`cinestream_ops.cli`, starts what
:mod:`cinestream_ops.launch` builds, and raises :class:`~cinestream_ops.console.StepFailed` with
the step, the cause and the log file when something fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from . import disk, launch, reset, resume, stack, timing
from .config import Config
from .console import B, N, StepFailed, indent, ok, run_logged, step
from .tools import Jars, ensure_venv, flink_home, spark_home

#: ``GeneratorCli.DEFAULT_START``, passed explicitly by ``run``: the tick time is computed from it.
SIM_START = datetime(2026, 1, 5, tzinfo=UTC)
RUN_ID = re.compile(r"^[A-Za-z0-9._-]+$")


def stamp() -> str:
    """The UTC time now as ``YYYYmmddTHHMMSSZ`` (log file names, default run ids)."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _env(command: launch.Launch) -> dict[str, str]:
    return command.environ(os.environ)


# --- build ------------------------------------------------------------------------------------------

_SOURCES = ("schemas", "devstack", "verify", "spark-jobs", "flink-jobs", "generator", "bench", "dashboard")


def _newer_sources(config: Config, stamp_file: Path) -> bool:
    if not stamp_file.exists():
        return True
    since = stamp_file.stat().st_mtime
    candidates = [config.root / "pom.xml"]
    for module in _SOURCES:
        candidates.append(config.root / module / "pom.xml")
        candidates.extend(p for p in (config.root / module / "src").rglob("*") if p.is_file())
    return any(p.is_file() and p.stat().st_mtime > since for p in candidates)


def ensure_build(config: Config) -> None:
    """``mvn install -DskipTests`` when a jar is missing or a source or pom is newer than the last build.

    The stamp file ``.local/build.stamp``, not the jars' mtimes: Maven leaves an up-to-date jar untouched.

    :raises StepFailed: when mvn or java is missing, or the build fails
    """
    for tool, why in (("mvn", "Maven (mvn) is not on PATH"), ("java", "java is not on PATH (JDK 17 required)")):
        if shutil.which(tool) is None:
            raise StepFailed("build", why)
    stamp_file = config.root / ".local/build.stamp"
    if stack.jars_present(config) and not _newer_sources(config, stamp_file):
        return
    step("Building (Maven; a first build downloads ~700 MB of dependencies)")
    argv = ["mvn", "-B", "-ntp", "-f", str(config.root / "pom.xml"), "install", "-DskipTests"]
    run_logged("mvn install -DskipTests", config.log_dir / "build.log", argv)
    stamp_file.parent.mkdir(parents=True, exist_ok=True)
    stamp_file.touch()


# --- jobs -----------------------------------------------------------------------------------------


def _spark_logged(config: Config, name: str, command: launch.Launch) -> Path:
    log = config.log_dir / f"{name}-{stamp()}.log"
    main = command.argv[command.argv.index("--class") + 1]
    run_logged(f"spark-submit {main}", log, command.argv, env=_env(command))
    return log


def _matching_lines(log: Path, pattern: str, last: int) -> list[str]:
    lines = [line for line in log.read_text(errors="replace").splitlines() if re.search(pattern, line)]
    return [re.sub(r"^.* - ", "", line) for line in lines[-last:]]


def catalog(config: Config, movies: Path, summary_json: Path | None = None) -> None:
    """MovieCatalogJob on a catalogue file; prints its data-quality summary (JSON also to ``summary_json``)."""
    ensure_build(config)
    home = spark_home(config)
    stack.require_stack(config, "catalog")
    step(f"Movie catalogue: {movies} -> Kafka movies_catalog_enriched + warehouse movies_catalog")
    log = _spark_logged(config, "catalog", launch.movie_catalog(config, home, movies, summary_json))
    lines = log.read_text(errors="replace").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("movie catalogue data quality")), None)
    if start is not None:
        print("\n".join(lines[start:]), flush=True)


def generate(config: Config, args: Sequence[str]) -> None:
    """The event generator into Kafka; its output is shown and kept in a log."""
    ensure_build(config)
    stack.require_stack(config, "generate")
    step(f"Generating events (generator {' '.join(args)})")
    log = config.log_dir / f"generate-{stamp()}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    command = launch.generator(config, args)
    with (
        log.open("w", encoding="utf-8") as out,
        subprocess.Popen(
            command.argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            env=_env(command),
        ) as process,
    ):
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            out.write(line)
        rc = process.wait()
    if rc != 0:
        raise StepFailed("generate", "the generator failed", log)


def tick(config: Config, at: str) -> Path:
    """The final watermark tick on every event topic at ``at`` (ISO UTC).

    :return: its log: a line ``tick TOPIC/PARTITION@OFFSET at ...`` per record written, then the summary
    """
    ensure_build(config)
    stack.require_stack(config, "tick")
    step(f"Watermark tick at {at} on every partition of every event topic")
    log = config.log_dir / f"tick-{stamp()}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        rc = subprocess.run(launch.tick(config, at).argv, stdout=out, stderr=subprocess.STDOUT, check=False).returncode
    if rc != 0:
        raise StepFailed("tick", "devstack tick failed", log)
    lines = log.read_text(errors="replace").splitlines()
    indent(lines[-1] if lines else "")
    return log


def table_counts(config: Config, *, metrics: bool = False) -> None:
    """Prints the row counts of the raw (or metric) tables, indented."""
    result = subprocess.run(launch.table_counts(config, metrics=metrics).argv, capture_output=True, text=True)
    indent(result.stdout)
    if result.returncode != 0:
        raise StepFailed("table counts", result.stderr.strip()[-300:] or f"exit status {result.returncode}")


def load(config: Config, *, detach: bool) -> None:
    """The raw loader: a catch-up run (``--once``), or streaming in the background unless it already runs."""
    ensure_build(config)
    home = spark_home(config)
    stack.require_stack(config, "load")
    if detach:
        start_raw_loader(config, home)
        return
    refuse_beside_streaming(config, stack.RAW_LOADER, "load")
    step("Raw loads: every event topic -> warehouse raw tables (Spark Structured Streaming, --once)")
    log = _spark_logged(config, "load", launch.raw_loader(config, home, once=True))
    indent("\n".join(_matching_lines(log, r"batch [0-9]+:", 3)))
    table_counts(config)


def _crash_log(log: Path, out: Path) -> Path:
    """The file that says why a background application died: its stdout/stderr when not empty, else its log."""
    return out if out.is_file() and out.stat().st_size > 0 else log


def refuse_beside_streaming(config: Config, proc: stack.Background, what: str) -> None:
    """Refuses a bounded run while the streaming application of the same checkpoint runs.

    The bounded and the streaming run of a Spark job share its checkpoint folder; two applications
    on one checkpoint overwrite each other's offsets and state.

    :raises StepFailed: naming the running application's pid and the way out
    """
    if proc.running(config):
        raise StepFailed(
            what,
            f"the streaming {proc.name} (pid {proc.pid(config)}) runs on the same checkpoint; it keeps"
            " the tables current already (stop it with ./pipeline down to run this instead)",
        )


def backfill(config: Config, topics: Sequence[str] = (), since: str | None = None, until: str | None = None) -> None:
    """The raw tables rebuilt from the bronze lake (LakeBackfill, insert if absent); prints the counts per table.

    :param topics: event topics (empty: all)
    :param since: first event date ``YYYY-MM-DD`` (UTC, inclusive), or None
    :param until: last event date, or None
    :raises StepFailed: when the lake is off or the job fails
    """
    if config.lake_uri is None:
        raise StepFailed("backfill", "the bronze lake is off (LAKE_URI=off): nothing to backfill from")
    ensure_build(config)
    home = spark_home(config)
    stack.require_stack(config, "backfill")
    dates = f", event dates {since or '...'} to {until or '...'}" if since or until else ""
    step(f"Backfill: bronze lake {config.lake_uri} -> raw tables (insert if absent){dates}")
    command = launch.lake_backfill(config, home, topics=topics, since=since, until=until)
    log = _spark_logged(config, "backfill", command)
    indent("\n".join(_matching_lines(log, r"^backfill: ", 20)))
    table_counts(config)


def start_raw_loader(config: Config, home: Path) -> None:
    """The streaming raw loader, detached, unless its recorded process runs (spark-submit execs the driver JVM)."""
    proc = stack.RAW_LOADER
    if proc.running(config):
        ok(f"raw loader already running (pid {proc.pid(config)})")
        return
    # The driver logs to raw-loader.log itself (rolling, launch.with_rolling_log); its stdout/stderr,
    # what bypasses the logger (spark-submit's own errors, a crash), to raw-loader.out.
    log, out = config.log_dir / "raw-loader.log", config.log_dir / "raw-loader.out"
    command = launch.with_rolling_log(config, launch.raw_loader(config, home, once=False), "raw-loader")
    pid = stack.start_background(config, proc, command, out)
    time.sleep(5)
    if not proc.running(config):
        raise StepFailed("load --detach", "the raw loader exited during start-up", _crash_log(log, out))
    ok(f"raw loader streaming (pid {pid}, log {log})")


def metrics(config: Config, engine: str, *, bounded: bool, from_scratch: bool = False) -> None:
    """The metric jobs of ``engine`` (``flink``, ``spark`` or ``all``); ``from_scratch``: see :func:`flink_metrics`."""
    if engine in ("flink", "all"):
        flink_metrics(config, bounded=bounded, from_scratch=from_scratch)
    if engine in ("spark", "all"):
        spark_metrics(config, bounded=bounded)


def flink_metrics(config: Config, *, bounded: bool, from_scratch: bool = False) -> None:
    """The three Flink jobs: bounded (each waits for the end of its input) or detached.

    A detached submission is skipped when the cluster already runs a job of that name (found
    through ``/jobs/overview``): it is reported, not submitted twice. Any other job resumes from its
    newest retained checkpoint or savepoint; without one, a job whose consumer group has committed
    offsets is refused (:mod:`cinestream_ops.resume`), before anything is submitted.

    :param from_scratch: delete each job's consumer groups, checkpoints and savepoints first, then
        start from the earliest offsets (a running job is not touched: cancel it first)
    :raises resume.RefusedStart: a job would resume with empty state (exit status 2)
    """
    ensure_build(config)
    home = flink_home(config)
    stack.require_stack(config, "metrics")
    if not stack.flink_healthy(config):
        raise StepFailed("metrics", "the Flink cluster is not running; start it with ./pipeline up")
    how = "bounded: read to the end of each topic" if bounded else "detached"
    step(f"Flink metric jobs on {config.flink_url} ({how})")
    running = [] if bounded else stack.flink_jobs(config)
    plans: dict[str, resume.Plan] = {}
    for name in launch.FLINK_JOBS:
        if not bounded and stack.running_flink_job(running, name):
            continue
        if bounded:
            if from_scratch:
                resume.from_scratch(config, name)
            plans[name] = resume.Plan("scratch" if from_scratch else "fresh")
        else:
            plans[name] = resume.plan(config, name, scratch=from_scratch)
    for name, job_class in launch.FLINK_JOBS.items():
        if name not in plans:
            alive = stack.running_flink_job(running, name)
            ok(f"{job_class} already running: JobID {alive.get('jid')} ({alive.get('state')})")
            continue
        plan = plans[name]
        command = launch.flink_metric_job(config, home, name, bounded=bounded, restore=plan.restore)
        log = config.log_dir / f"flink-{job_class}-{stamp()}.log"
        if bounded:
            run_logged(f"flink run {job_class}", log, command.argv, env=_env(command))
            continue
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("wb") as out:
            rc = subprocess.run(command.argv, stdout=out, stderr=subprocess.STDOUT, env=_env(command)).returncode
        if rc != 0:
            raise StepFailed(f"metrics {job_class}", "flink run failed", log)
        job_id = launch.submitted_job_id(log.read_text(errors="replace"))
        if job_id:
            resume.record_job_id(config, name, job_id)
        start = {"restore": f"from {plan.restore}", "scratch": "from scratch", "fresh": "first start"}[plan.action]
        ok(f"{job_class} submitted: JobID {job_id or '?'} ({start})")


def spark_metrics(config: Config, *, bounded: bool) -> None:
    """MetricsSparkJob: available-now and waited for, or streaming in the background unless already running."""
    ensure_build(config)
    home = spark_home(config)
    stack.require_stack(config, "metrics")
    command = launch.spark_metrics(config, home, bounded=bounded)
    if bounded:
        refuse_beside_streaming(config, stack.SPARK_METRICS, "metrics --engine spark --bounded")
        step("Spark metric queries (registration, sessions, sales; available-now: what the topics hold now)")
        log = _spark_logged(config, "spark-metrics", command)
        indent("\n".join(_matching_lines(log, r"metric row\(s\) upserted|dropped behind|undecodable", 6)))
        return
    step("Spark metric queries in the background (processing-time trigger)")
    proc = stack.SPARK_METRICS
    if proc.running(config):
        ok(f"MetricsSparkJob already running (pid {proc.pid(config)}): not started twice")
        return
    log, out = config.log_dir / "spark-metrics.log", config.log_dir / "spark-metrics.out"
    pid = stack.start_background(config, proc, launch.with_rolling_log(config, command, "spark-metrics"), out)
    ok(f"MetricsSparkJob running (pid {pid}, log {log}, rolled at LOG_MAX_SIZE_MB); ./pipeline down stops it")


def verify(config: Config, closed_by: str | None = None) -> None:
    """Reference metrics from the raw tables, then every engine compared with it.

    :param closed_by: ISO UTC event time: compare only the ticks and windows closed by then (live mode)
    :raises StepFailed: when an engine differs from the reference
    """
    ensure_build(config)
    stack.require_stack(config, "verify")
    step("Verify: reference metrics from the raw tables, then flink vs spark vs reference")
    log = config.log_dir / f"verify-{stamp()}.log"
    run_logged("reference metrics", log, launch.verify_reference(config).argv)
    result = subprocess.run(launch.verify_compare(config, closed_by).argv, capture_output=True, text=True)
    with log.open("a", encoding="utf-8") as out:
        out.write(result.stdout + result.stderr)
    indent(result.stdout + result.stderr)
    if result.returncode != 0:
        raise StepFailed("verify", f"the engines differ from the reference (exit {result.returncode})", log)


def dbt(config: Config, args: Sequence[str]) -> None:
    """dbt on the local warehouse (default ``build``); prints dbt's PASS/WARN/ERROR line."""
    ensure_venv(config, "dbt")
    stack.require_stack(config, "dbt")
    args = list(args) or ["build"]
    step(f"dbt {' '.join(args)} (target postgres, schema analytics)")
    log = config.log_dir / f"dbt-{stamp()}.log"
    command = launch.dbt(config, args)
    run_logged(f"dbt {' '.join(args)}", log, command.argv, env=_env(command))
    for line in log.read_text(errors="replace").splitlines():
        if "Done. PASS=" in line:
            print("    dbt:" + line.split("Done.", 1)[1], flush=True)


def report(config: Config, run_id: str, timings: Path | None, params: Sequence[str]) -> None:
    """The run report in ``reports/RUN_ID/``; a ``run``'s recorded timings and parameters are used unless given."""
    recorded = config.home / "runs" / run_id
    if timings is None and (recorded / "timings.tsv").is_file():
        timings = recorded / "timings.tsv"
    if not params and (recorded / "parameters").is_file():
        params = [line for line in (recorded / "parameters").read_text().splitlines() if line]
    ensure_build(config)
    stack.require_stack(config, "report")
    out = config.root / "reports" / run_id
    step(f"Run report: {out}/")
    command = launch.report(config, out, run_id, params, timings)
    run_logged("verify.jar report", config.log_dir / f"report-{run_id}.log", command.argv)
    ok(f"report: {out}/index.html")


def tick_time(hours: int, start: datetime = SIM_START) -> str:
    """The final watermark tick's event time of a run of ``hours`` simulated hours from ``start``.

    T = start + hours + 1 h + max_out_of_orderness (2 min, the jobs' default) + 1 s. Every event is
    before start + hours, so every window holding one ends by start + hours + 1 h (the longest
    window that can end after the last event: the hourly and sliding registration windows). The
    watermark the tick leaves, T - 2 min (Flink: - 1 ms more), is then past every such end; the
    1 s absorbs both engines' 1 ms conventions.

    :return: ISO UTC, e.g. ``2026-01-06T01:02:01Z`` for 24 h
    """
    at = start + timedelta(hours=hours, minutes=62, seconds=1)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def run(
    config: Config, movies: Path, users: int, hours: int, seed: int, run_id: str, down: bool, *, keep: bool = False
) -> None:
    """The main job end to end; step timings in ``$CINESTREAM_HOME/runs/RUN_ID/timings.tsv`` (wall
    seconds, for the report) and ``timings.json`` (wall and CPU seconds per step, :mod:`timing`),
    copied to ``reports/RUN_ID/timings.json``.

    :param keep: append to what the stack holds; by default a reset (every part, no question)
        follows ``up``, so that the same arguments give the same metric tables and marts
    :raises disk.LowDiskSpace: (exit 2) below DISK_MIN_FREE_MB free on the data folder
    """
    disk.require_free_space(config, "run")
    started = time.monotonic()
    if keep:
        step("Appending to what the stack holds (--keep): topics, checkpoints and tables are not reset")
    else:
        step("Starting from a clean state: after 'up', ./pipeline reset --yes (--keep appends instead)")
    recorded = config.home / "runs" / run_id
    recorded.mkdir(parents=True, exist_ok=True)
    timings = recorded / "timings.tsv"
    timings.write_text("")
    commit = subprocess.run(
        ["git", "-C", str(config.root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    parameters = [
        f"movies={movies}",
        f"users={users}",
        f"hours={hours}",
        f"seed={seed}",
        f"flink parallelism={config.flink_parallelism}",
        f"spark master={config.spark_master}",
        f"commit={commit or 'unknown'}",
    ]
    (recorded / "parameters").write_text("\n".join(parameters) + "\n")
    generate_args = ["--users", str(users), "--hours", str(hours), "--start", SIM_START.strftime("%Y-%m-%dT%H:%M:%SZ")]
    generate_args += ["--seed", str(seed), "--duplicate-rate", "0.01", "--malformed-rate", "0.001", "--no-progress"]
    steps = [
        ("up", lambda: up(config)),
        *([] if keep else [("reset", lambda: reset.reset(config, (), yes=True, ask=lambda _q: True))]),
        ("catalog", lambda: catalog(config, movies)),
        ("generate", lambda: generate(config, generate_args)),
        ("tick", lambda: tick(config, tick_time(hours))),
        ("load", lambda: load(config, detach=False)),
        ("flink metrics", lambda: flink_metrics(config, bounded=True)),
        ("spark metrics", lambda: spark_metrics(config, bounded=True)),
        ("verify", lambda: verify(config)),
        ("metric tables", None),
        ("dbt", lambda: dbt(config, ["build"])),
        ("report", lambda: report(config, run_id, None, [])),
    ]
    total = sum(1 for _, fn in steps if fn is not None)
    number = 0
    measured: list[dict[str, float | str]] = []
    for name, fn in steps:
        if fn is None:
            step("Metric tables")
            table_counts(config, metrics=True)
            continue
        number += 1
        print(f"{B}[{number}/{total}] {name}{N}", flush=True)
        begin, cpu_before = time.monotonic(), timing.Sample.now(config.run_dir)
        fn()
        secs = time.monotonic() - begin
        measured.append(timing.step_record(name, secs, cpu_before, timing.Sample.now(config.run_dir)))
        with timings.open("a") as out:
            out.write(f"{name}\t{secs:.1f}\n")
        (recorded / "timings.json").write_text(json.dumps({"run_id": run_id, "steps": measured}, indent=2) + "\n")
        ok(f"[{number}/{total}] {name}: {secs:.1f}s")
    report_dir = config.root / "reports" / run_id
    if report_dir.is_dir():
        shutil.copy(recorded / "timings.json", report_dir / "timings.json")
    step(
        f"Main job finished in {time.monotonic() - started:.0f}s; report: reports/{run_id}/index.html; "
        "the stack keeps running (./pipeline status, ./pipeline down)"
    )
    if down:
        stop(config)


def dashboard(config: Config, *, detach: bool) -> int:
    """``./pipeline dashboard``: the live dashboard on 127.0.0.1:DASHBOARD_PORT (docs/operations.md#dashboard).

    :param detach: start it in the background (``down`` stops it; not started twice) and return;
        otherwise run it in the foreground until Ctrl-C
    :return: the exit status (0 after Ctrl-C in the foreground)
    :raises StepFailed: when it cannot start (the port is taken, e.g. by the background one)
    """
    ensure_build(config)
    url = stack.dashboard_url(config)
    if detach:
        stack.start_dashboard(config)
        return 0
    # The background one is this very process when start_dashboard started it.
    if stack.DASHBOARD.running(config) and stack.DASHBOARD.pid(config) != os.getpid():
        raise StepFailed("dashboard", f"it already runs in the background (pid {stack.DASHBOARD.pid(config)}): {url}")
    step(f"Dashboard on {url} (metrics {url}metrics); Ctrl-C stops it")
    command = launch.dashboard(config)
    process = subprocess.Popen(command.argv, env=_env(command))

    def stop(_signum: int, _frame: object) -> None:
        process.terminate()

    # SIGTERM (down, or whoever started this in the background) stops the JVM too.
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        rc = process.wait()
    except KeyboardInterrupt:
        # Ctrl-C reached the JVM as well (same process group): it is shutting down.
        process.terminate()
        rc = 0
    finally:
        process.wait()
        signal.signal(signal.SIGTERM, previous)
    if rc not in (0, -signal.SIGTERM, 128 + signal.SIGTERM, 130):
        raise StepFailed("dashboard", f"the dashboard exited with status {rc} (its output is above)")
    return 0


def up(config: Config, *, monitoring: bool = False) -> None:
    """``./pipeline up``: build when needed, then the stack (idempotent).

    :param monitoring: also Prometheus and the Pushgateway (``up --monitoring``)
    :raises disk.LowDiskSpace: (exit 2) below DISK_MIN_FREE_MB free on the data folder
    """
    disk.require_free_space(config, "up")
    ensure_build(config)
    step(f"Starting the local stack (data in {config.home})")
    stack.up(config, monitoring=monitoring)


def stop(config: Config) -> None:
    """``./pipeline down``."""
    step("Stopping the local stack")
    stack.down(config)


def flink_cli(config: Config, args: Sequence[str]) -> int:
    """The Flink CLI against the local cluster; returns its exit status."""
    home = flink_home(config)
    if not (config.flink_conf_dir / "config.yaml").is_file():
        stack.render_flink_conf(config)
    if args[:1] == ["run"]:
        ensure_build(config)
    command = launch.flink_cli(config, home, args)
    return subprocess.run(command.argv, env=_env(command)).returncode


def jars(config: Config) -> Jars:
    """The build's jars of this checkout."""
    return Jars(config.root)
