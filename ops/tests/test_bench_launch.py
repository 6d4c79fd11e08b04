"""The bench's launch specs: the exact commands ``./pipeline launch-spec`` hands to bench/ (issue 22)."""

import json
import re
from pathlib import Path

import pytest

from cinestream_ops import bench_launch, cli
from cinestream_ops.config import Config

FLINK = Path("/flink")
SPARK = Path("/spark")
ENDPOINTS = [
    "--bootstrap",
    "127.0.0.1:9092",
    "--registry",
    "http://127.0.0.1:8081",
    "--jdbc-url",
    "jdbc:postgresql://127.0.0.1:5432/cinestream?user=cinestream",
]


def test_flink_sql_registration_is_the_sql_peer_class_bounded_with_group_and_checkpoints(
    config: Config, root: Path
) -> None:
    got = bench_launch.spec(
        config, job="registration", engine="flink_sql", flink_home=FLINK, group_id="g-1", checkpoint_interval="10 s"
    )
    assert got["argv"] == [
        "/flink/bin/flink",
        "run",
        "-m",
        "127.0.0.1:8082",
        "-c",
        "io.cinestream.flink.RegistrationMetricsSqlJob",
        f"{root}/flink-jobs/target/flink-jobs.jar",
        *ENDPOINTS,
        "--parallelism",
        "2",
        "--group-id",
        "g-1",
        "--checkpoint-interval",
        "10 s",
        "--bounded",
    ]
    assert got["env"] == {
        "FLINK_CONF_DIR": f"{root}/.local/flink-conf",
        "FLINK_LIB_DIR": f"{root}/.local/flink-conf/lib",
    }
    assert got["runtime"] == "flink"
    assert got["job_name"] == "registration-metrics-sql"
    assert got["main_class"] == "io.cinestream.flink.RegistrationMetricsSqlJob"
    # the pattern finds the JobID in what flink run prints
    out = "Job has been submitted with JobID 0123456789abcdef0123456789abcdef\n"
    assert re.search(got["job_id_pattern"], out).group(1) == "0123456789abcdef0123456789abcdef"
    json.dumps(got)  # JSON-serialisable as printed


def test_flink_datastream_sessions_detached_on_a_given_parallelism(config: Config) -> None:
    got = bench_launch.spec(config, job="sessions", engine="flink", flink_home=FLINK, bounded=False, parallelism=3)
    assert got["argv"][1:4] == ["run", "-d", "-m"]
    assert got["argv"][5:7] == ["-c", "io.cinestream.flink.SessionMetricsJob"]
    assert got["argv"][-2:] == ["--parallelism", "3"]
    assert got["job_name"] == "session-metrics"


def test_spark_sales_once_with_event_log_on_local_n(config: Config, root: Path, tmp_path: Path) -> None:
    got = bench_launch.spec(
        config,
        job="sales",
        engine="spark",
        spark_home=SPARK,
        checkpoint_dir=tmp_path / "cp",
        event_log_dir=tmp_path / "ev",
        driver_memory="1536m",
    )
    assert got["argv"] == [
        "/spark/bin/spark-submit",
        "--master",
        "local[2]",
        "--driver-memory",
        "1536m",
        "--conf",
        "spark.ui.enabled=false",
        "--conf",
        "spark.sql.session.timeZone=UTC",
        "--conf",
        "spark.sql.shuffle.partitions=4",
        "--conf",
        "spark.eventLog.enabled=true",
        "--conf",
        f"spark.eventLog.dir={(tmp_path / 'ev').as_uri()}",
        "--driver-java-options",
        f"-Dlog4j2.configurationFile=file:{root}/spark-jobs/conf/log4j2.properties",
        "--class",
        "io.cinestream.spark.metrics.MetricsSparkJob",
        f"{root}/spark-jobs/target/spark-jobs.jar",
        *ENDPOINTS,
        "--jobs",
        "sales",
        "--checkpoint-dir",
        str(tmp_path / "cp"),
        "--once",
    ]
    assert got["env"] == {"SPARK_HOME": "/spark"}
    assert got["job_id_pattern"] is None and got["job_name"] is None


def test_spark_unbounded_takes_the_trigger_interval(config: Config, tmp_path: Path) -> None:
    got = bench_launch.spec(
        config,
        job="registration",
        engine="spark",
        spark_home=SPARK,
        bounded=False,
        checkpoint_dir=tmp_path,
        trigger_interval="1 second",
        max_offsets_per_trigger=50000,
    )
    assert got["argv"][-4:] == ["--trigger-interval", "1 second", "--max-offsets-per-trigger", "50000"]
    assert "--once" not in got["argv"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"job": "sessions", "engine": "flink_sql", "flink_home": FLINK}, "sessions has no Flink SQL peer job"),
        ({"job": "sales", "engine": "spark", "spark_home": SPARK}, "Spark needs a checkpoint folder"),
        ({"job": "sales", "engine": "storm"}, "unknown engine 'storm'"),
        ({"job": "sales", "engine": "flink"}, "the Flink distribution is required"),
    ],
)
def test_impossible_launches_say_why(config: Config, kwargs: dict, message: str) -> None:
    with pytest.raises(bench_launch.NoLaunch, match=message):
        bench_launch.spec(config, **kwargs)


def test_cli_refuses_sessions_on_flink_sql_with_exit_2(
    monkeypatch: pytest.MonkeyPatch, config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "load_config", lambda: config)
    monkeypatch.setattr("cinestream_ops.tools.flink_home", lambda _c: FLINK)
    assert cli.main(["launch-spec", "--job", "sessions", "--engine", "flink_sql"]) == 2
    assert "sessions has no Flink SQL peer job" in capsys.readouterr().err
    assert cli.main(["launch-spec", "--job", "sales", "--engine", "flink_sql", "--group-id", "g"]) == 0
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed["main_class"] == "io.cinestream.flink.MovieSalesSqlJob"
    assert printed["argv"][0] == "/flink/bin/flink"
