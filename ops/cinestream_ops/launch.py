"""The launch command of every job, built in one place: the CLI, Airflow, chaos and bench use these.

Each builder returns a :class:`Launch`: the argument vector (no shell, no quoting) and the extra
environment variables the command needs on top of the caller's. Builders take the tool locations
(``spark_home``, ``flink_home``) as arguments, so they are pure functions of the configuration and
unit-testable without the tools installed; :mod:`cinestream_ops.tools` finds the real locations.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import credentials
from .config import Config
from .tools import Jars

#: The Flink metric jobs: job name (the ``NAME`` constant of the job class) -> class in ``io.cinestream.flink``.
FLINK_JOBS = {
    "registration-metrics": "RegistrationMetricsJob",
    "session-metrics": "SessionMetricsJob",
    "movie-sales": "MovieSalesJob",
}

#: The Flink SQL peers of the metric jobs (issue 21; rows under engine ``flink_sql``): job name ->
#: class in ``io.cinestream.flink``. Not started by ``./pipeline metrics``; the bench runs them.
FLINK_SQL_JOBS = {
    "registration-metrics-sql": "RegistrationMetricsSqlJob",
    "movie-sales-sql": "MovieSalesSqlJob",
}

#: Quiet Kafka client logging for the Java tools that use slf4j-simple (generator, bench).
KAFKA_CLIENT_WARN = "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn"

DEVSTACK_MAIN = "io.cinestream.devstack.DevStack"
CATALOG_MAIN = "io.cinestream.spark.catalog.MovieCatalogJob"
RAW_LOADER_MAIN = "io.cinestream.spark.load.RawEventLoader"
LAKE_BACKFILL_MAIN = "io.cinestream.spark.load.LakeBackfill"
SPARK_METRICS_MAIN = "io.cinestream.spark.metrics.MetricsSparkJob"
DASHBOARD_MAIN = "io.cinestream.dashboard.DashboardCli"


@dataclass(frozen=True)
class Launch:
    """A command to start: ``argv`` (``argv[0]`` is the program) and ``env`` (variables to add)."""

    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)

    def environ(self, base: Mapping[str, str]) -> dict[str, str]:
        """The whole environment of the command: ``base`` plus :attr:`env`."""
        return {**base, **self.env}


def _endpoints(config: Config) -> list[str]:
    return [
        "--bootstrap",
        config.kafka_bootstrap,
        "--registry",
        config.schema_registry_url,
        "--jdbc-url",
        config.warehouse_jdbc_url,
    ]


#: The log4j2 configuration of spark-submit runs (stdout) and of the background ones (a rolling file).
SPARK_LOG4J = "spark-jobs/conf/log4j2.properties"
SPARK_ROLLING_LOG4J = "spark-jobs/conf/log4j2-rolling.properties"


def spark_submit(
    config: Config,
    spark_home: Path,
    main_class: str,
    args: Sequence[str],
    *,
    master: str | None = None,
    driver_java_options: str = "",
    driver_memory: str | None = None,
    conf: Sequence[str] = (),
) -> Launch:
    """``spark-submit`` of a class of the Spark jobs' jar with the project's settings.

    :param config: ``SPARK_MASTER``, ``SPARK_DRIVER_MEMORY``, ``SPARK_SHUFFLE_PARTITIONS``
    :param spark_home: the Spark distribution (``tools.spark_home``)
    :param main_class: fully qualified main class
    :param args: the job's own arguments
    :param master: overrides ``SPARK_MASTER`` (the raw loader runs on ``SPARK_LOADER_MASTER``)
    :param driver_java_options: JVM options added after the log4j configuration
    :param driver_memory: overrides ``SPARK_DRIVER_MEMORY``
    :param conf: more ``KEY=VALUE`` Spark settings, each passed as ``--conf KEY=VALUE`` (the bench: the event log)
    :return: the launch (env: ``SPARK_HOME``)
    """
    log4j = f"-Dlog4j2.configurationFile=file:{config.root}/{SPARK_LOG4J}"
    java_options = f"{log4j} {driver_java_options}".strip()
    argv = [
        f"{spark_home}/bin/spark-submit",
        "--master",
        master or config.spark_master,
        "--driver-memory",
        driver_memory or config.spark_driver_memory,
        "--conf",
        "spark.ui.enabled=false",
        "--conf",
        "spark.sql.session.timeZone=UTC",
        "--conf",
        f"spark.sql.shuffle.partitions={config.spark_shuffle_partitions}",
        *[arg for setting in conf for arg in ("--conf", setting)],
        "--driver-java-options",
        java_options,
        "--class",
        main_class,
        str(Jars(config.root).spark),
        *args,
    ]
    return Launch(argv, {"SPARK_HOME": str(spark_home)})


def spark_prometheus_conf(ui_port: int) -> list[str]:
    """Spark settings of a long-running (streaming) job: its UI on 127.0.0.1:``ui_port`` with Prometheus endpoints.

    ``/metrics/prometheus`` (PrometheusServlet: driver metrics, with the streaming queries' input
    rate, latency and event-time watermark) and ``/metrics/executors/prometheus``; the metrics
    namespace is fixed (``cinestream``, not the changing application id) so series keep their
    names across restarts (docs/operations.md#monitoring). Later ``--conf`` values win, so these
    override :func:`spark_submit`'s ``spark.ui.enabled=false``. The UI binds the address in
    ``SPARK_LOCAL_IP`` (the streaming builders set 127.0.0.1), not ``spark.driver.bindAddress``.

    :param ui_port: the UI's port (``SPARK_METRICS_UI_PORT``, ``SPARK_LOADER_UI_PORT``)
    :return: ``KEY=VALUE`` settings for ``spark_submit(conf=...)``
    """
    return [
        "spark.ui.enabled=true",
        f"spark.ui.port={ui_port}",
        "spark.driver.bindAddress=127.0.0.1",
        "spark.driver.host=127.0.0.1",
        "spark.ui.prometheus.enabled=true",
        "spark.sql.streaming.metricsEnabled=true",
        "spark.metrics.namespace=cinestream",
        "spark.metrics.conf.*.sink.prometheusServlet.class=org.apache.spark.metrics.sink.PrometheusServlet",
        "spark.metrics.conf.*.sink.prometheusServlet.path=/metrics/prometheus",
    ]


def _ui_on_loopback(command: Launch) -> Launch:
    """The command with ``SPARK_LOCAL_IP=127.0.0.1``: Spark's UI binds that address (else every interface)."""
    return Launch(command.argv, {**command.env, "SPARK_LOCAL_IP": "127.0.0.1"})


def _lake(config: Config) -> list[str]:
    """``--lake URI`` when the bronze lake is on (``LAKE_URI``), else nothing."""
    return [] if config.lake_uri is None else ["--lake", config.lake_uri]


def movie_catalog(config: Config, spark_home: Path, movies: Path, summary_json: Path | None = None) -> Launch:
    """MovieCatalogJob: the catalogue file into Kafka ``movies_catalog_enriched`` and the warehouse.

    :param movies: the catalogue file (made absolute)
    :param summary_json: where the job writes its data-quality summary as JSON, or None
    """
    args = ["--input", str(movies.resolve()), *_endpoints(config), *_lake(config)]
    if summary_json is not None:
        args += ["--summary-json", str(summary_json.resolve())]
    return spark_submit(config, spark_home, CATALOG_MAIN, args)


def raw_loader(config: Config, spark_home: Path, *, once: bool, extra: Sequence[str] = ()) -> Launch:
    """RawEventLoader on ``SPARK_LOADER_MASTER``: every event topic into the raw tables (and the bronze lake
    at ``LAKE_URI`` unless it is ``off``).

    :param once: True: catch up and stop (available-now), with the C1 JIT only (a one-shot batch
        spends more CPU in C2 than in its tasks, README "loader throughput"); False: streaming,
        with its Prometheus endpoint (:func:`spark_prometheus_conf` on ``SPARK_LOADER_UI_PORT``)
    :param extra: more loader options (chaos: ``--trigger-interval``)
    """
    args = [*_endpoints(config), "--checkpoint-dir", str(config.home / "checkpoints/raw-loader"), *_lake(config)]
    args += extra
    if once:
        return spark_submit(
            config,
            spark_home,
            RAW_LOADER_MAIN,
            ["--once", *args],
            master=config.spark_loader_master,
            driver_java_options="-XX:TieredStopAtLevel=1",
        )
    return _ui_on_loopback(
        spark_submit(
            config,
            spark_home,
            RAW_LOADER_MAIN,
            args,
            master=config.spark_loader_master,
            conf=spark_prometheus_conf(config.spark_loader_ui_port),
        )
    )


def lake_backfill(
    config: Config,
    spark_home: Path,
    *,
    topics: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
) -> Launch:
    """LakeBackfill on ``SPARK_LOADER_MASTER``: the raw tables rebuilt from the bronze lake (insert if absent).

    :param topics: event topics (empty: all)
    :param since: first event date ``YYYY-MM-DD`` (UTC, inclusive), or None
    :param until: last event date ``YYYY-MM-DD`` (UTC, inclusive), or None
    :raises ValueError: when the lake is off (``LAKE_URI=off``)
    """
    if config.lake_uri is None:
        raise ValueError("the bronze lake is off (LAKE_URI=off): nothing to backfill from")
    args = ["--lake", config.lake_uri, "--jdbc-url", config.warehouse_jdbc_url]
    if topics:
        args += ["--topics", ",".join(topics)]
    if since:
        args += ["--since", since]
    if until:
        args += ["--until", until]
    return spark_submit(config, spark_home, LAKE_BACKFILL_MAIN, args, master=config.spark_loader_master)


def spark_metrics(config: Config, spark_home: Path, *, bounded: bool) -> Launch:
    """MetricsSparkJob: the three Spark metric queries.

    :param bounded: True: available-now trigger (what the topics hold now), then stop; False:
        processing-time trigger, runs until stopped, with its Prometheus endpoint
        (:func:`spark_prometheus_conf` on ``SPARK_METRICS_UI_PORT``)
    """
    args = [*_endpoints(config), "--checkpoint-dir", str(config.home / "checkpoints/spark-metrics")]
    if bounded:
        return spark_submit(config, spark_home, SPARK_METRICS_MAIN, [*args, "--once"])
    return _ui_on_loopback(
        spark_submit(
            config, spark_home, SPARK_METRICS_MAIN, args, conf=spark_prometheus_conf(config.spark_metrics_ui_port)
        )
    )


def flink_cli(config: Config, flink_home: Path, args: Sequence[str]) -> Launch:
    """The Flink CLI against this stack's cluster (its rendered configuration folder and lib/).

    ``flink run`` runs the job's ``main()`` in the client to build the job graph: with the thin job
    jar, the connectors, Avro and our schemas come from the cluster's lib/ (FLINK_LIB_DIR), the same
    jars the cluster runs (docs/architecture.md#the-flink-job-jar).
    """
    conf = config.flink_conf_dir
    return Launch([f"{flink_home}/bin/flink", *args], {"FLINK_CONF_DIR": str(conf), "FLINK_LIB_DIR": str(conf / "lib")})


def flink_job_class(job: str) -> str:
    """The class (in ``io.cinestream.flink``) of a Flink job name of :data:`FLINK_JOBS` or :data:`FLINK_SQL_JOBS`.

    :raises KeyError: for an unknown job name
    """
    return {**FLINK_JOBS, **FLINK_SQL_JOBS}[job]


def flink_run_args(
    job: str,
    *,
    rest_port: int | str,
    endpoints: Sequence[str],
    parallelism: int | str,
    jar: Path,
    bounded: bool,
    restore: Path | None = None,
    extra: Sequence[str] = (),
) -> list[str]:
    """The arguments after ``flink`` of one metric job's submission (the one place they are written).

    :param job: a key of :data:`FLINK_JOBS` or :data:`FLINK_SQL_JOBS` (the job name)
    :param rest_port: the JobManager's REST port on 127.0.0.1
    :param endpoints: ``--bootstrap B --registry R --jdbc-url J``
    :param parallelism: the job's parallelism
    :param jar: the Flink jobs' thin jar (its libraries in the cluster's lib/)
    :param bounded: True: attached, reads each topic to its end offsets and finishes; False:
        detached (``-d``), runs until cancelled
    :param restore: checkpoint or savepoint folder to resume from (``-s``), or None
    :param extra: more job options (chaos: ``--checkpoint-interval``)
    :raises KeyError: for an unknown job name
    """
    main_class = f"io.cinestream.flink.{flink_job_class(job)}"
    args = ["run"] + ([] if bounded else ["-d"]) + ["-m", f"127.0.0.1:{rest_port}"]
    if restore is not None:
        args += ["-s", str(restore)]
    args += ["-c", main_class, str(jar), *endpoints, "--parallelism", str(parallelism), *extra]
    if bounded:
        args.append("--bounded")
    return args


def flink_metric_job_args(
    config: Config, job: str, *, bounded: bool, restore: Path | None = None, extra: Sequence[str] = ()
) -> list[str]:
    """:func:`flink_run_args` with this configuration's cluster, endpoints, parallelism and jar."""
    return flink_run_args(
        job,
        rest_port=config.flink_rest_port,
        endpoints=_endpoints(config),
        parallelism=config.flink_parallelism,
        jar=Jars(config.root).flink,
        bounded=bounded,
        restore=restore,
        extra=extra,
    )


def flink_metric_job(
    config: Config,
    flink_home: Path,
    job: str,
    *,
    bounded: bool,
    restore: Path | None = None,
    extra: Sequence[str] = (),
) -> Launch:
    """``flink run`` of one metric job on the local cluster (see :func:`flink_run_args`)."""
    args = flink_metric_job_args(config, job, bounded=bounded, restore=restore, extra=extra)
    return flink_cli(config, flink_home, args)


#: What ``flink run`` prints on submission; group 1 is the JobID. The one definition (the bench reads
#: it from ``./pipeline launch-spec``).
SUBMITTED_JOB_ID = re.compile(r"JobID ([0-9a-f]{32})")
_SUBMITTED = SUBMITTED_JOB_ID


def submitted_job_id(output: str) -> str | None:
    """The job id (32 hex) in the output of ``flink run`` ("Job has been submitted with JobID ..."), the last one."""
    ids = _SUBMITTED.findall(output)
    return ids[-1] if ids else None


def generator(config: Config, args: Sequence[str], *, heap: str = "1g") -> Launch:
    """The event generator into Kafka, with the Parallel collector.

    The generator is a batch producer: throughput matters and pauses do not, and the Parallel
    collector costs about 10 % less CPU per record than G1 (docs/benchmark.md#generator-throughput).

    :param args: the generator's own options (``java -jar generator.jar --help``)
    :param heap: its maximum heap
    """
    argv = ["java", f"-Xmx{heap}", "-XX:+UseParallelGC", KAFKA_CLIENT_WARN, "-jar", str(Jars(config.root).generator)]
    argv += ["--bootstrap", config.kafka_bootstrap, "--registry", config.schema_registry_url, *args]
    return Launch(argv)


#: The devstack services in start order, and what each listens on.
SERVICES = ("kafka", "postgres", "registry")


def devstack_service(config: Config, service: str) -> Launch:
    """One devstack service (KRaft Kafka broker, embedded PostgreSQL, schema registry) in the foreground.

    :param service: one of :data:`SERVICES`
    :raises ValueError: for another name
    """
    data = config.data_dir
    if service == "kafka":
        args = ["--data-dir", str(data / "kafka"), "--port", str(config.kafka_port)]
        args += ["--controller-port", str(config.kafka_controller_port)]
    elif service == "postgres":
        args = ["--data-dir", str(credentials.pgdata(config)), "--port", str(config.postgres_port)]
        # The passwords' files, never the passwords (credentials.py).
        args += ["--superuser-password-file", str(credentials.superuser_password_file(config))]
        args += ["--password-file", str(credentials.password_file(config))]
    elif service == "registry":
        args = ["--port", str(config.registry_port), "--bootstrap", config.kafka_bootstrap]
    else:
        raise ValueError(f"unknown devstack service {service!r} (one of {', '.join(SERVICES)})")
    jvm = [f"-Xmx{config.devstack_heap}", "-XX:+UseSerialGC", *service_logging(config, service)]
    return Launch(["java", *jvm, "-cp", Jars(config.root).devstack_cp, DEVSTACK_MAIN, service, *args])


def service_logging(config: Config, service: str) -> list[str]:
    """The JVM properties that send a devstack service's log to a rolling file (devstack's log4j2.xml).

    ``$CINESTREAM_HOME/logs/SERVICE.log``, rolled at ``LOG_MAX_SIZE_MB`` into ``SERVICE.log.1`` ...
    ``.LOG_MAX_FILES`` (the oldest deleted). What bypasses the logger (a JVM crash, an argument
    error) goes to the process's stdout/stderr, ``SERVICE.out``.
    """
    return [
        f"-Dcinestream.logFile={config.log_dir / (service + '.log')}",
        f"-Dcinestream.logMaxSize={config.log_max_size_mb}MB",
        f"-Dcinestream.logMaxFiles={config.log_max_files}",
    ]


def with_rolling_log(config: Config, command: Launch, name: str) -> Launch:
    """A spark-submit launch whose driver logs to a rolling file, like a devstack service.

    ``$CINESTREAM_HOME/logs/NAME.log`` (spark-jobs/conf/log4j2-rolling.properties), rolled at
    ``LOG_MAX_SIZE_MB`` into ``NAME.log.1`` ... ``.LOG_MAX_FILES`` (:func:`service_logging`). For the
    applications that run until stopped (local masters: the executors log from the driver's JVM).

    :param command: a launch of :func:`spark_submit`
    :param name: the log's name, e.g. ``raw-loader``
    :return: a new launch; ``command`` is left unchanged
    """
    argv = list(command.argv)
    i = argv.index("--driver-java-options") + 1
    console = f"-Dlog4j2.configurationFile=file:{config.root}/{SPARK_LOG4J}"
    rolling = f"-Dlog4j2.configurationFile=file:{config.root}/{SPARK_ROLLING_LOG4J}"
    argv[i] = " ".join([argv[i].replace(console, rolling), *service_logging(config, name)])
    return Launch(argv, dict(command.env))


def devstack_tool(config: Config, args: Sequence[str], java_options: Sequence[str] = ()) -> Launch:
    """A devstack command that runs and exits (``health``, ``tick``, ``table-counts``, ``create-topics``)."""
    return Launch(["java", *java_options, "-cp", Jars(config.root).devstack_cp, DEVSTACK_MAIN, *args])


def health(config: Config, only: str | None = None) -> Launch:
    """``devstack health``: a real request to each service; exit 0 when all answer.

    :param only: one service (``kafka``, ``postgres``, ``registry``) instead of all
    """
    args = ["health", *_endpoints(config)]
    if only:
        args += ["--only", only]
    # The Kafka client's connection retries are not shown: the verdict says it.
    return devstack_tool(config, args, ["-Dcinestream.kafkaClientLevel=ERROR"])


def tick(config: Config, at: str) -> Launch:
    """The final watermark tick on every partition of every event topic, record timestamp ``at`` (ISO UTC)."""
    return devstack_tool(config, ["tick", "--bootstrap", config.kafka_bootstrap, "--at", at])


def table_counts(config: Config, *, metrics: bool = False) -> Launch:
    """Row counts of the raw tables (``metrics``: of the metric tables)."""
    return devstack_tool(
        config, ["table-counts", "--jdbc-url", config.warehouse_jdbc_url, *(["--metrics"] if metrics else [])]
    )


def verify_reference(config: Config) -> Launch:
    """The reference metrics from the raw tables (plain Java).

    Flink leaves events behind its watermark out of its metrics (they are in late_events): the
    reference leaves out the same events, so the comparison is like for like.
    """
    argv = ["java", "-jar", str(Jars(config.root).verify), "reference", "--jdbc-url", config.warehouse_jdbc_url]
    return Launch([*argv, "--exclude-late-of", "flink"])


def verify_compare(config: Config, closed_by: str | None = None) -> Launch:
    """Every engine's metric tables compared with the reference; exit non-zero on a difference.

    :param closed_by: ISO UTC event time: compare only the ticks and windows closed by then (live mode)
    """
    argv = ["java", "-jar", str(Jars(config.root).verify), "compare", "--jdbc-url", config.warehouse_jdbc_url]
    return Launch(argv + (["--closed-by", closed_by] if closed_by else []))


def report(config: Config, out: Path, run_id: str, params: Sequence[str] = (), timings: Path | None = None) -> Launch:
    """The run report (charts, parity, row counts, step timings) into ``out``.

    :param params: ``KEY=VALUE`` parameters shown in the report
    :param timings: a ``NAME<TAB>seconds`` file of step durations, or None
    """
    argv = ["java", "-Djava.awt.headless=true", "-jar", str(Jars(config.root).verify), "report"]
    argv += ["--jdbc-url", config.warehouse_jdbc_url, "--out", str(out), "--run-id", run_id]
    for param in params:
        argv += ["--param", param]
    if timings is not None:
        argv += ["--timings", str(timings)]
    return Launch(argv)


def dbt(config: Config, args: Sequence[str]) -> Launch:
    """dbt of the dbt venv on the project in ``dbt/`` against the local warehouse (target postgres)."""
    argv = [str(config.venvs / "dbt/bin/dbt"), *args, "--project-dir", str(config.root / "dbt")]
    return Launch(argv, {"DBT_PROFILES_DIR": str(config.root / "dbt"), "POSTGRES_PORT": str(config.postgres_port)})


def dashboard(config: Config) -> Launch:
    """The live dashboard (docs/operations.md#dashboard): its page, JSON API and the pipeline's gauges on /metrics.

    On 127.0.0.1:``DASHBOARD_PORT``; reads the warehouse (role cinestream, password from the
    environment), Kafka's consumer lag (with the Spark queries' positions from their checkpoints
    under ``$CINESTREAM_HOME/checkpoints``) and Prometheus' alerts (127.0.0.1:``PROMETHEUS_PORT``).
    """
    argv = ["java", "-Xmx256m", "-XX:+UseSerialGC", KAFKA_CLIENT_WARN, "-cp", str(Jars(config.root).dashboard)]
    argv += [DASHBOARD_MAIN, "--host", "127.0.0.1", "--port", str(config.dashboard_port)]
    argv += ["--jdbc-url", config.warehouse_jdbc_url, "--bootstrap", config.kafka_bootstrap]
    argv += ["--prometheus-url", f"http://127.0.0.1:{config.prometheus_port}"]
    # The Spark queries' positions are in their checkpoints (Spark commits no group offsets).
    argv += ["--spark-checkpoints", str(config.home / "checkpoints")]
    return Launch(argv)
