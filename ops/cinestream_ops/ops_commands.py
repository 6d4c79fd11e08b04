"""The commands around the jobs: airflow, chaos, bench and test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from . import jobs, stack
from .config import Config
from .console import StepFailed, step, warn
from .tools import Jars, ensure_prometheus, ensure_venv, flink_home, spark_home

#: The faults tests/chaos/chaos.py injects (its FAULTS).
CHAOS_FAULTS = ("loader", "taskmanager", "jobmanager", "kafka", "registry", "postgres", "spark-metrics", "poison")


def airflow_env(config: Config, venv: Path, environ: Mapping[str, str]) -> dict[str, str]:
    """The environment of ``./pipeline airflow``: Airflow's home, DAGs folder, SQLite metadata, API on 127.0.0.1.

    The log servers of the scheduler and triggerer bind every interface (not configurable) but
    answer only requests signed with the instance's secret; their ports (Airflow's 8793/8794 for
    the default AIRFLOW_PORT 8080) move with AIRFLOW_PORT so that two homes can run side by side.
    LocalExecutor starts one worker process per slot: a few suffice for two sequential DAGs on
    2 cores. Airflow creates no default connections: the FileSensor's ``fs_default`` is set here.
    """
    home = config.home / "airflow"
    port = config.airflow_port
    return {
        **environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(config.root / "orchestration/dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(port + 713),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(port + 714),
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW_CONN_FS_DEFAULT": '{"conn_type": "fs", "extra": {"path": "/"}}',
        "CINESTREAM_ROOT": str(config.root),
        # standalone starts its components as `airflow ...` from PATH.
        "PATH": f"{venv / 'bin'}:{environ.get('PATH', '')}",
    }


def airflow(config: Config, args: list[str]) -> int:
    """Airflow on orchestration/dags (default: standalone); metadata in SQLite under $CINESTREAM_HOME/airflow."""
    venv = ensure_venv(config, "airflow")
    env = airflow_env(config, venv, os.environ)
    home = Path(env["AIRFLOW_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (config.home / "incoming").mkdir(parents=True, exist_ok=True)
    migrated = home / ".migrated"
    lock = config.root / "requirements/airflow.txt"
    if not migrated.is_file() or lock.stat().st_mtime > migrated.stat().st_mtime:
        from .console import run_logged

        run_logged(
            f"airflow db migrate (SQLite, {home})",
            config.log_dir / "airflow-db-migrate.log",
            [str(venv / "bin/airflow"), "db", "migrate"],
            env=env,
        )
        migrated.touch()
    args = args or ["standalone"]
    if args[0] == "standalone":
        step(
            f"Airflow standalone: UI on http://127.0.0.1:{config.airflow_port} "
            f"(login: {home}/simple_auth_manager_passwords.json.generated)"
        )
    return subprocess.run([str(venv / "bin/airflow"), *args], env=env).returncode


def chaos(config: Config, args: Sequence[str]) -> None:
    """Fault injection (tests/chaos/chaos.py) on a stack of its own in a temporary home.

    Ports: ``CHAOS_PORT_PREFIX=D`` gives D9092, D8081, ... (like the smoke); otherwise the
    configured ports, which must then be free.

    :raises StepFailed: when a stack already answers on the ports, or a fault lost, duplicated or
        changed data, or the pipeline did not recover
    """
    prefix = os.environ.get("CHAOS_PORT_PREFIX", "")
    if prefix:
        if prefix not in ("1", "2", "3", "4", "5"):
            raise StepFailed("chaos", f"CHAOS_PORT_PREFIX must be one digit 1-5, not {prefix!r}")
        config = config.with_port_prefix(int(prefix))
    jobs.ensure_build(config)
    interop = ensure_venv(config, "interop")
    ensure_venv(config, "dbt")  # DuckDB, for tests/check_lake.py
    if stack.health(config).returncode == 0:
        raise StepFailed(
            "chaos", "a stack already answers on these ports; stop it (./pipeline down) or set CHAOS_PORT_PREFIX"
        )
    home = Path(tempfile.mkdtemp(prefix="cinestream-chaos."))
    config = config.with_home(home)
    jars = Jars(config.root)
    env = {
        **os.environ,
        **config.env(),
        "CINESTREAM_HOME": str(home),
        "CINESTREAM_VENVS": str(config.venvs),
        "CHAOS_ROOT": str(config.root),
        "DEVSTACK_CP": jars.devstack_cp,
        "FLINK_JAR": str(jars.flink),
        "SPARK_JAR": str(jars.spark),
        "GENERATOR_JAR": str(jars.generator),
        "FLINK_HOME": str(flink_home(config)),
        "SPARK_HOME": str(spark_home(config)),
    }
    step(f"Chaos: fault injection on its own stack (home {home}, Kafka {config.kafka_bootstrap})")
    chaos_py = config.root / "tests/chaos/chaos.py"
    rc = subprocess.run([str(interop / "bin/python"), str(chaos_py), *args], env=env).returncode
    subprocess.run(
        [str(config.root / "pipeline"), "down"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    if rc == 0:
        shutil.rmtree(home, ignore_errors=True)
        return
    warn(f"logs kept in {home}/logs")
    reports = sorted((config.root / "reports/chaos").glob("*.md"), key=lambda p: p.stat().st_mtime)
    raise StepFailed(
        "chaos",
        f"a fault lost, duplicated or changed data, or the pipeline did not recover (exit {rc})",
        reports[-1] if reports else None,
    )


#: The bench cluster gives managed memory to the Flink SQL peers' window aggregations (their
#: RecordsWindowBuffer fails with "Initial Segment may not be null" at the template's fraction 0.0);
#: the DataStream jobs share the same cluster, so both Flink engines run with it.
SQL_MANAGED_MEMORY = "taskmanager.memory.managed.fraction: 0.1"


def bench(config: Config, options: Mapping[str, object], cmdline: str) -> None:
    """The metric engines side by side with the consume-and-decode ceiling (docs/benchmark.md).

    Closed loop: a stack in its own home per workload, ``.local/bench/stack-N-S``, whose topics hold
    exactly that workload (loaded once, reused by later runs). Open loop: a fresh stack in
    ``.local/bench/openloop`` with the catalogue; each job runs unbounded while the generator
    offers a ladder of real-time rates. The stack is stopped at the end unless ``--keep-stack``.
    ``BENCH_FLINK_CONF``: extra config.yaml lines for the bench cluster (e.g. a JFR recording);
    ``BENCH_SPARK_DRIVER_OPTS``: extra Spark driver JVM options.

    :raises StepFailed: when an engine run failed (its row in the results table says why)
    """
    events, seed = int(options["events"]), int(options["seed"])  # type: ignore[arg-type]
    open_loop = bool(options["open_loop"])
    if open_loop:
        home = config.root / ".local/bench/openloop"
        shutil.rmtree(home, ignore_errors=True)
        os.environ["FLINK_EXTRA_CONF"] = f"metrics.fetcher.update-interval: 500\n{SQL_MANAGED_MEMORY}"
    else:
        home = config.root / f".local/bench/stack-{events}-{seed}"
        extra = os.environ.get("BENCH_FLINK_CONF", "")
        conf = f"metrics.fetcher.update-interval: 100\n{SQL_MANAGED_MEMORY}"
        os.environ["FLINK_EXTRA_CONF"] = conf + (f"\n{extra}" if extra else "")
    config = config.with_home(home)
    os.environ["CINESTREAM_HOME"] = str(home)
    jobs.up(config)
    if open_loop:
        jobs.catalog(config, config.movies_file)
    elif not (home / "workload.done").is_file():
        step(f"Workload: {events} events, seed {seed}, into the bench stack's topics (once per size and seed)")
        jobs.catalog(config, config.movies_file)
        users = min(max(events // 10, 1000), 1_000_000)
        jobs.generate(
            config,
            ["--users", str(users), "--hours", "24", "--seed", str(seed)]
            + ["--max-events", str(events), "--no-progress"],
        )
        (home / "workload.done").write_text(f"events={events} seed={seed} users={users} hours=24\n")
    jars = Jars(config.root)
    run_dir = home / "runs" / jobs.stamp()
    main = "io.cinestream.bench.OpenLoopCli" if open_loop else "io.cinestream.bench.BenchCli"
    argv = ["java", "-Xmx512m" if open_loop else "-Xmx1g", "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn"]
    argv += ["-cp", f"{jars.bench}:{config.root}/bench/target/lib/*", main]
    if not open_loop:
        argv += ["--events", str(events), "--seed", str(seed)]
    argv += ["--engines", str(options["engines"]), "--jobs", str(options["job_names"])]
    if open_loop:
        if options.get("rates"):
            argv += ["--rates", str(options["rates"])]
        if options.get("step_seconds"):
            argv += ["--step-seconds", str(options["step_seconds"])]
    argv += ["--parallelism", str(config.flink_parallelism)]
    argv += ["--bootstrap", config.kafka_bootstrap, "--registry", config.schema_registry_url]
    argv += ["--jdbc-url", config.warehouse_jdbc_url]
    if open_loop:
        argv += ["--generator-jar", str(jars.generator)]
    # Every engine launch comes from ./pipeline launch-spec (bench_launch), run with this environment.
    argv += ["--pipeline", str(config.root / "pipeline"), "--flink-url", config.flink_url]
    if not open_loop:
        argv += ["--spark-driver-java-options", os.environ.get("BENCH_SPARK_DRIVER_OPTS", "")]
        argv += ["--poll-ms", str(options["poll_ms"]), "--warmup-runs", str(options["warmup_runs"])]
        argv += ["--runs", str(options["runs"]), "--checkpoint-interval", str(options["checkpoint_interval"])]
        argv += ["--spark-batches", str(options["spark_batches"])]
    argv += ["--work-dir", str(run_dir), "--output-dir", str(config.root / "bench/results"), "--command", cmdline]
    kind = "Open-loop benchmark" if open_loop else "Benchmark"
    step(f"{kind}: engines {options['engines']}, jobs {options['job_names']} (runs in {run_dir})")
    rc = subprocess.run(argv).returncode
    if not options["keep_stack"]:
        jobs.stop(config)
    if rc != 0:
        raise StepFailed("bench", "at least one engine run failed (its row in the table says why)", run_dir)


#: Python linted by ruff check (everything tracked); ruff format is enforced where the ops owner
#: keeps the files (the others' folders follow their own formatting for now).
FORMATTED = ("ops", "tests")


def lint(config: Config) -> None:
    """ruff (lint on every tracked Python file, format on ops/ and tests/) and shellcheck on every bash script.

    :raises StepFailed: on a finding
    """
    venv = config.venvs / "ops"
    root = config.root
    tracked = subprocess.run(
        ["git", "-C", str(root), "ls-files", "*.py", "*.sh"], capture_output=True, text=True, check=False
    ).stdout.split()
    python = [f for f in tracked if f.endswith(".py") and not f.startswith("orchestration/")]
    shell = [f for f in tracked if f.endswith(".sh")] + ["pipeline", ".ci/run"]
    formatted = [f for f in python if f.startswith(FORMATTED)]
    ruff = str(venv / "bin/ruff")
    checks = [
        [ruff, "check", "--config", str(root / "ruff.toml"), *python],
        [ruff, "format", "--check", "--config", str(root / "ruff.toml"), *formatted],
        # SC2164 (cd without || exit): every script runs under set -e.
        [str(venv / "bin/shellcheck"), "--severity=warning", "--exclude=SC2164", *shell],
    ]
    for argv in checks:
        if subprocess.run(argv, cwd=root).returncode != 0:
            raise StepFailed("lint", f"{Path(argv[0]).name} found problems (listed above)")


def unit_tests(config: Config) -> None:
    """The ops package's unit tests (pytest)."""
    rc = subprocess.run([str(config.venvs / "ops/bin/python"), "-m", "pytest", "-q", "ops/tests"], cwd=config.root)
    if rc.returncode != 0:
        raise StepFailed("test", "the ops unit tests failed (listed above)")


def monitoring_tests(config: Config) -> None:
    """``promtool check config`` of the rendered Prometheus configuration, ``check rules`` and ``test rules``.

    The configuration is rendered into a scratch stack home (nothing is started); the rule tests
    are ``monitoring/tests/*.test.yml`` (docs/operations.md#monitoring).

    :raises StepFailed: when promtool finds a problem (listed above)
    """
    promtool = str(ensure_prometheus(config).promtool)
    root = config.root
    with tempfile.TemporaryDirectory(prefix="cinestream-prom-") as scratch:
        rendered = stack.render_prometheus_conf(config.with_home(Path(scratch)))
        checks = [
            [promtool, "check", "config", str(rendered)],
            [promtool, "check", "rules", *map(str, sorted((root / "monitoring/rules").glob("*.rules.yml")))],
            [promtool, "test", "rules", *map(str, sorted((root / "monitoring/tests").glob("*.test.yml")))],
        ]
        for argv in checks:
            if subprocess.run(argv, cwd=root).returncode != 0:
                raise StepFailed("test", f"promtool {argv[1]} {argv[2]} failed (listed above)")


def test(config: Config) -> None:
    """The whole test suite (what CI runs): Maven, k8s, Airflow, lint, ops unit tests, secrets, smoke, chaos.

    :raises StepFailed: naming the first part that failed
    """
    for name in ("interop", "spark", "fakesnow", "dbt"):
        ensure_venv(config, name)
    root = config.root
    step("Lint: ruff on the Python, shellcheck on the bash scripts; the ops package's unit tests (pytest)")
    lint(config)
    unit_tests(config)
    step("Monitoring: Prometheus configuration and alerting rules (promtool check, promtool test rules)")
    monitoring_tests(config)
    step("Java test suite (Maven: unit, Spark local[2], integration against an in-process stack)")
    # Bounded, so that a hung test fails the run instead of running into CI's time limit.
    mvn = ["timeout", "2700", "mvn", "-B", "-ntp", "-f", str(root / "pom.xml"), "clean", "install", "spotless:check"]
    mvn += [f"-Dcinestream.python={config.venvs}/interop/bin/python", "-Dcinestream.requireInterop=true"]
    if subprocess.run(mvn).returncode != 0:
        raise StepFailed("test", "Maven test suite failed (exit 124: over 45 minutes)", None)
    (root / ".local").mkdir(exist_ok=True)
    (root / ".local/build.stamp").touch()
    step("Kubernetes manifests: kustomize render + kubeconform (strict, offline schemas)")
    if subprocess.run([str(root / "k8s/validate.sh")]).returncode != 0:
        raise StepFailed("test", "Kubernetes manifests are invalid")
    if subprocess.run([str(root / "k8s/validate.sh"), "--self-test"]).returncode != 0:
        raise StepFailed("test", "the k8s validation self-test failed")
    step("Airflow DAGs: DagBag import, task graphs, file validation and data-quality checks (pytest)")
    airflow_venv = ensure_venv(config, "airflow")
    if subprocess.run([str(root / "orchestration/ci/test.sh"), str(airflow_venv)]).returncode != 0:
        raise StepFailed("test", "the Airflow DAG tests failed")
    step("Security: no credentials in any tracked file (tests/check_secrets.py)")
    python3 = shutil.which("python3") or sys.executable
    scanner = str(root / "tests/check_secrets.py")
    secrets = [[python3, scanner, "--self-test"], [python3, scanner]]
    if any(subprocess.run(argv).returncode != 0 for argv in secrets):
        raise StepFailed("test", "a tracked file holds a credential, or the scanner's self-test failed")
    step("End-to-end smoke: ./pipeline run at a small size, catalogue read-back, dbt fixture suite, down")
    if subprocess.run([str(root / "tests/stack_smoke.sh")]).returncode != 0:
        raise StepFailed("test", "stack smoke test failed")
    step("Chaos subset: SIGKILL of the raw loader and of the Flink TaskManager mid-run, restart, no loss")
    env = {**os.environ, "CHAOS_PORT_PREFIX": os.environ.get("SMOKE_PORT_PREFIX", "2")}
    chaos_argv = [str(root / "pipeline"), "chaos", "--only", "loader,taskmanager", "--users", "300", "--hours", "2"]
    if subprocess.run(chaos_argv, env=env).returncode != 0:
        raise StepFailed("test", "chaos subset failed")
    step("All tests passed")
