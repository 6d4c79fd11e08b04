"""verify's horizon while streaming: the lowest of the engines' watermarks and the raw tables' newest
event time minus the bound, with the Flink REST API, the Spark checkpoints and the warehouse faked
(the checkpoint folders are real files in Spark's offsets-log format)."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cinestream_ops import cli, horizon, launch, live, stack
from cinestream_ops.config import Config
from cinestream_ops.console import StepFailed

# 2026-12-05T10:14:00Z
T = 1_796_465_640_000


def _batch(folder: Path, batch: int, watermark_ms: int) -> None:
    for sub in ("offsets", "commits"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    meta = {"batchWatermarkMs": watermark_ms, "batchTimestampMs": 1, "conf": {}}
    (folder / "offsets" / str(batch)).write_text(f'v1\n{json.dumps(meta)}\n{{"t":{{"0":5}}}}\n')
    (folder / "commits" / str(batch)).write_text('v1\n{"nextBatchWatermarkMs":0}\n')


@pytest.fixture
def streaming(config: Config, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Three running Flink jobs, two Spark queries and raw tables, with watermarks the test may change."""
    marks: dict[str, object] = {
        "registration-metrics": T + 30_000,
        "session-metrics": T + 5_000,
        "movie-sales": T + 60_000,
        "raw": datetime.fromtimestamp((T + 200_000) / 1000, UTC),
    }
    jobs = [{"jid": f"id-{name}", "name": name, "state": "RUNNING"} for name in launch.FLINK_JOBS]
    monkeypatch.setattr(stack, "flink_jobs", lambda _config: jobs)
    monkeypatch.setattr(live, "flink_watermarks", lambda _config, jid: {"Sink: upsert": marks[jid.removeprefix("id-")]})
    monkeypatch.setattr(live, "query", lambda _config, _sql, _params=(): [(marks["raw"],)])
    spark = config.home / "checkpoints/spark-metrics"
    _batch(spark / "registration-metrics", 3, T + 40_000)
    _batch(spark / "session-metrics", 7, T + 20_000)
    return marks


def test_the_lowest_watermark_plus_one_ms_cut_to_seconds_sets_the_horizon(
    config: Config, streaming: dict[str, object]
) -> None:
    # Lowest: the Flink session job at T + 5 s; + 1 ms, cut to seconds: T + 5 s.
    found = horizon.engines_horizon(config)
    assert found.closed_by_ms == T + 5_000
    assert found.iso == "2026-12-05T10:14:05Z"
    assert found.marks[0] == ("flink session-metrics Sink: upsert", T + 5_000)
    assert len(found.marks) == 3 + 2 + 1
    assert found.describe() == (
        "closed by 2026-12-05T10:14:05Z: the lowest watermark is flink session-metrics Sink: upsert's,"
        " 2026-12-05T10:14:05.000Z"
    )


def test_a_watermark_at_a_window_end_minus_one_ms_closes_that_window(config: Config, streaming: dict) -> None:
    # Watermark 10:14:59.999 closes [10:14, 10:15): the horizon is 10:15:00.
    streaming["session-metrics"] = T + 59_999
    streaming["registration-metrics"] = T + 59_999
    assert horizon.engines_horizon(config).iso == "2026-12-05T10:14:20Z"  # now Spark's session query
    assert horizon.lowest([("a", T + 59_999)]).iso == "2026-12-05T10:15:00Z"
    assert horizon.lowest([("a", T + 59_998)]).iso == "2026-12-05T10:14:59Z"


def test_the_raw_tables_lagging_behind_the_engines_set_the_horizon(config: Config, streaming: dict) -> None:
    # Newest raw event 10:16:00 - 120 s bound - 1 ms = 10:13:59.999: below every engine's watermark.
    streaming["raw"] = datetime.fromtimestamp((T + 120_000) / 1000, UTC)
    found = horizon.engines_horizon(config)
    assert found.marks[0] == ("the raw tables", T - 1)
    assert found.iso == "2026-12-05T10:14:00Z"


def test_no_horizon_without_running_jobs_watermarks_or_rows(
    config: Config, streaming: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    streaming["raw"] = None
    with pytest.raises(StepFailed, match="the raw tables are empty"):
        horizon.engines_horizon(config)
    streaming["movie-sales"] = None
    with pytest.raises(StepFailed, match="flink movie-sales Sink: upsert has no watermark yet"):
        horizon.engines_horizon(config)
    monkeypatch.setattr(stack, "flink_jobs", lambda _config: [])
    with pytest.raises(StepFailed, match="flink registration-metrics is not running"):
        horizon.engines_horizon(config)
    with pytest.raises(ValueError):
        horizon.lowest([])


def test_a_spark_query_without_a_watermark_or_checkpoint_gives_no_horizon(config: Config, streaming: dict) -> None:
    _batch(config.home / "checkpoints/spark-metrics/movie-sales-metrics", 0, 0)
    with pytest.raises(StepFailed, match="spark movie-sales-metrics has no watermark yet"):
        horizon.spark_marks(config)
    for folder in (config.home / "checkpoints/spark-metrics").iterdir():
        for sub in folder.iterdir():
            for f in sub.iterdir():
                f.unlink()
            sub.rmdir()
        folder.rmdir()
    with pytest.raises(StepFailed, match="no Spark metric query has a checkpoint"):
        horizon.spark_marks(config)


@pytest.mark.parametrize("value", ["yesterday", "2026-12-05 10:14:00", "Watermarks"])
def test_closed_by_takes_an_iso_time_or_watermarks_only(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["verify", "--closed-by", value]) == 2
    assert f"'{value}' is not an ISO UTC time like 2026-01-06T01:02:01Z" in capsys.readouterr().err


def test_a_restarting_job_is_waited_for_until_it_has_a_watermark(
    config: Config, streaming: dict, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The session job is not there (being resubmitted), then runs without a watermark, then has one.
    running = [{"jid": f"id-{name}", "name": name, "state": "RUNNING"} for name in launch.FLINK_JOBS]
    resubmitting = [job for job in running if job["name"] != "session-metrics"]
    states = iter([resubmitting, resubmitting, running, running])
    monkeypatch.setattr(stack, "flink_jobs", lambda _config: next(states))
    streaming["session-metrics"] = None
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds
        if len(slept) == 3:
            streaming["session-metrics"] = T + 5_000

    found = horizon.engines_horizon(config, wait_s=60, sleep=sleep, clock=lambda: now[0])

    assert found.closed_by_ms == T + 5_000
    assert slept == [5, 5, 5]
    out = capsys.readouterr().out
    # Each reason once, in order.
    assert out.count("waiting: flink session-metrics is not running") == 1
    assert out.count("waiting: flink session-metrics Sink: upsert has no watermark yet") == 1
    assert out.index("is not running") < out.index("has no watermark yet")


def test_a_job_still_without_a_watermark_after_the_wait_fails_naming_it_and_the_wait(
    config: Config, streaming: dict
) -> None:
    streaming["movie-sales"] = None
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with pytest.raises(horizon.NotYet, match=r"flink movie-sales Sink: upsert has no watermark yet.*\(waited 12 s\)"):
        horizon.engines_horizon(config, wait_s=12, sleep=sleep, clock=lambda: now[0])
    assert now[0] == 15  # asked at 0, 5, 10 and 15 s: the first ask past the deadline fails


def test_the_late_events_queries_without_a_watermark_are_left_out(config: Config, streaming: dict) -> None:
    # As on a live stack: each metric query has a <query>-late-events query beside it whose
    # micro-batches carry batchWatermarkMs 0 (LateEvents keeps its watermark in state).
    spark = config.home / "checkpoints/spark-metrics"
    _batch(spark / "registration-metrics-late-events", 74, 0)
    _batch(spark / "session-metrics-late-events", 74, 0)

    assert horizon.spark_marks(config) == [
        ("spark registration-metrics", T + 40_000),
        ("spark session-metrics", T + 20_000),
    ]
    assert horizon.engines_horizon(config).closed_by_ms == T + 5_000
