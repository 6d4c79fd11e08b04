"""The launch builders: the exact command of every job (checked by hand against the bash pipeline they replace)."""

from pathlib import Path

import pytest

from cinestream_ops import launch
from cinestream_ops.config import Config

SPARK = Path("/spark")
FLINK = Path("/flink")
ENDPOINTS = [
    "--bootstrap",
    "127.0.0.1:9092",
    "--registry",
    "http://127.0.0.1:8081",
    "--jdbc-url",
    "jdbc:postgresql://127.0.0.1:5432/cinestream?user=cinestream",
]


def spark_prefix(root: Path, master: str, java_options: str) -> list[str]:
    return [
        "/spark/bin/spark-submit",
        "--master",
        master,
        "--driver-memory",
        "2g",
        "--conf",
        "spark.ui.enabled=false",
        "--conf",
        "spark.sql.session.timeZone=UTC",
        "--conf",
        "spark.sql.shuffle.partitions=4",
        "--driver-java-options",
        java_options,
    ]


def log4j(root: Path) -> str:
    return f"-Dlog4j2.configurationFile=file:{root}/spark-jobs/conf/log4j2.properties"


def test_movie_catalog(config: Config, root: Path, tmp_path: Path) -> None:
    movies = tmp_path / "m.txt"
    got = launch.movie_catalog(config, SPARK, movies)
    assert got.argv == [
        *spark_prefix(root, "local[2]", log4j(root)),
        "--class",
        "io.cinestream.spark.catalog.MovieCatalogJob",
        f"{root}/spark-jobs/target/spark-jobs.jar",
        "--input",
        str(movies),
        *ENDPOINTS,
        "--lake",
        f"{root}/.local/data/lake",
    ]
    assert got.env == {"SPARK_HOME": "/spark"}
    with_json = launch.movie_catalog(config, SPARK, movies, tmp_path / "s.json")
    assert with_json.argv == [*got.argv, "--summary-json", str(tmp_path / "s.json")]


def test_raw_loader_once_uses_loader_master_and_c1_only(config: Config, root: Path) -> None:
    got = launch.raw_loader(config, SPARK, once=True)
    assert got.argv == [
        *spark_prefix(root, "local[6]", f"{log4j(root)} -XX:TieredStopAtLevel=1"),
        "--class",
        "io.cinestream.spark.load.RawEventLoader",
        f"{root}/spark-jobs/target/spark-jobs.jar",
        "--once",
        *ENDPOINTS,
        "--checkpoint-dir",
        f"{root}/.local/checkpoints/raw-loader",
        "--lake",
        f"{root}/.local/data/lake",
    ]


#: The Prometheus settings of a streaming Spark job, written out by hand (docs/operations.md#monitoring).
def prometheus_conf(port: int) -> list[str]:
    settings = [
        "spark.ui.enabled=true",
        f"spark.ui.port={port}",
        "spark.driver.bindAddress=127.0.0.1",
        "spark.driver.host=127.0.0.1",
        "spark.ui.prometheus.enabled=true",
        "spark.sql.streaming.metricsEnabled=true",
        "spark.metrics.namespace=cinestream",
        "spark.metrics.conf.*.sink.prometheusServlet.class=org.apache.spark.metrics.sink.PrometheusServlet",
        "spark.metrics.conf.*.sink.prometheusServlet.path=/metrics/prometheus",
    ]
    return [arg for setting in settings for arg in ("--conf", setting)]


def test_raw_loader_streaming(config: Config, root: Path) -> None:
    got = launch.raw_loader(config, SPARK, once=False)
    prefix = spark_prefix(root, "local[6]", log4j(root))
    # The Prometheus settings come after spark.ui.enabled=false (the last --conf wins), before the
    # driver options; the loader's UI port is SPARK_LOADER_UI_PORT (default 4041).
    assert got.argv[:11] == prefix[:11]
    assert got.argv[11:29] == prometheus_conf(4041)
    assert got.argv[29:31] == prefix[11:13]
    assert got.argv[31:] == [
        "--class",
        "io.cinestream.spark.load.RawEventLoader",
        f"{root}/spark-jobs/target/spark-jobs.jar",
        *ENDPOINTS,
        "--checkpoint-dir",
        f"{root}/.local/checkpoints/raw-loader",
        "--lake",
        f"{root}/.local/data/lake",
    ]
    # Spark's UI binds SPARK_LOCAL_IP (every interface without it).
    assert got.env == {"SPARK_HOME": "/spark", "SPARK_LOCAL_IP": "127.0.0.1"}


@pytest.mark.parametrize("bounded", [True, False])
def test_spark_metrics(config: Config, root: Path, bounded: bool) -> None:
    got = launch.spark_metrics(config, SPARK, bounded=bounded)
    prefix = spark_prefix(root, "local[2]", log4j(root))
    if not bounded:  # streaming: its UI and Prometheus endpoint on SPARK_METRICS_UI_PORT (4040)
        prefix = [*prefix[:11], *prometheus_conf(4040), *prefix[11:]]
    assert got.argv == [
        *prefix,
        "--class",
        "io.cinestream.spark.metrics.MetricsSparkJob",
        f"{root}/spark-jobs/target/spark-jobs.jar",
        *ENDPOINTS,
        "--checkpoint-dir",
        f"{root}/.local/checkpoints/spark-metrics",
        *(["--once"] if bounded else []),
    ]
    assert got.env == {"SPARK_HOME": "/spark", **({} if bounded else {"SPARK_LOCAL_IP": "127.0.0.1"})}


def test_a_background_spark_application_logs_to_a_rolling_file(config: Config, root: Path) -> None:
    command = launch.spark_metrics(config, SPARK, bounded=False)
    got = launch.with_rolling_log(config, command, "spark-metrics")
    i = command.argv.index("--driver-java-options") + 1
    # Only the driver's JVM options change: the rolling configuration and its file, size and count.
    assert got.argv[:i] == command.argv[:i] and got.argv[i + 1 :] == command.argv[i + 1 :]
    assert got.argv[i] == (
        f"-Dlog4j2.configurationFile=file:{root}/spark-jobs/conf/log4j2-rolling.properties"
        f" -Dcinestream.logFile={root}/.local/logs/spark-metrics.log"
        " -Dcinestream.logMaxSize=10MB -Dcinestream.logMaxFiles=5"
    )
    assert got.env == command.env
    assert command.argv[i] == f"-Dlog4j2.configurationFile=file:{root}/spark-jobs/conf/log4j2.properties"


def test_flink_job_bounded(config: Config, root: Path) -> None:
    got = launch.flink_metric_job(config, FLINK, "session-metrics", bounded=True)
    assert got.argv == [
        "/flink/bin/flink",
        "run",
        "-m",
        "127.0.0.1:8082",
        "-c",
        "io.cinestream.flink.SessionMetricsJob",
        f"{root}/flink-jobs/target/flink-jobs.jar",
        *ENDPOINTS,
        "--parallelism",
        "2",
        "--bounded",
    ]
    # The thin job jar's libraries: the client runs main() with the cluster's lib/ (the same jars).
    assert got.env == {"FLINK_CONF_DIR": f"{root}/.local/flink-conf", "FLINK_LIB_DIR": f"{root}/.local/flink-conf/lib"}


def test_flink_job_detached_with_restore(config: Config, root: Path) -> None:
    args = launch.flink_metric_job_args(config, "movie-sales", bounded=False, restore=Path("/cp/chk-3"))
    assert args == [
        "run",
        "-d",
        "-m",
        "127.0.0.1:8082",
        "-s",
        "/cp/chk-3",
        "-c",
        "io.cinestream.flink.MovieSalesJob",
        f"{root}/flink-jobs/target/flink-jobs.jar",
        *ENDPOINTS,
        "--parallelism",
        "2",
    ]
    with pytest.raises(KeyError):
        launch.flink_metric_job_args(config, "nope", bounded=False)


def test_generator(config: Config, root: Path) -> None:
    got = launch.generator(config, ["--users", "5"])
    assert got.argv == [
        "java",
        "-Xmx1g",
        "-XX:+UseParallelGC",
        "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn",
        "-jar",
        f"{root}/generator/target/generator.jar",
        "--bootstrap",
        "127.0.0.1:9092",
        "--registry",
        "http://127.0.0.1:8081",
        "--users",
        "5",
    ]


def test_devstack_services(config: Config, root: Path) -> None:
    cp = f"{root}/devstack/target/devstack.jar:{root}/devstack/target/lib/*"
    data = f"{root}/.local/data"

    def head(service: str) -> list[str]:
        # Each service logs to its own rolling file: 10 MB, 5 rolled files (LOG_MAX_SIZE_MB, LOG_MAX_FILES).
        logging = [f"-Dcinestream.logFile={root}/.local/logs/{service}.log"]
        logging += ["-Dcinestream.logMaxSize=10MB", "-Dcinestream.logMaxFiles=5"]
        return ["java", "-Xmx512m", "-XX:+UseSerialGC", *logging, "-cp", cp, "io.cinestream.devstack.DevStack"]

    assert launch.devstack_service(config, "kafka").argv == [
        *head("kafka"),
        "kafka",
        "--data-dir",
        f"{data}/kafka",
        "--port",
        "9092",
        "--controller-port",
        "9093",
    ]
    assert launch.devstack_service(config, "postgres").argv == [
        *head("postgres"),
        "postgres",
        "--data-dir",
        f"{data}/postgres",
        "--port",
        "5432",
        "--superuser-password-file",
        f"{data}/postgres-superuser.password",
        "--password-file",
        f"{data}/postgres.password",
    ]
    assert launch.devstack_service(config, "registry").argv == [
        *head("registry"),
        "registry",
        "--port",
        "8081",
        "--bootstrap",
        "127.0.0.1:9092",
    ]
    with pytest.raises(ValueError, match="unknown devstack service 'zk'"):
        launch.devstack_service(config, "zk")


def test_health_tick_and_counts(config: Config, root: Path) -> None:
    cp = f"{root}/devstack/target/devstack.jar:{root}/devstack/target/lib/*"
    assert launch.health(config, "kafka").argv == [
        "java",
        "-Dcinestream.kafkaClientLevel=ERROR",
        "-cp",
        cp,
        "io.cinestream.devstack.DevStack",
        "health",
        *ENDPOINTS,
        "--only",
        "kafka",
    ]
    assert launch.tick(config, "2026-01-06T01:02:01Z").argv[-5:] == [
        "tick",
        "--bootstrap",
        "127.0.0.1:9092",
        "--at",
        "2026-01-06T01:02:01Z",
    ]
    assert launch.table_counts(config, metrics=True).argv[-4:] == [
        "table-counts",
        "--jdbc-url",
        "jdbc:postgresql://127.0.0.1:5432/cinestream?user=cinestream",
        "--metrics",
    ]


def test_verify_report_and_dbt(config: Config, root: Path) -> None:
    jar = f"{root}/verify/target/verify.jar"
    url = "jdbc:postgresql://127.0.0.1:5432/cinestream?user=cinestream"
    assert launch.verify_reference(config).argv == [
        "java",
        "-jar",
        jar,
        "reference",
        "--jdbc-url",
        url,
        "--exclude-late-of",
        "flink",
    ]
    assert launch.verify_compare(config).argv == ["java", "-jar", jar, "compare", "--jdbc-url", url]
    closed = launch.verify_compare(config, "2026-12-05T07:34:48Z").argv
    assert closed[-2:] == ["--closed-by", "2026-12-05T07:34:48Z"]
    got = launch.report(config, Path("/r/x"), "x", ["users=3", "hours=2"], Path("/t.tsv"))
    assert got.argv == [
        "java",
        "-Djava.awt.headless=true",
        "-jar",
        jar,
        "report",
        "--jdbc-url",
        url,
        "--out",
        "/r/x",
        "--run-id",
        "x",
        "--param",
        "users=3",
        "--param",
        "hours=2",
        "--timings",
        "/t.tsv",
    ]
    dbt = launch.dbt(config, ["build", "--full-refresh"])
    assert dbt.argv == ["/venvs/dbt/bin/dbt", "build", "--full-refresh", "--project-dir", f"{root}/dbt"]
    assert dbt.env == {"DBT_PROFILES_DIR": f"{root}/dbt", "POSTGRES_PORT": "5432"}
    assert dbt.environ({"PATH": "/bin", "POSTGRES_PORT": "1"}) == {
        "PATH": "/bin",
        "DBT_PROFILES_DIR": f"{root}/dbt",
        "POSTGRES_PORT": "5432",
    }


def test_submitted_job_id_is_the_last_one_printed() -> None:
    out = f"Job has been submitted with JobID {'a' * 32}\nJob has been submitted with JobID {'b' * 32}\n"
    assert launch.submitted_job_id(out) == "b" * 32
    assert launch.submitted_job_id("Could not connect to 127.0.0.1:8082") is None
    assert launch.submitted_job_id("JobID ABCDEF") is None


def test_the_lake_follows_lake_uri_and_is_left_out_when_off(root: Path) -> None:
    s3 = Config.load(root, {"LAKE_URI": "s3a://bucket/lake"})
    assert launch.raw_loader(s3, SPARK, once=True).argv[-2:] == ["--lake", "s3a://bucket/lake"]
    relative = Config.load(root, {"LAKE_URI": "lake-here"})
    assert relative.lake_uri == f"{root}/lake-here"
    off = Config.load(root, {"LAKE_URI": "off"})
    assert "--lake" not in launch.raw_loader(off, SPARK, once=True).argv
    assert "--lake" not in launch.movie_catalog(off, SPARK, root / "m.txt").argv
    with pytest.raises(ValueError, match="the bronze lake is off"):
        launch.lake_backfill(off, SPARK)
    # Another stack home (chaos, bench) gets its own lake.
    assert Config.load(root, {}).with_home(root / "other").lake_uri == f"{root}/other/data/lake"


def test_lake_backfill(config: Config, root: Path) -> None:
    got = launch.lake_backfill(config, SPARK)
    assert got.argv == [
        *spark_prefix(root, "local[6]", log4j(root)),
        "--class",
        "io.cinestream.spark.load.LakeBackfill",
        f"{root}/spark-jobs/target/spark-jobs.jar",
        "--lake",
        f"{root}/.local/data/lake",
        "--jdbc-url",
        "jdbc:postgresql://127.0.0.1:5432/cinestream?user=cinestream",
    ]
    chosen = launch.lake_backfill(
        config, SPARK, topics=("sign_in", "item_view"), since="2026-01-05", until="2026-01-06"
    )
    assert chosen.argv[len(got.argv) :] == [
        "--topics",
        "sign_in,item_view",
        "--since",
        "2026-01-05",
        "--until",
        "2026-01-06",
    ]
