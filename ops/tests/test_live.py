"""``./pipeline live``: flags, one live per stack, the stop sequence's order, the pieces it reads."""

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cinestream_ops import cli, jobs, live, resume, stack
from cinestream_ops.config import Config

REPO = Path(__file__).resolve().parents[2]


# --- flags ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90), ("90s", 90), ("10m", 600), ("1h", 3600), ("1h30m", 5400), ("2m5s", 125), (" 60S ", 60)],
)
def test_durations(text: str, seconds: float) -> None:
    assert live.parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "0", "0s", "soon", "-5s", "1.5m", "m", "10 m", "5d"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        live.parse_duration(text)


@pytest.fixture
def no_live(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Records calls of live.live instead of running it."""
    calls: list[tuple] = []
    monkeypatch.setenv("CINESTREAM_ROOT", str(REPO))
    monkeypatch.setattr(live, "live", lambda *a, **k: calls.append(a))
    return calls


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["live", "--rate", "0"], "./pipeline live: Invalid value for '--rate': 0.0 is not in the range 0<x<=1000000."),
        (["live", "--rate", "fast"], "./pipeline live: Invalid value for '--rate': 'fast' is not a valid float range."),
        (["live", "--duration", "soon"], "./pipeline live: Invalid value for '--duration': 'soon' is not a duration"),
        (["live", "--duration", "0s"], "./pipeline live: Invalid value for '--duration': '0s': the duration must be"),
        (["live", "--users", "1000001"], "./pipeline live: Invalid value for '--users': 1000001 is not in the range"),
        (["live", "--seed", "-1"], "./pipeline live: Invalid value for '--seed': -1 is not in the range x>=0."),
        (["live", "--run-id", "a/b"], "./pipeline live: Invalid value for '--run-id': 'a/b' may hold only letters"),
    ],
)
def test_bad_live_flags_are_one_line_and_exit_2(
    argv: list[str], message: str, no_live: list[tuple], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert err.count("\n") == 1
    assert no_live == []


def test_live_flags_reach_the_command(no_live: list[tuple]) -> None:
    argv = ["live", "--rate", "200", "--users", "5000", "--duration", "1m", "--seed", "7", "--run-id", "l1"]
    assert cli.main(argv) == 0
    ((config, options),) = no_live
    assert options == live.Options(200.0, 5000, 60.0, 7, "l1", False)
    assert config.root == REPO


def test_live_defaults(no_live: list[tuple]) -> None:
    assert cli.main(["live"]) == 0
    ((_, options),) = no_live
    assert (options.rate, options.users, options.duration_s, options.seed) == (1000.0, None, None, None)
    assert options.run_id.startswith("live-20")


def test_generator_round_arguments_and_users() -> None:
    assert live.generator_args(200.0, 10_000, 5) == [
        "--realtime",
        "--rate",
        "200",
        "--users",
        "10000",
        "--hours",
        "24",
        "--seed",
        "5",
        "--duplicate-rate",
        "0.01",
        "--malformed-rate",
        "0.001",
        "--no-progress",
        "--log-every",
        "10s",
    ]
    assert live.default_users(1000, None) == 1_000_000
    assert live.default_users(2000, 600) == 150_000  # 1.2M events / 8 per user
    assert live.default_users(200, 60) == 10_000  # 1,500 by the rule, raised to the floor
    assert live.default_users(100_000, 3600) == 1_000_000


# --- one live per stack ---------------------------------------------------------------------------


HOLDER = """
import sys, time
from pathlib import Path
from cinestream_ops import live
from cinestream_ops.config import Config
config = Config.load(Path(sys.argv[1]), {})
with live.exclusive(config):
    print("holding", flush=True)
    time.sleep(60)
"""


def test_a_second_live_on_the_same_stack_is_refused_naming_the_pid(
    root: Path, config: Config, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "ops")}
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(root)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        assert live.pid_path(config).read_text() == f"{holder.pid}\n"
        started: list[str] = []
        monkeypatch.setattr(jobs, "up", lambda *a, **k: started.append("up"))
        monkeypatch.setattr(cli, "project_root", lambda: root)
        assert cli.main(["live", "--duration", "10s"]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"./pipeline live: live mode already runs on this stack (pid {holder.pid}, lock ")
        assert err.count("\n") == 1
        assert started == []
    finally:
        holder.send_signal(signal.SIGTERM)
        holder.wait(10)
    # The lock goes with its holder: the next one gets it.
    with live.exclusive(config):
        assert live.pid_path(config).read_text() == f"{os.getpid()}\n"
    assert not live.pid_path(config).exists()


def test_reset_refuses_while_live_runs_and_forgets_the_seeds_with_the_topics(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cinestream_ops import reset

    monkeypatch.setattr(stack, "flink_jobs", lambda _config: [])

    class Clean:
        def __call__(self, parts: object, execute: bool) -> list:
            return [reset.Item("topics", "topic", "sign_in", "3 records")] if not execute else []

    live.record_seed(config, 7)
    assert live.running_pid(config) is None
    with live.exclusive(config):
        assert live.running_pid(config) == os.getpid()
        with pytest.raises(reset.Refused, match=f"live mode runs on this stack \\(pid {os.getpid()}\\)"):
            reset.reset(config, (), yes=True, ask=lambda _q: True, interactive=False, remote=Clean())
    assert live.running_pid(config) is None
    assert live.used_seeds(config) == {7}
    reset.reset(config, ("topics",), yes=True, ask=lambda _q: True, interactive=False, remote=Clean())
    assert live.used_seeds(config) == set()


def test_a_seed_used_before_on_the_stack_is_refused(config: Config) -> None:
    live.record_seed(config, 7)
    live.record_seed(config, 9)
    assert live.used_seeds(config) == {7, 9}
    with pytest.raises(live.SeedUsed, match="seed 7 was already used"):
        live.Live(config, live.Options(seed=7)).first_seed()
    assert live.Live(config, live.Options(seed=8)).first_seed() == 8
    assert live.next_free_seed({7, 8, 9}, 7) == 10


# --- what the stop sequence reads -----------------------------------------------------------------


def test_tick_records_from_the_tick_log(tmp_path: Path) -> None:
    log = tmp_path / "tick.log"
    log.write_text(
        "tick consumer_registration/0@41 at 2026-12-05T07:36:48Z\n"
        "tick cart_events/1@7 at 2026-12-05T07:36:48Z\n"
        "watermark tick at 2026-12-05T07:36:48Z: 2 record(s) on 2 event topic(s)\n"
    )
    assert live.tick_records(log) == [("consumer_registration", 0, 41), ("cart_events", 1, 7)]


def _batch(folder: Path, batch: int, watermark_ms: int, *, committed: bool) -> None:
    (folder / "offsets").mkdir(parents=True, exist_ok=True)
    (folder / "commits").mkdir(parents=True, exist_ok=True)
    meta = {"batchWatermarkMs": watermark_ms, "batchTimestampMs": 1, "conf": {}}
    (folder / "offsets" / str(batch)).write_text(f'v1\n{json.dumps(meta)}\n{{"t":{{"0":5}}}}\n')
    if committed:
        (folder / "commits" / str(batch)).write_text('v1\n{"nextBatchWatermarkMs":0}\n')


def test_spark_query_progress_from_its_checkpoint(tmp_path: Path) -> None:
    root = tmp_path / "spark-metrics"
    _batch(root / "session-metrics", 4, 1_000, committed=True)
    _batch(root / "session-metrics", 5, 2_000, committed=False)  # in flight
    _batch(root / "registration-metrics", 2, 3_000, committed=True)
    (root / "registration-metrics" / "offsets" / ".3.tmp").write_text("")
    assert live.spark_queries(root) == [
        live.QueryProgress("registration-metrics", 2, 2, 3_000),
        live.QueryProgress("session-metrics", 5, 4, 1_000),
    ]
    assert [q.idle for q in live.spark_queries(root)] == [True, False]
    _batch(tmp_path / "raw-loader", 0, 0, committed=True)
    assert live.spark_queries(tmp_path / "raw-loader") == [live.QueryProgress("raw-loader", 0, 0, 0)]
    assert live.spark_queries(tmp_path / "none") == []


def test_conninfo_of_the_jdbc_url(config: Config) -> None:
    assert live.conninfo(config) == "host=127.0.0.1 port=5432 dbname=cinestream user=cinestream connect_timeout=5"


def test_progress_line() -> None:
    now = datetime(2026, 12, 5, 10, 5, 30, tzinfo=UTC)
    line = live.progress_line(
        3725,
        90_112,
        1001.4,
        {"registration-metrics": "RUNNING", "session-metrics": "RESTARTING", "movie-sales": "RUNNING"},
        {"raw-loader": True, "spark-metrics": False},
        {"flink": datetime(2026, 12, 5, 10, 2, tzinfo=UTC), "spark": None},
        now,
    )
    assert line == (
        "[01:02:05] events 90,112 (1,001/s) | flink 2/3 running (session-metrics RESTARTING)"
        " | spark raw-loader up, spark-metrics DOWN | newest tick flink 10:02 (3m30s ago), spark none yet"
    )


def test_generator_progress_from_its_log(tmp_path: Path) -> None:
    log = tmp_path / "g.log"
    assert live.generator_progress(log) == (None, None)
    log.write_text(
        "[main] INFO GeneratorCli - Generating 10000 users\n"
        "[main] INFO GeneratorCli - generated 8192 events (200 events/s since the last line)\n"
        "[main] INFO GeneratorCli - generated 12288 events (199 events/s since the last line)\n"
    )
    assert live.generator_progress(log) == (12288, 199.0)


# --- the stop sequence ----------------------------------------------------------------------------

TICK_AT = "2026-12-05T07:36:48Z"
TARGET_MS = int(datetime(2026, 12, 5, 7, 34, 47, 999_000, tzinfo=UTC).timestamp() * 1000)
JOB_IDS = {"registration-metrics": "a" * 32, "session-metrics": "b" * 32, "movie-sales": "c" * 32}


class FakeGenerator:
    """A generator process: records the signal, exits like the JVM after SIGTERM (143)."""

    def __init__(self, calls: list[str]):
        self.calls = calls
        self.pid = 4242
        self.returncode: int | None = None

    def poll(self) -> int | None:
        return self.returncode

    def send_signal(self, sig: int) -> None:
        self.calls.append(f"signal {signal.Signals(sig).name} generator")
        self.returncode = 143

    def wait(self, timeout: float | None = None) -> int:
        return self.returncode or 0


@pytest.fixture
def faked(config: Config, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The stack behind the stop sequence, faked at the subprocess, HTTP and SQL layer; calls in order."""
    calls: list[str] = []
    monkeypatch.setattr(live.time, "sleep", lambda s: None)
    monkeypatch.setattr(live.time, "time", lambda: datetime(2026, 12, 5, 7, 36, 47, 400_000, tzinfo=UTC).timestamp())

    def tick(config: Config, at: str) -> Path:
        calls.append(f"tick {at}")
        log = config.log_dir / "tick.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(f"tick consumer_registration/0@41 at {at}\ntick cart_events/0@9 at {at}\n")
        # The Spark queries' checkpoints once they closed the tick's windows (no batch in flight).
        for name, mark in (("session-metrics", TARGET_MS + 1), ("session-metrics-late-events", 0)):
            _batch(config.home / "checkpoints/spark-metrics" / name, 3, mark, committed=True)
        _batch(config.home / "checkpoints/raw-loader", 8, 0, committed=True)
        return log

    loaded = iter([1, 2])  # the loader writes the second tick record a poll later

    def query(config: Config, sql: str, params: tuple = ()) -> list[tuple]:
        assert "FROM watermark_ticks" in sql and params == ("consumer_registration", 0, 41, "cart_events", 0, 9)
        n = next(loaded)
        calls.append(f"watermark_ticks {n}")
        return [(n,)]

    jobs_on_cluster = [{"jid": jid, "name": name, "state": "RUNNING"} for name, jid in JOB_IDS.items()]
    polls: dict[str, int] = {}

    def flink_get(config: Config, path: str) -> dict | list | None:
        job = path.split("/")[2]
        if path.endswith("/plan"):
            nodes = [{"id": "src"}, {"id": "win", "inputs": [{"id": "src"}]}, {"id": "sink", "inputs": [{"id": "win"}]}]
            return {"plan": {"nodes": nodes}}
        if path.endswith("/vertices/sink/watermarks"):
            # The session job's sink reaches the target one poll later than the others.
            polls[job] = polls.get(job, 0) + 1
            behind = job == JOB_IDS["session-metrics"] and polls[job] == 1
            calls.append(f"watermarks {job[:1]}")
            value = TARGET_MS - 1 if behind else TARGET_MS
            return [
                {"id": "0.currentInputWatermark", "value": str(value)},
                {"id": "1.currentInputWatermark", "value": str(TARGET_MS + 5)},
            ]
        if "/savepoints/" in path:
            return {"status": {"id": "COMPLETED"}, "operation": {"location": f"file:/sp/savepoint-{job[:6]}-1"}}
        raise AssertionError(path)

    def flink_post(config: Config, path: str, body: dict) -> dict:
        calls.append(f"POST {path} drain={body['drain']}")
        assert body["targetDirectory"] == str(resume.savepoints_dir(config))
        return {"request-id": "t1"}

    def stop(self: stack.Background, config: Config, grace_s: float = 30.0) -> int:
        calls.append(f"stop {self.name}")
        return 1

    monkeypatch.setattr(jobs, "tick", tick)
    monkeypatch.setattr(live, "query", query)
    monkeypatch.setattr(stack, "flink_jobs", lambda config: jobs_on_cluster)
    monkeypatch.setattr(stack, "flink_get", flink_get)
    monkeypatch.setattr(live, "flink_post", flink_post)
    monkeypatch.setattr(stack.Background, "running", lambda self, config: True)
    monkeypatch.setattr(stack.Background, "stop", stop)
    monkeypatch.setattr(jobs, "verify", lambda config, closed_by: calls.append(f"verify closed by {closed_by}"))
    monkeypatch.setattr(jobs, "report", lambda config, run_id, timings, params: calls.append(f"report {run_id}"))
    return calls


def _session(config: Config, calls: list[str]) -> live.Live:
    session = live.Live(config, live.Options(rate=200, duration_s=60, run_id="live-t"))
    session.generator = FakeGenerator(calls)  # type: ignore[assignment]
    session.seeds = [5]
    return session


def test_the_stop_sequence_runs_in_order(config: Config, faked: list[str]) -> None:
    session = _session(config, faked)
    session.shutdown()
    assert session.failures == []
    a, b, c = "a" * 32, "b" * 32, "c" * 32
    assert faked == [
        "signal SIGTERM generator",
        f"tick {TICK_AT}",
        "watermark_ticks 1",
        "watermark_ticks 2",
        # the first pass: the session job's sink is 1 ms short of T - 2 min - 1 ms
        "watermarks a",
        "watermarks b",
        "watermarks c",
        # the second pass: all there
        "watermarks a",
        "watermarks b",
        "watermarks c",
        f"POST /jobs/{a}/stop drain=False",
        f"POST /jobs/{b}/stop drain=False",
        f"POST /jobs/{c}/stop drain=False",
        "stop spark-metrics",
        "stop raw-loader",
        # T - 2 min: the windows the tick closed
        "verify closed by 2026-12-05T07:34:48Z",
        "report live-t",
    ]
    # Each savepoint is found again through the ledger (the next live or metrics resumes from it).
    for name, jid in JOB_IDS.items():
        assert resume.job_ids(config, name) == [jid]
    summary = json.loads((config.home / "runs/live-t/live.json").read_text())
    assert summary["tick_at"] == TICK_AT
    assert summary["seeds"] == [5]
    assert summary["savepoints"] == {n: f"file:/sp/savepoint-{j[:6]}-1" for n, j in JOB_IDS.items()}
    steps = json.loads((config.home / "runs/live-t/timings.json").read_text())["steps"]
    assert [s["step"] for s in steps] == list(live.SHUTDOWN_STEPS)
    assert (config.home / "runs/live-t/timings.tsv").read_text().splitlines()[0].startswith("stop generator\t")


def test_a_failed_savepoint_still_stops_spark_verifies_and_reports(
    config: Config, faked: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(config: Config, path: str, body: dict) -> dict:
        faked.append(f"POST {path}")
        if path.startswith(f"/jobs/{'b' * 32}"):
            raise live.StepFailed("flink savepoint", "POST: HTTP 500")
        return {"request-id": "t1"}

    monkeypatch.setattr(live, "flink_post", refuse)
    session = _session(config, faked)
    session.shutdown()
    assert [f.cause for f in session.failures] == ["POST: HTTP 500"]
    assert faked[-5:] == [
        f"POST /jobs/{'c' * 32}/stop",
        "stop spark-metrics",
        "stop raw-loader",
        # T - 2 min: the windows the tick closed
        "verify closed by 2026-12-05T07:34:48Z",
        "report live-t",
    ]
    assert set(session.savepoints) == {"registration-metrics", "movie-sales"}


def test_windows_not_closed_in_time_name_what_is_behind(config: Config, faked: list[str]) -> None:
    session = _session(config, faked)
    session.tick_at = TICK_AT
    _batch(config.home / "checkpoints/spark-metrics/session-metrics", 3, TARGET_MS - 60_000, committed=True)
    _batch(config.home / "checkpoints/spark-metrics/movie-sales", 2, 0, committed=False)
    with pytest.raises(live.StepFailed) as failed:
        session.await_windows_closed(timeout_s=0)
    assert failed.value.cause == (
        "not at 2026-12-05T07:34:47.999Z after 0 s: flink session-metrics sink: watermark"
        " 2026-12-05T07:34:47.998Z; spark movie-sales: batch 2 in flight;"
        " spark session-metrics: watermark 2026-12-05T07:33:47.999Z"
    )


def test_windows_wait_ends_at_once_when_the_spark_application_exited(
    config: Config, faked: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    session = _session(config, faked)
    session.tick_at = TICK_AT
    _batch(config.home / "checkpoints/spark-metrics/session-metrics", 3, TARGET_MS - 60_000, committed=True)
    monkeypatch.setattr(stack.Background, "running", lambda self, config: self.name != "spark-metrics")
    with pytest.raises(live.StepFailed) as failed:
        session.await_windows_closed(timeout_s=3600)
    assert failed.value.cause == (
        "the Spark metric queries' application exited with spark session-metrics: watermark 2026-12-05T07:33:47.999Z"
    )
    assert failed.value.log == config.log_dir / "spark-metrics.log"


def test_flink_watermarks_judge_the_last_vertices_only(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    nodes = [
        {"id": "src", "description": "Source: events"},
        {"id": "cat", "description": "Source: catalogue"},
        {"id": "price", "description": "price-sale-items<br/>+- sink", "inputs": [{"id": "src"}, {"id": "cat"}]},
        {"id": "out", "description": "metrics-sink<br/>+- committer", "inputs": [{"id": "price"}]},
    ]
    marks = {"price": "-9223372036854775808", "out": "1796456087999"}

    def get(config: Config, path: str) -> dict | list:
        if path.endswith("/plan"):
            return {"plan": {"nodes": nodes}}
        vertex = path.split("/")[4]
        return [{"id": f"{i}.currentInputWatermark", "value": marks[vertex]} for i in range(2)]

    monkeypatch.setattr(stack, "flink_get", get)
    assert live.flink_watermarks(config, "x" * 32) == {"metrics-sink": 1796456087999}
    marks["out"] = "-9223372036854775808"
    assert live.flink_watermarks(config, "x" * 32) == {"metrics-sink": None}


def test_stop_with_savepoint_polls_until_completed(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(
        [
            {"status": {"id": "IN_PROGRESS"}},
            None,  # the REST API did not answer once
            {"status": {"id": "COMPLETED"}, "operation": {"location": "file:/sp/savepoint-dddddd-9"}},
        ]
    )
    posted: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        live, "flink_post", lambda config, path, body: posted.append((path, body)) or {"request-id": "r"}
    )
    monkeypatch.setattr(stack, "flink_get", lambda config, path: next(answers))
    slept: list[float] = []
    assert live.stop_with_savepoint(config, "d" * 32, sleep=slept.append) == "file:/sp/savepoint-dddddd-9"
    assert posted == [
        (f"/jobs/{'d' * 32}/stop", {"drain": False, "targetDirectory": str(resume.savepoints_dir(config))})
    ]
    assert slept == [1, 1]


def test_a_failed_savepoint_names_the_cause(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    failed = {
        "status": {"id": "COMPLETED"},
        "operation": {"failure-cause": {"class": "CheckpointException", "stack-trace": "Task not running\n  at x"}},
    }
    monkeypatch.setattr(live, "flink_post", lambda config, path, body: {"request-id": "r"})
    monkeypatch.setattr(stack, "flink_get", lambda config, path: failed)
    with pytest.raises(live.StepFailed, match="failed: CheckpointException Task not running$"):
        live.stop_with_savepoint(config, "d" * 32, sleep=lambda s: None)


def test_the_dashboard_is_started_in_the_background_unless_it_runs(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[Config] = []
    monkeypatch.setattr(stack, "start_dashboard", lambda config: started.append(config) or 7)
    running = {"dashboard": True}
    monkeypatch.setattr(stack.Background, "running", lambda self, config: running.get(self.name, False))
    session = live.Live(config, live.Options())
    session.start_dashboard()  # one already runs (e.g. ./pipeline dashboard --detach): left alone
    assert (started, session.started_dashboard) == ([], False)
    running["dashboard"] = False
    session.start_dashboard()
    assert "dashboard" in cli.cli.commands
    assert (started, session.started_dashboard) == ([config], True)


def test_watch_starts_the_next_round_when_a_simulated_day_ends(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    """A round that ends by itself (exit 0) is followed by one with the next unused seed; --duration ends the watch."""
    session = live.Live(config, live.Options(rate=100, duration_s=30))
    rounds: list[int] = []

    class Ended:
        returncode = 0

        def poll(self) -> int:
            return 0

    class Running:
        returncode = None

        def poll(self) -> None:
            return None

    def start_generator(seed: int) -> None:
        rounds.append(seed)
        session.seeds.append(seed)
        live.record_seed(config, seed)
        session.generator = Running()  # type: ignore[assignment]

    live.record_seed(config, 11)
    live.record_seed(config, 12)
    session.seeds = [11]
    session.generator = Ended()  # type: ignore[assignment]
    session.generator_log = config.log_dir / "g.log"
    session.generator_log.parent.mkdir(parents=True)
    session.generator_log.write_text("x - generated 500 events (100 events/s since the last line)\n")
    monkeypatch.setattr(session, "start_generator", start_generator)
    monkeypatch.setattr(session, "progress", lambda: "progress")
    times = iter([0.0, 0.0, 1.0, 31.0])  # deadline, first progress line, first pass, past the duration
    session.stop.wait = lambda timeout=None: False  # type: ignore[method-assign]
    session.watch(clock=lambda: next(times))
    assert rounds == [13]
    assert session.produced_before == 500


def test_a_failed_start_stops_the_generator_and_releases_the_lock(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def start(self: live.Live, seed: int) -> None:
        calls.append(f"start seed {seed}")
        self.generator = FakeGenerator(calls)  # type: ignore[assignment]
        raise live.StepFailed("metrics MovieSalesJob", "flink run failed")

    monkeypatch.setattr(live.Live, "start", start)
    monkeypatch.setattr(live.disk, "require_free_space", lambda config, what: None)
    monkeypatch.setattr(live.Live, "shutdown", lambda self: calls.append("shutdown"))
    with pytest.raises(live.StepFailed, match="flink run failed"):
        live.live(config, live.Options(seed=3, run_id="x"))
    assert calls == ["start seed 3", "signal SIGTERM generator"]
    assert live.running_pid(config) is None
