"""``./pipeline live``: the whole pipeline running continuously in real time (docs/operations.md#live).

Start: the stack with its monitoring (``up --monitoring``), the catalogue (unless the warehouse
holds it), the generator in real time (``--realtime --rate R``: event time = wall clock), the
streaming raw loader, the three Flink jobs detached (each resumes from its newest checkpoint or
savepoint, :mod:`cinestream_ops.resume`), the streaming Spark metric queries, and the dashboard
when this checkout has ``./pipeline dashboard``. A progress line every
:data:`PROGRESS_EVERY_S` seconds until Ctrl-C, SIGTERM or the end of ``--duration``.

Stop, in this order (:data:`SHUTDOWN_STEPS`; each step runs even when an earlier one failed, and
the first failure is raised at the end):

1. the generator (SIGTERM: it sends what it buffered and flushes);
2. the final watermark tick at the wall clock (``./pipeline tick``, signed; docs/metrics.md#the-final-watermark-tick):
   every event is before it, and the next ``live``'s events are after it, so none of them is late;
3. the raw loader has loaded every tick record (``watermark_ticks``): the raw tables hold every event;
4. both engines have closed every window the tick closes: each Flink job's operators' input
   watermark and each Spark query's committed watermark reached T - bound - 1 ms;
5. each Flink job stopped with a savepoint (no drain: windows still open stay in the savepoint),
   its id recorded in the job ledger, where ``live`` and ``metrics`` find the savepoint;
6. the streaming Spark jobs stopped once no micro-batch is in flight (their checkpoints resume them);
7. the dashboard, when ``live`` started it;
8. ``verify`` on the closed windows, 9. the run report.

Only one ``live`` per stack: a second is refused with exit status 2 naming the first's pid (an
exclusive ``flock`` on ``run/live.lock``, the pid in ``run/live.pid``).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import click

from . import disk, jobs, launch, resume, stack, timing
from .config import Config
from .console import B, N, StepFailed, indent, ok, step, warn

#: The watermark bound (max_out_of_orderness) of both engines' defaults, seconds (docs/metrics.md#watermark).
BOUND_S = 120
#: Seconds between two progress lines.
PROGRESS_EVERY_S = 15
#: How long the stop waits for the raw loads and for both engines to close their windows, seconds.
CLOSE_TIMEOUT_S = 600
#: Events per simulated user over a simulated day (the open-loop bench sizes users the same way).
EVENTS_PER_USER = 8
#: Duplicate sends and malformed records, as in ``run`` (dedup and dead letters stay exercised).
DUPLICATE_RATE = "0.01"
MALFORMED_RATE = "0.001"
#: The stop sequence's steps, in order (the module docstring says what each does).
SHUTDOWN_STEPS = (
    "stop generator",
    "final tick",
    "raw loads caught up",
    "windows closed",
    "flink savepoints",
    "stop spark",
    "stop dashboard",
    "verify",
    "report",
)

_GENERATED = re.compile(r"generated (\d+) events")
_TICK_LINE = re.compile(r"^tick (\S+)/(\d+)@(\d+) at ")
_DURATION = re.compile(r"^(?=\d)(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")


class AlreadyRunning(click.UsageError):
    """``live`` already runs on this stack: one line naming its pid, exit status 2 (``cli.main``)."""

    def __init__(self, pid: int | None, lock: Path):
        who = f"pid {pid}" if pid else "a process holding the lock"
        super().__init__(
            f"live mode already runs on this stack ({who}, lock {lock}): not starting a second copy;"
            f" stop it with Ctrl-C in its terminal or kill -INT {pid or 'PID'}",
            click.get_current_context(silent=True),
        )
        self.pid = pid


class SeedUsed(click.UsageError):
    """A ``--seed`` whose events this stack already holds (its event ids would repeat): exit status 2."""

    def __init__(self, seed: int):
        super().__init__(
            f"seed {seed} was already used by live on this stack: its event ids would repeat and be"
            " dropped as duplicates; give another --seed (or none: one is taken from the clock)",
            click.get_current_context(silent=True),
        )


def parse_duration(text: str) -> float:
    """A duration: ``90`` or ``90s`` (seconds), ``10m``, ``1h``, ``1h30m``.

    :return: seconds, > 0
    :raises ValueError: for any other text, or zero
    """
    match = _DURATION.match(text.strip().lower())
    if not match or not any(match.groups()):
        raise ValueError(f"{text!r} is not a duration like 90s, 10m, 1h or 1h30m")
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    total = hours * 3600 + minutes * 60 + seconds
    if total <= 0:
        raise ValueError(f"{text!r}: the duration must be positive")
    return float(total)


def default_users(rate: float, duration_s: float | None) -> int:
    """Simulated users of a generator round: about the users whose day the run covers at ``rate``.

    Until Ctrl-C: 1,000,000 (the generator's maximum; a day of them lasts hours at 1,000 events/s);
    with a duration: rate x duration / :data:`EVENTS_PER_USER`, between 10,000 and 1,000,000. When
    a round's simulated day ends before the stop, the next round starts (:meth:`Live.watch`).
    """
    if duration_s is None:
        return 1_000_000
    return int(min(1_000_000, max(10_000, rate * duration_s / EVENTS_PER_USER)))


def generator_args(rate: float, users: int, seed: int) -> list[str]:
    """The generator's options for one real-time round (``launch.generator`` adds the endpoints)."""
    return [
        "--realtime",
        "--rate",
        f"{rate:g}",
        "--users",
        str(users),
        "--hours",
        "24",
        "--seed",
        str(seed),
        "--duplicate-rate",
        DUPLICATE_RATE,
        "--malformed-rate",
        MALFORMED_RATE,
        "--no-progress",
        "--log-every",
        "10s",
    ]


# --- one live per stack -------------------------------------------------------------------------


def lock_path(config: Config) -> Path:
    """``run/live.lock``: held (``flock``) by the running ``live``."""
    return config.run_dir / "live.lock"


def pid_path(config: Config) -> Path:
    """``run/live.pid``: the running ``live``'s pid (its CPU counts in the stack's, :mod:`timing`)."""
    return config.run_dir / "live.pid"


@contextlib.contextmanager
def exclusive(config: Config) -> Iterator[None]:
    """Holds this stack's live lock for the block; the pid file names this process meanwhile.

    :raises AlreadyRunning: when another process holds it (its pid from the pid file)
    """
    config.run_dir.mkdir(parents=True, exist_ok=True)
    lock = lock_path(config)
    handle = lock.open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                pid: int | None = int(pid_path(config).read_text(encoding="utf-8").strip())
            except (OSError, ValueError):
                pid = None
            raise AlreadyRunning(pid, lock) from None
        pid_path(config).write_text(f"{os.getpid()}\n", encoding="utf-8")
        try:
            yield
        finally:
            pid_path(config).unlink(missing_ok=True)
    finally:
        handle.close()


def running_pid(config: Config) -> int | None:
    """The pid of the ``live`` holding this stack's lock, or None when none runs (0: pid unknown)."""
    lock = lock_path(config)
    if not lock.is_file():
        return None
    with lock.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                return int(pid_path(config).read_text(encoding="utf-8").strip())
            except (OSError, ValueError):
                return 0
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


# --- seeds ----------------------------------------------------------------------------------------


def seeds_path(config: Config) -> Path:
    """``run/live-seeds.json``: every generator seed live used on this stack (``{"used": [...]}``)."""
    return config.run_dir / "live-seeds.json"


def used_seeds(config: Config) -> set[int]:
    """The seeds already used (their event ids are in the topics)."""
    path = seeds_path(config)
    return set(json.loads(path.read_text(encoding="utf-8")).get("used", [])) if path.is_file() else set()


def record_seed(config: Config, seed: int) -> None:
    """Adds ``seed`` to :func:`seeds_path` (written whole, then renamed)."""
    used = sorted(used_seeds(config) | {seed})
    path = seeds_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"used": used}) + "\n", encoding="utf-8")
    tmp.replace(path)


def next_free_seed(used: set[int], start: int) -> int:
    """The first seed from ``start`` on that is not in ``used``."""
    seed = start
    while seed in used:
        seed += 1
    return seed


# --- Flink over REST ----------------------------------------------------------------------------


def flink_post(config: Config, path: str, body: dict) -> dict:
    """POST of JSON to the JobManager's REST API.

    :raises StepFailed: when it does not answer or answers with an error
    """
    request = urllib.request.Request(
        f"{config.flink_url}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)
    except urllib.error.HTTPError as e:
        raise StepFailed("flink savepoint", f"POST {path}: HTTP {e.code} {e.read()[:300]!r}") from None
    except (OSError, ValueError) as e:
        raise StepFailed("flink savepoint", f"POST {path}: {e}") from None


def stop_with_savepoint(
    config: Config, job_id: str, timeout_s: float = 300, sleep: Callable[[float], None] = time.sleep
) -> str:
    """Stops a Flink job with a savepoint in the cluster's savepoint folder, without draining.

    No drain: no end-of-input watermark, so windows still open stay in the savepoint, to be closed
    by the next start's events instead of being emitted half-filled.

    :return: the savepoint's location (``file:/.../savepoint-<6 hex of the id>-...``)
    :raises StepFailed: when the stop is refused, fails, or takes over ``timeout_s``
    """
    answer = flink_post(
        config, f"/jobs/{job_id}/stop", {"drain": False, "targetDirectory": str(resume.savepoints_dir(config))}
    )
    trigger = answer.get("request-id")
    if not trigger:
        raise StepFailed("flink savepoint", f"stop of {job_id}: no request id in {answer}")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = stack.flink_get(config, f"/jobs/{job_id}/savepoints/{trigger}") or {}
        if status.get("status", {}).get("id") == "COMPLETED":
            operation = status.get("operation", {})
            if "failure-cause" in operation:
                cause = operation["failure-cause"].get("class", "")
                trace = operation["failure-cause"].get("stack-trace", "").splitlines()[:1]
                raise StepFailed("flink savepoint", f"stop of {job_id} failed: {cause} {' '.join(trace)}".strip())
            return str(operation.get("location", ""))
        sleep(1)
    raise StepFailed("flink savepoint", f"stop of {job_id}: no savepoint after {timeout_s:.0f} s")


def flink_watermarks(config: Config, job_id: str) -> dict[str, int | None]:
    """The input watermark of each last operator chain of a job (the lowest of its subtasks).

    Only the vertices no other vertex reads from: watermarks flow downstream in order, so one that
    reached them has passed every operator before them. (An operator with an idle input, e.g. the
    sales job's catalogue side, reports no input watermark of its own.)

    :return: vertex description -> epoch ms (None when a subtask has none yet or the REST API did
        not answer)
    """
    plan = (stack.flink_get(config, f"/jobs/{job_id}/plan") or {}).get("plan", {})
    nodes = plan.get("nodes", [])
    read = {i.get("id") for node in nodes for i in node.get("inputs", [])}
    marks: dict[str, int | None] = {}
    for node in nodes:
        if not node.get("inputs") or node["id"] in read:
            continue
        values = stack.flink_get(config, f"/jobs/{job_id}/vertices/{node['id']}/watermarks")
        try:
            lowest = min(int(v["value"]) for v in values or [])
        except (ValueError, KeyError, TypeError):
            lowest = None
        name = re.sub(r"<br/>.*", "", str(node.get("description", node["id"])))[:60]
        marks[name] = lowest if lowest is not None and lowest > -(2**62) else None
    return marks


# --- Spark checkpoints ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryProgress:
    """A Spark streaming query's position from its checkpoint folder.

    :param name: the folder's name
    :param planned: the newest micro-batch started (``offsets/N``), or None
    :param committed: the newest micro-batch finished (``commits/N``), or None
    :param watermark_ms: the event-time watermark of the newest committed batch (0: no watermark)
    """

    name: str
    planned: int | None
    committed: int | None
    watermark_ms: int

    @property
    def idle(self) -> bool:
        """True when no micro-batch is in flight."""
        return self.planned == self.committed


def _newest_batch(folder: Path) -> int | None:
    ids = [int(p.name) for p in folder.glob("*") if p.name.isdigit()] if folder.is_dir() else []
    return max(ids) if ids else None


def query_progress(folder: Path) -> QueryProgress:
    """:class:`QueryProgress` of the query whose checkpoint is ``folder`` (holding ``offsets/``, ``commits/``).

    The offsets log's line 2 is the batch's metadata (``batchWatermarkMs``), Spark's format since 2.x.
    """
    planned = _newest_batch(folder / "offsets")
    committed = _newest_batch(folder / "commits")
    watermark = 0
    if committed is not None and (folder / "offsets" / str(committed)).is_file():
        lines = (folder / "offsets" / str(committed)).read_text(encoding="utf-8").splitlines()
        try:
            watermark = int(json.loads(lines[1]).get("batchWatermarkMs", 0))
        except (IndexError, ValueError):
            watermark = 0
    return QueryProgress(folder.name, planned, committed, watermark)


def spark_queries(root: Path) -> list[QueryProgress]:
    """Every query checkpoint at or under ``root`` (a folder with ``offsets/``), by name."""
    if not root.is_dir():
        return []
    folders = [root] if (root / "offsets").is_dir() else sorted(p for p in root.iterdir() if (p / "offsets").is_dir())
    return [query_progress(f) for f in folders]


# --- warehouse --------------------------------------------------------------------------------------


def conninfo(config: Config) -> str:
    """libpq's connection string of ``WAREHOUSE_JDBC_URL`` (the password comes from ``PGPASSWORD``)."""
    match = re.match(r"jdbc:postgresql://([^:/?]+)(?::(\d+))?/([^?]+)(?:\?(.*))?$", config.warehouse_jdbc_url)
    if not match:
        raise StepFailed(
            "live", f"WAREHOUSE_JDBC_URL is not a jdbc:postgresql://HOST:PORT/DB URL: {config.warehouse_jdbc_url}"
        )
    host, port, db, query = match.groups()
    params = dict(p.split("=", 1) for p in (query or "").split("&") if "=" in p)
    return f"host={host} port={port or 5432} dbname={db} user={params.get('user', 'cinestream')} connect_timeout=5"


def query(config: Config, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of one SQL statement on the warehouse (psycopg; one connection per call, autocommit)."""
    import psycopg

    with psycopg.connect(conninfo(config), autocommit=True) as conn:
        return list(conn.execute(sql, params).fetchall())


def newest_ticks(config: Config) -> dict[str, datetime | None]:
    """The newest session tick (``session_metrics.timestamp``) per engine, flink and spark."""
    rows = {}
    for engine in ("flink", "spark"):
        found = query(config, 'SELECT max("timestamp") FROM session_metrics WHERE engine = %s', (engine,))
        rows[engine] = found[0][0] if found else None
    return rows


def tick_records(log: Path) -> list[tuple[str, int, int]]:
    """The (topic, partition, offset) of every tick record in ``./pipeline tick``'s log."""
    found = []
    for line in log.read_text(errors="replace").splitlines():
        match = _TICK_LINE.match(line)
        if match:
            found.append((match[1], int(match[2]), int(match[3])))
    return found


def ticks_loaded(config: Config, records: list[tuple[str, int, int]]) -> int:
    """How many of the tick ``records`` the raw loader has written to ``watermark_ticks``."""
    if not records:
        return 0
    keys = ", ".join(["(%s, %s, %s)"] * len(records))
    sql = f"SELECT count(*) FROM watermark_ticks WHERE (kafka_topic, kafka_partition, kafka_offset) IN ({keys})"
    return int(query(config, sql, tuple(v for r in records for v in r))[0][0])


# --- progress -------------------------------------------------------------------------------------


def _age(now: datetime, then: datetime | None) -> str:
    if then is None:
        return "none yet"
    secs = int((now - then).total_seconds())
    return f"{then.astimezone(UTC):%H:%M} ({secs // 60}m{secs % 60:02d}s ago)"


def progress_line(
    elapsed_s: float,
    events: int | None,
    rate: float | None,
    flink_states: dict[str, str],
    spark: dict[str, bool],
    ticks: dict[str, datetime | None],
    now: datetime,
) -> str:
    """One progress line: elapsed time, events produced, Flink jobs' states, Spark jobs, newest ticks.

    :param events: events the generator produced so far (None: no progress line from it yet)
    :param rate: events/s over its last line
    :param flink_states: job name -> state (missing: not on the cluster)
    :param spark: ``raw-loader`` / ``spark-metrics`` -> its process runs
    :param ticks: engine -> newest session tick in the warehouse
    """
    minutes, seconds = divmod(int(elapsed_s), 60)
    produced = "events: none yet" if events is None else f"events {events:,}" + (f" ({rate:,.0f}/s)" if rate else "")
    running = sum(1 for s in flink_states.values() if s == "RUNNING")
    others = ", ".join(f"{n} {s}" for n, s in sorted(flink_states.items()) if s != "RUNNING")
    flink = f"flink {running}/{len(launch.FLINK_JOBS)} running" + (f" ({others})" if others else "")
    spark_text = "spark " + ", ".join(f"{n} {'up' if up else 'DOWN'}" for n, up in spark.items())
    tick_text = "newest tick " + ", ".join(f"{e} {_age(now, t)}" for e, t in ticks.items())
    return f"[{minutes // 60:02d}:{minutes % 60:02d}:{seconds:02d}] {produced} | {flink} | {spark_text} | {tick_text}"


def generator_progress(log: Path) -> tuple[int | None, float | None]:
    """The newest ``generated N events (R events/s ...)`` line of a generator log: (N, R), or (None, None)."""
    if not log.is_file():
        return None, None
    found = None
    for line in log.read_text(errors="replace").splitlines():
        if _GENERATED.search(line):
            found = line
    if found is None:
        return None, None
    events = int(_GENERATED.search(found)[1])  # type: ignore[index]
    rate = re.search(r"\((\d+) events/s", found)
    return events, float(rate[1]) if rate else None


# --- the command ----------------------------------------------------------------------------------


@dataclass
class Options:
    """``./pipeline live``'s options.

    :param rate: generator events per second
    :param users: simulated users per generator round (None: :func:`default_users`)
    :param duration_s: stop after this many seconds (None: at Ctrl-C or SIGTERM)
    :param seed: the first round's seed (None: from the clock)
    :param run_id: the report's id
    :param from_scratch: Flink jobs start over (``metrics --from-scratch``)
    """

    rate: float = 1000.0
    users: int | None = None
    duration_s: float | None = None
    seed: int | None = None
    run_id: str = ""
    from_scratch: bool = False


@dataclass
class Live:
    """One ``live`` session: start, watch, stop (:func:`live` runs it)."""

    config: Config
    options: Options
    stop: threading.Event = field(default_factory=threading.Event)
    generator: subprocess.Popen | None = None
    generator_log: Path | None = None
    seeds: list[int] = field(default_factory=list)
    produced_before: int = 0
    started_dashboard: bool = False
    tick_at: str | None = None
    tick_log: Path | None = None
    savepoints: dict[str, str] = field(default_factory=dict)
    measured: list[dict[str, float | str]] = field(default_factory=list)
    failures: list[StepFailed] = field(default_factory=list)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    generator_started_at: datetime | None = None
    watch_started_at: datetime | None = None
    stopped_at: datetime | None = None

    @property
    def recorded(self) -> Path:
        """``$CINESTREAM_HOME/runs/RUN_ID``: parameters, timings and ``live.json``."""
        return self.config.home / "runs" / self.options.run_id

    # -- start ---------------------------------------------------------------------------------

    def first_seed(self) -> int:
        """The first round's seed: ``--seed`` (refused when used before) or the clock's seconds."""
        used = used_seeds(self.config)
        if self.options.seed is not None:
            if self.options.seed in used:
                raise SeedUsed(self.options.seed)
            return self.options.seed
        return next_free_seed(used, int(time.time()))

    def start(self, seed: int) -> None:
        """The stack with monitoring, the catalogue, the generator, the streaming jobs and the dashboard.

        The generator starts before the jobs: a Flink job restored from a savepoint then finds records
        on every partition at once. Started into silence, its sources would go idle (``--idleness``)
        and wake one by one, and a window could close on the first one's watermark alone.
        """
        config = self.config
        jobs.up(config, monitoring=True)
        if self.stop.is_set():
            return
        self.ensure_catalogue()
        if self.stop.is_set():
            return
        self.start_generator(seed)
        step("Streaming raw loader (RawEventLoader, checkpointed micro-batches)")
        jobs.start_raw_loader(config, jobs.spark_home(config))
        jobs.flink_metrics(config, bounded=False, from_scratch=self.options.from_scratch)
        jobs.spark_metrics(config, bounded=False)
        self.start_dashboard()

    def ensure_catalogue(self) -> None:
        """The catalogue job, unless the warehouse already holds the catalogue (``./pipeline catalog`` reloads)."""
        count = query(self.config, "SELECT count(*) FROM movies_catalog")[0][0]
        if count:
            step(f"Movie catalogue: already loaded ({count:,} products; ./pipeline catalog reloads it)")
            return
        jobs.catalog(self.config, self.config.movies_file)

    def start_dashboard(self) -> None:
        """The dashboard in the background (``./pipeline dashboard --detach``), when this checkout has it."""
        from . import cli

        if "dashboard" not in cli.cli.commands:
            return
        if stack.DASHBOARD.running(self.config):
            ok(f"dashboard already running (pid {stack.DASHBOARD.pid(self.config)}): left as it is")
            return
        stack.start_dashboard(self.config)
        self.started_dashboard = True

    def where_to_look(self) -> None:
        """Prints the URLs, the log folder and how to stop."""
        config = self.config
        from . import cli

        step("Live: where to look")
        dashboard = (
            f"http://127.0.0.1:{config.dashboard_port}"
            if "dashboard" in cli.cli.commands
            else "not available yet (this checkout has no ./pipeline dashboard)"
        )
        indent(
            "\n".join(
                [
                    f"dashboard   {dashboard}",
                    f"Prometheus  http://127.0.0.1:{config.prometheus_port} (alerts: /alerts)",
                    f"Flink UI    {config.flink_url}",
                    f"Spark UIs   http://127.0.0.1:{config.spark_metrics_ui_port} (metric queries),"
                    f" http://127.0.0.1:{config.spark_loader_ui_port} (raw loader)",
                    f"logs        {config.log_dir}/ (generator: {self.generator_log or 'generator-live-*.log'})",
                    f"stop        Ctrl-C, or kill -INT {os.getpid()}"
                    + (f"; stops by itself after {self.options.duration_s:.0f} s" if self.options.duration_s else ""),
                ]
            )
        )

    def start_generator(self, seed: int) -> None:
        """A generator round in real time, in its own session (Ctrl-C reaches live, which stops it in order)."""
        config = self.config
        users = self.options.users or default_users(self.options.rate, self.options.duration_s)
        record_seed(config, seed)
        self.seeds.append(seed)
        self.generator_started_at = self.generator_started_at or datetime.now(UTC)
        self.generator_log = config.log_dir / f"generator-live-{jobs.stamp()}-{seed}.log"
        self.generator_log.parent.mkdir(parents=True, exist_ok=True)
        command = launch.generator(config, generator_args(self.options.rate, users, seed))
        with self.generator_log.open("ab") as out:
            self.generator = subprocess.Popen(
                command.argv,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=command.environ(os.environ),
                start_new_session=True,
            )
        ok(
            f"generator: {self.options.rate:g} events/s, {users:,} users, seed {seed}"
            f" (pid {self.generator.pid}, log {self.generator_log})"
        )

    # -- watch ---------------------------------------------------------------------------------

    def produced(self) -> tuple[int | None, float | None]:
        """Events produced by every round so far, and the current round's rate."""
        events, rate = generator_progress(self.generator_log) if self.generator_log else (None, None)
        if events is None and not self.produced_before:
            return None, None
        return self.produced_before + (events or 0), rate

    def progress(self) -> str:
        """The progress line of now (:func:`progress_line`)."""
        config = self.config
        flink_jobs = stack.flink_jobs(config)
        states = {}
        for name in launch.FLINK_JOBS:
            found = [j for j in flink_jobs if j.get("name") == name]
            if found:
                states[name] = str(max(found, key=lambda j: j.get("start-time", 0)).get("state"))
        spark = {p.name: p.running(config) for p in (stack.RAW_LOADER, stack.SPARK_METRICS)}
        try:
            ticks = newest_ticks(config)
        except Exception:  # the warehouse not answering is shown, not fatal
            ticks = {"flink": None, "spark": None}
        events, rate = self.produced()
        elapsed = (datetime.now(UTC) - (self.generator_started_at or self.started_at)).total_seconds()
        return progress_line(elapsed, events, rate, states, spark, ticks, datetime.now(UTC))

    def watch(self, clock: Callable[[], float] = time.monotonic) -> None:
        """Progress lines until a stop is asked for, ``--duration`` ends or the generator fails.

        ``--duration`` counts from here, when every part runs (the generator started a little earlier).

        A round whose simulated day ended (exit 0) is followed by the next one, with the next free seed.
        """
        self.watch_started_at = datetime.now(UTC)
        deadline = clock() + self.options.duration_s if self.options.duration_s else None
        next_line = clock() + PROGRESS_EVERY_S
        while not self.stop.is_set():
            now = clock()
            if deadline is not None and now >= deadline:
                step(f"--duration reached ({self.options.duration_s:.0f} s): stopping")
                return
            if self.generator is not None and self.generator.poll() is not None:
                rc = self.generator.returncode
                if rc != 0:
                    self.failures.append(StepFailed("generator", f"exit status {rc}", self.generator_log))
                    warn(f"the generator exited with status {rc} (log {self.generator_log}): stopping")
                    return
                events, _ = generator_progress(self.generator_log) if self.generator_log else (None, None)
                self.produced_before += events or 0
                step("The generator's simulated day ended: the next round, with a new seed")
                self.start_generator(next_free_seed(used_seeds(self.config), self.seeds[-1] + 1))
            if now >= next_line:
                print(self.progress(), flush=True)
                next_line = now + PROGRESS_EVERY_S
            self.stop.wait(1)

    # -- stop ----------------------------------------------------------------------------------

    def shutdown(self) -> None:
        """The stop sequence (:data:`SHUTDOWN_STEPS`), each step timed; failures collected, not fatal."""
        step("Stopping live mode: " + ", ".join(SHUTDOWN_STEPS))
        actions: dict[str, Callable[[], None]] = {
            "stop generator": self.stop_generator,
            "final tick": self.final_tick,
            "raw loads caught up": self.await_raw_loads,
            "windows closed": self.await_windows_closed,
            "flink savepoints": self.savepoint_flink,
            "stop spark": self.stop_spark,
            "stop dashboard": self.stop_dashboard,
            "verify": self.verify,
            "report": self.report,
        }
        for number, name in enumerate(SHUTDOWN_STEPS, start=1):
            print(f"{B}[{number}/{len(SHUTDOWN_STEPS)}] {name}{N}", flush=True)
            begin, cpu_before = time.monotonic(), timing.Sample.now(self.config.run_dir)
            try:
                actions[name]()
            except StepFailed as e:
                self.failures.append(e)
                warn(f"{name} failed: {e.cause}" + (f" (log {e.log})" if e.log else ""))
            secs = time.monotonic() - begin
            self.measured.append(timing.step_record(name, secs, cpu_before, timing.Sample.now(self.config.run_dir)))
            self.write_timings()

    def stop_generator(self) -> None:
        """SIGTERM to the generator (it sends what it buffered, flushes and prints its summary)."""
        self.stopped_at = datetime.now(UTC)
        process = self.generator
        if process is None or process.poll() is not None:
            ok("generator not running")
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise StepFailed("stop generator", "no exit 60 s after SIGTERM: killed", self.generator_log) from None
        events, _ = self.produced()
        how = "after SIGTERM" if process.returncode in (0, 128 + signal.SIGTERM) else f"exit {process.returncode}"
        ok(f"generator stopped ({how}); {events or 0:,} events produced by this live")

    def final_tick(self) -> None:
        """The signed tick at the wall clock, one second on (every event's time is before it)."""
        now = time.time()
        at = datetime.fromtimestamp(int(now) + 1, UTC)
        self.tick_at = at.strftime("%Y-%m-%dT%H:%M:%SZ")
        time.sleep(max(0.0, at.timestamp() - now))
        self.tick_log = jobs.tick(self.config, self.tick_at)

    def _target_ms(self) -> int:
        """The watermark both engines reach with the tick: T - bound - 1 ms (docs/metrics.md#watermark)."""
        assert self.tick_at is not None
        return int(datetime.strptime(self.tick_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()) * 1000 - (
            BOUND_S * 1000 + 1
        )

    def await_raw_loads(self, timeout_s: float = CLOSE_TIMEOUT_S) -> None:
        """Waits until ``watermark_ticks`` holds every tick record: the raw tables then hold every event before it."""
        if self.tick_log is None:
            raise StepFailed("raw loads caught up", "no tick was written")
        records = tick_records(self.tick_log)
        deadline = time.monotonic() + timeout_s
        loaded = 0
        while time.monotonic() < deadline:
            loaded = ticks_loaded(self.config, records)
            if loaded == len(records):
                ok(f"the raw loader wrote all {len(records)} tick records: every event is in the raw tables")
                return
            if not stack.RAW_LOADER.running(self.config):
                raise StepFailed("raw loads caught up", "the raw loader is not running")
            time.sleep(2)
        raise StepFailed(
            "raw loads caught up", f"{loaded} of {len(records)} tick records loaded after {timeout_s:.0f} s"
        )

    def behind(self) -> list[str]:
        """What has not yet closed the tick's windows: Flink operators and Spark queries below the target."""
        target = self._target_ms()
        late: list[str] = []
        running = stack.flink_jobs(self.config)
        for name in launch.FLINK_JOBS:
            job = stack.running_flink_job(running, name)
            if job is None:
                late.append(f"flink {name}: not running")
                continue
            for vertex, mark in flink_watermarks(self.config, str(job["jid"])).items():
                if mark is None or mark < target:
                    late.append(f"flink {name} {vertex}: watermark {_ms(mark)}")
        for q in spark_queries(self.config.home / "checkpoints/spark-metrics"):
            if not q.idle:
                late.append(f"spark {q.name}: batch {q.planned} in flight")
            elif q.watermark_ms and q.watermark_ms < target:
                late.append(f"spark {q.name}: watermark {_ms(q.watermark_ms)}")
        return late

    def await_windows_closed(self, timeout_s: float = CLOSE_TIMEOUT_S) -> None:
        """Waits until :meth:`behind` is empty (every window ending by T - bound closed in both engines).

        :raises StepFailed: after ``timeout_s``, naming what is behind; at once when the Spark
            metric queries' application has exited while a query is behind (nothing would close
            its windows; its log names the cause, e.g. an ``OutOfMemoryError``)
        """
        target = _ms(self._target_ms())
        deadline = time.monotonic() + timeout_s
        late = self.behind()
        while late and time.monotonic() < deadline:
            spark_behind = [x for x in late if x.startswith("spark ")]
            if spark_behind and not stack.SPARK_METRICS.running(self.config):
                log = self.config.log_dir / f"{stack.SPARK_METRICS.name}.log"
                raise StepFailed(
                    "windows closed",
                    f"the Spark metric queries' application exited with {spark_behind[0]}",
                    log,
                )
            time.sleep(3)
            late = self.behind()
        if late:
            raise StepFailed("windows closed", f"not at {target} after {timeout_s:.0f} s: {'; '.join(late[:4])}")
        ok(f"both engines' watermarks are at {target} (T - {BOUND_S} s - 1 ms): every window ending by then is closed")

    def savepoint_flink(self) -> None:
        """Each running Flink metric job stopped with a savepoint; its id recorded in the job ledger."""
        running = stack.flink_jobs(self.config)
        first: StepFailed | None = None
        for name, job_class in launch.FLINK_JOBS.items():
            job = stack.running_flink_job(running, name)
            if job is None:
                warn(f"{job_class} is not running: no savepoint")
                continue
            job_id = str(job["jid"])
            resume.record_job_id(self.config, name, job_id)
            try:
                self.savepoints[name] = stop_with_savepoint(self.config, job_id)
            except StepFailed as e:
                first = first or e
                warn(f"{job_class}: {e.cause}")
                continue
            ok(f"{job_class} stopped with savepoint {self.savepoints[name]}")
        if first is not None:
            raise first

    def stop_spark(self, timeout_s: float = 120) -> None:
        """The streaming Spark jobs stopped (SIGTERM) once no micro-batch is in flight."""
        for proc, folder in (
            (stack.SPARK_METRICS, self.config.home / "checkpoints/spark-metrics"),
            (stack.RAW_LOADER, self.config.home / "checkpoints/raw-loader"),
        ):
            deadline = time.monotonic() + timeout_s
            while proc.running(self.config) and time.monotonic() < deadline:
                if all(q.idle for q in spark_queries(folder)):
                    break
                time.sleep(1)
            pid = proc.stop(self.config, grace_s=60)
            if pid is not None:
                ok(f"{proc.name} stopped (pid {pid}); its checkpoint resumes it")

    def stop_dashboard(self) -> None:
        """The dashboard, when live started it."""
        if not self.started_dashboard:
            ok("dashboard not started by live")
            return
        pid = stack.DASHBOARD.stop(self.config)
        ok(f"dashboard stopped (pid {pid})")

    def verify(self) -> None:
        """``./pipeline verify`` on the windows the final tick closed (T - bound): reference from the raw
        tables, then flink vs spark vs reference. A window still open may show a running total in one
        engine and nothing yet in another, so it is left out; the next live closes and judges it."""
        if self.tick_at is None:
            raise StepFailed("verify", "no final tick was written: no window is known to be closed")
        jobs.verify(self.config, closed_by=_iso(self._target_ms() + 1))

    def report(self) -> None:
        """``live.json`` and the run report (``reports/RUN_ID/``, timings and parameters)."""
        self.write_summary()
        jobs.report(self.config, self.options.run_id, None, [])

    # -- records -------------------------------------------------------------------------------

    def write_parameters(self) -> None:
        """``runs/ID/parameters``: what the report shows."""
        self.recorded.mkdir(parents=True, exist_ok=True)
        users = self.options.users or default_users(self.options.rate, self.options.duration_s)
        lines = [
            "mode=live (real time)",
            f"rate={self.options.rate:g} events/s",
            f"users={users}",
            f"duration={'until Ctrl-C' if self.options.duration_s is None else f'{self.options.duration_s:.0f} s'}",
            f"seeds={','.join(map(str, self.seeds)) or 'none'}",
            f"flink parallelism={self.config.flink_parallelism}",
        ]
        (self.recorded / "parameters").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def write_timings(self) -> None:
        """``runs/ID/timings.tsv`` (for the report) and ``timings.json`` (wall and CPU seconds per step)."""
        self.recorded.mkdir(parents=True, exist_ok=True)
        tsv = "".join(f"{m['step']}\t{m['wall_s']}\n" for m in self.measured)
        (self.recorded / "timings.tsv").write_text(tsv, encoding="utf-8")
        document = {"run_id": self.options.run_id, "steps": self.measured}
        (self.recorded / "timings.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")

    def write_summary(self) -> None:
        """``runs/ID/live.json``: start, stop, tick, seeds, events, savepoints (the bench reads it)."""
        events, _ = self.produced()
        summary = {
            "run_id": self.options.run_id,
            "started_at": self.started_at.isoformat(),
            "generator_started_at": self.generator_started_at.isoformat() if self.generator_started_at else None,
            "running_since": self.watch_started_at.isoformat() if self.watch_started_at else None,
            "generator_stopped_at": self.stopped_at.isoformat() if self.stopped_at else None,
            "tick_at": self.tick_at,
            "rate": self.options.rate,
            "seeds": self.seeds,
            "events_produced": events,
            "savepoints": self.savepoints,
        }
        self.write_parameters()
        (self.recorded / "live.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


def _iso(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ms(epoch_ms: int | None) -> str:
    if epoch_ms is None:
        return "none"
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def live(config: Config, options: Options) -> None:
    """``./pipeline live``: start, watch, stop (the module docstring).

    :raises AlreadyRunning: (exit 2) another ``live`` holds this stack's lock
    :raises SeedUsed: (exit 2) ``--seed`` was used by an earlier ``live`` on this stack
    :raises disk.LowDiskSpace: (exit 2) below DISK_MIN_FREE_MB free
    :raises StepFailed: a start step failed, or (after the whole stop sequence) a stop step did
    """
    with exclusive(config):
        session = Live(config, options)
        seed = session.first_seed()
        disk.require_free_space(config, "live")
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

        def on_signal(signum: int, _frame: object) -> None:
            if session.stop.is_set():
                warn("already stopping: the stop sequence finishes by itself")
                return
            session.stop.set()
            print(f"\n{B}==> {signal.Signals(signum).name}: stopping live mode in order{N}", flush=True)

        for sig in previous:
            signal.signal(sig, on_signal)
        try:
            step(f"Live mode: {options.rate:g} events/s in real time (run id {options.run_id})")
            begin, cpu_before = time.monotonic(), timing.Sample.now(config.run_dir)
            try:
                session.start(seed)
            except StepFailed as e:
                if not session.stop.is_set():
                    # Nothing may keep producing into a pipeline that did not start.
                    with contextlib.suppress(StepFailed):
                        session.stop_generator()
                    raise
                warn(f"start-up interrupted: {e.cause}")
            secs = time.monotonic() - begin
            session.measured.append(timing.step_record("start", secs, cpu_before, timing.Sample.now(config.run_dir)))
            if not session.stop.is_set():
                session.where_to_look()
                session.write_parameters()
                session.watch()
            session.shutdown()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if session.failures:
            first = session.failures[0]
            raise StepFailed(f"live: {first.step}", first.cause, first.log)
        step(
            f"Live mode stopped; report: reports/{options.run_id}/index.html; savepoints recorded, the next"
            " ./pipeline live resumes from them; the stack keeps running (./pipeline down)"
        )
