"""Flink job bookkeeping, the segmentation steps' arguments and the ./pipeline runner."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta, timezone

import pytest

from cinestream.config import Settings
from cinestream.flink_jobs import FlinkJobStatus, missing_jobs, parse_jobs_overview
from cinestream.pipeline_cli import PipelineCommandError, run_pipeline
from cinestream.segmentation import dbt_build_args, ensure_flink_jobs, raw_loader_args

REG = "a" * 32
SES = "b" * 32
OLD_SALES = "c" * 32
BOUNDED_SALES = "d" * 32

# What GET /jobs/overview answers (Flink 2.x; fields the code does not read trimmed).
OVERVIEW = {
    "jobs": [
        {"jid": REG, "name": "registration-metrics", "state": "RUNNING", "start-time": 1},
        {"jid": SES, "name": "session-metrics", "state": "RESTARTING", "start-time": 2},
        {"jid": BOUNDED_SALES, "name": "movie-sales", "state": "FINISHED", "start-time": 3},
        {"jid": OLD_SALES, "name": "movie-sales", "state": "CANCELED", "start-time": 4},
    ]
}


def test_parses_the_jobs_overview_and_finds_the_jobs_not_alive():
    statuses = parse_jobs_overview(OVERVIEW)
    assert statuses == [
        FlinkJobStatus(REG, "registration-metrics", "RUNNING"),
        FlinkJobStatus(SES, "session-metrics", "RESTARTING"),
        FlinkJobStatus(BOUNDED_SALES, "movie-sales", "FINISHED"),
        FlinkJobStatus(OLD_SALES, "movie-sales", "CANCELED"),
    ]
    assert missing_jobs(statuses) == ["movie-sales"]


def test_an_unexpected_overview_is_named():
    with pytest.raises(ValueError, match="no 'jobs' list"):
        parse_jobs_overview({"errors": ["Not found"]})
    with pytest.raises(ValueError, match="a job lacks 'state'"):
        parse_jobs_overview({"jobs": [{"jid": REG, "name": "movie-sales"}]})


@pytest.fixture
def settings(tmp_path) -> Settings:
    root = tmp_path / "checkout"
    root.mkdir()
    (root / "cinestream.conf").write_text(
        "CINESTREAM_HOME=.local\nKAFKA_PORT=9092\nKAFKA_BOOTSTRAP=127.0.0.1:${KAFKA_PORT}\n"
        "SCHEMA_REGISTRY_URL=http://127.0.0.1:8081\nFLINK_REST_PORT=8082\nFLINK_PARALLELISM=2\n"
        "FLINK_URL=http://127.0.0.1:${FLINK_REST_PORT}\n"
        "WAREHOUSE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/cinestream?user=postgres\n"
    )
    variables = {"cinestream_root": str(root), "cinestream_conf": json.dumps({"KAFKA_PORT": "19092"})}
    return Settings.load(variables.get, environ={"FLINK_REST_PORT": "18082"})


def test_settings_come_from_variables_then_environment_then_the_conf_file(settings, tmp_path):
    root = tmp_path / "checkout"
    assert settings.conf["FLINK_REST_PORT"] == "18082"  # environment over file
    assert settings.conf["KAFKA_PORT"] == "19092"  # Variable over file
    # ${KAFKA_PORT} expands while the file is read, as in ./pipeline; the Variable comes after.
    assert settings.conf["KAFKA_BOOTSTRAP"] == "127.0.0.1:9092"
    assert settings.home == root / ".local"
    assert settings.incoming_dir == root / ".local" / "incoming"
    assert settings.pipeline_env({"PATH": "/bin"}) == {"PATH": "/bin", "KAFKA_PORT": "19092"}


def test_invalid_variables_are_named(settings, tmp_path):
    root = str(tmp_path / "checkout")
    with pytest.raises(ValueError, match="cinestream_conf: not valid JSON"):
        Settings.load({"cinestream_root": root, "cinestream_conf": "{"}.get, environ={})
    with pytest.raises(ValueError, match="cinestream_raw_loader_mode: 'always'"):
        Settings.load({"cinestream_root": root, "cinestream_raw_loader_mode": "always"}.get, environ={})


def test_ensure_flink_jobs_submits_through_the_ops_package_only_when_a_job_is_missing(settings):
    calls = []
    cluster = parse_jobs_overview(OVERVIEW)

    def runner(pipeline, args, env):
        calls.append(list(args))
        assert pipeline == settings.root / "pipeline"
        assert env["KAFKA_PORT"] == "19092"
        # What ./pipeline metrics --engine flink did: the missing job submitted (resume.py decides from where).
        cluster.append(FlinkJobStatus("f" * 32, "movie-sales", "RUNNING"))
        return "MovieSalesJob submitted: JobID " + "f" * 32 + " (first start)"

    def list_jobs(flink_url):
        assert flink_url == "http://127.0.0.1:18082"
        return list(cluster)

    result = ensure_flink_jobs(settings, runner, list_jobs)
    assert calls == [["metrics", "--engine", "flink"]]
    assert result == {
        "registration-metrics": f"running {REG}",
        "session-metrics": f"running {SES}",
        "movie-sales": f"submitted {'f' * 32}",
    }
    # Run again: every job is alive, so nothing is called and the answer names the same jobs.
    again = ensure_flink_jobs(settings, runner, list_jobs)
    assert calls == [["metrics", "--engine", "flink"]]
    assert again == {**result, "movie-sales": f"running {'f' * 32}"}


def test_ensure_flink_jobs_fails_when_a_job_is_still_missing_after_the_submission(settings):
    def runner(pipeline, args, env):
        return "nothing submitted"

    with pytest.raises(RuntimeError, match="left registration-metrics, session-metrics, movie-sales not running"):
        ensure_flink_jobs(settings, runner, lambda url: [])


def test_dbt_builds_incrementally_except_at_midnight_utc_or_when_forced():
    utc = UTC
    assert dbt_build_args(datetime(2026, 1, 5, 0, 0, tzinfo=utc), False) == ["dbt", "build", "--full-refresh"]
    assert dbt_build_args(datetime(2026, 1, 5, 13, 0, tzinfo=utc), False) == ["dbt", "build"]
    # 01:00 at UTC+1 is 00:00 UTC.
    cet = timezone(timedelta(hours=1))
    assert dbt_build_args(datetime(2026, 1, 5, 1, 0, tzinfo=cet), False) == ["dbt", "build", "--full-refresh"]
    assert dbt_build_args(None, False) == ["dbt", "build"]
    assert dbt_build_args(datetime(2026, 1, 5, 13, 0, tzinfo=utc), True) == ["dbt", "build", "--full-refresh"]


def test_raw_loader_modes():
    assert raw_loader_args("continuous") == ["load", "--detach"]
    assert raw_loader_args("once") == ["load"]
    with pytest.raises(ValueError):
        raw_loader_args("sometimes")


def test_run_pipeline_returns_the_output_and_names_a_failure(tmp_path):
    script = tmp_path / "pipeline"
    script.write_text(
        "#!/usr/bin/env bash\n"
        'echo "args: $*"; echo "cwd: $PWD"\n'
        '[[ "$1" != fail ]] || { echo "FAILED step: x" >&2; exit 3; }\n'
    )
    script.chmod(0o755)
    assert run_pipeline(script, ["verify"], {"PATH": os.environ["PATH"]}) == f"args: verify\ncwd: {tmp_path}\n"
    with pytest.raises(PipelineCommandError) as e:
        run_pipeline(script, ["fail", "now"], {"PATH": os.environ["PATH"]})
    assert e.value.returncode == 3
    assert (
        str(e.value)
        == f"{script} fail now exited with status 3; last output:\nargs: fail now\ncwd: {tmp_path}\nFAILED step: x"
    )
