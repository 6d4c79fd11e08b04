"""The event-time horizon of ``./pipeline verify --closed-by watermarks`` (docs/operations.md#verify-while-streaming).

While the engines stream (``live``, or the hourly DAG's jobs), a full ``verify`` would compare
windows that one engine has closed and the other still holds open, and a reference computed from
raw tables that the loader has not caught up with. The horizon is the newest event time by which
every tick and window is closed in both engines and loaded for the reference: the lowest of

* each running Flink metric job's watermark (the input watermark of its last operators, lowest
  subtask; ``/jobs/<id>/vertices/<vertex>/watermarks``),
* each Spark metric query's watermark (``batchWatermarkMs`` of its newest committed micro-batch,
  read from its checkpoint),
* the newest event time in the raw tables minus the watermark bound (120 s): an event the loader
  has not written yet was produced after one more than the bound ahead of it, so the engines saw
  it as late too (docs/metrics.md#watermark).

A window ``[start, end)`` is closed when the watermark reaches ``end - 1 ms``, so the horizon is
that lowest watermark + 1 ms, cut to whole seconds (``verify --closed-by`` takes seconds).

A Flink job that is restarting (its restart strategy after a lost TaskManager), or has just started,
has no watermark until its sources have read records or marked themselves idle (``--idleness``,
1 min); a Spark query has none before its first micro-batches. Those are states that pass by
themselves, so :func:`engines_horizon` waits for them (``wait_s``) instead of failing at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from . import launch, live, stack
from .config import Config
from .console import StepFailed, ok

#: The suffix of the Spark late-events queries' checkpoints (MetricsSparkJob): they write no tick or
#: window and have no event-time watermark of Spark's (LateEvents keeps its own in state), so the
#: horizon leaves them out.
LATE_EVENTS_SUFFIX = "-late-events"


class NotYet(StepFailed):
    """A horizon that cannot be taken yet but will be: a job restarting or without a watermark yet."""


#: The raw tables of events (RawTable.java): their newest ``event_time`` bounds the reference.
RAW_EVENT_TABLES = ("consumer_events", "item_view_events", "cart_events", "item_rating_events")


@dataclass(frozen=True)
class Horizon:
    """The horizon and what set it.

    :param closed_by_ms: epoch ms, whole seconds: compare the ticks and windows closing by then
    :param marks: every watermark considered, ``(what, epoch ms)``, lowest first
    """

    closed_by_ms: int
    marks: tuple[tuple[str, int], ...]

    @property
    def iso(self) -> str:
        """``closed_by_ms`` as ISO UTC seconds (``2026-12-05T10:14:00Z``), verify's ``--closed-by``."""
        return live._iso(self.closed_by_ms)

    def describe(self) -> str:
        """One line: the horizon and the watermark that set it."""
        what, mark = self.marks[0]
        return f"closed by {self.iso}: the lowest watermark is {what}'s, {live._ms(mark)}"


def lowest(marks: list[tuple[str, int]]) -> Horizon:
    """The horizon of the given watermarks (epoch ms): the lowest + 1 ms, cut to whole seconds.

    :raises ValueError: when ``marks`` is empty
    """
    if not marks:
        raise ValueError("no watermark to take a horizon from")
    ordered = tuple(sorted(marks, key=lambda m: m[1]))
    return Horizon((ordered[0][1] + 1) // 1000 * 1000, ordered)


def flink_marks(config: Config) -> list[tuple[str, int]]:
    """Each running Flink metric job's last-operator watermarks.

    :raises NotYet: when a metric job is not running or has no watermark yet
    """
    marks = []
    running = stack.flink_jobs(config)
    for name in launch.FLINK_JOBS:
        job = stack.running_flink_job(running, name)
        if job is None:
            raise NotYet(
                "verify", f"flink {name} is not running: no watermark to judge by (after a bounded run: verify alone)"
            )
        for vertex, mark in live.flink_watermarks(config, str(job["jid"])).items():
            if mark is None:
                raise NotYet("verify", f"flink {name} {vertex} has no watermark yet: try again once it has data")
            marks.append((f"flink {name} {vertex}", mark))
    return marks


def spark_marks(config: Config) -> list[tuple[str, int]]:
    """Each Spark metric query's committed watermark (its checkpoint under ``checkpoints/spark-metrics``).

    The late-events queries beside them (``<query>-late-events``) are left out: no watermark of theirs.

    :raises StepFailed: when there is no query checkpoint
    :raises NotYet: when a query has no watermark yet
    """
    queries = [
        q
        for q in live.spark_queries(config.home / "checkpoints/spark-metrics")
        if not q.name.endswith(LATE_EVENTS_SUFFIX)
    ]
    if not queries:
        raise StepFailed("verify", "no Spark metric query has a checkpoint: start ./pipeline metrics --engine spark")
    for q in queries:
        if not q.watermark_ms:
            raise NotYet("verify", f"spark {q.name} has no watermark yet: try again after its first micro-batches")
    return [(f"spark {q.name}", q.watermark_ms) for q in queries]


def raw_mark(config: Config) -> list[tuple[str, int]]:
    """The newest event time in the raw tables minus the bound, as a watermark.

    :raises StepFailed: when the raw tables are empty
    """
    union = " UNION ALL ".join(f"SELECT max(event_time) AS t FROM {t}" for t in RAW_EVENT_TABLES)
    newest = live.query(config, f"SELECT max(t) FROM ({union}) x")[0][0]
    if newest is None:
        raise StepFailed("verify", "the raw tables are empty: nothing to judge")
    return [("the raw tables", int(newest.timestamp() * 1000) - live.BOUND_S * 1000 - 1)]


def engines_horizon(
    config: Config,
    wait_s: float = 0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Horizon:
    """The horizon of now (module docstring), waiting up to ``wait_s`` seconds for every watermark.

    :param wait_s: how long to keep asking while a job is not running or has no watermark yet (0: ask
        once); each new reason is printed once, and asking again is every 5 s
    :raises NotYet: when a job is still not running or without a watermark after ``wait_s``
    :raises StepFailed: when there is nothing to judge by (no Spark checkpoint, empty raw tables)
    """
    deadline = clock() + wait_s
    said = ""
    while True:
        try:
            return lowest(flink_marks(config) + spark_marks(config) + raw_mark(config))
        except NotYet as e:
            if clock() >= deadline:
                raise NotYet(e.step, f"{e.cause} (waited {wait_s:.0f} s)") from None
            if e.cause != said:
                ok(f"waiting: {e.cause}")
                said = e.cause
            sleep(5)
