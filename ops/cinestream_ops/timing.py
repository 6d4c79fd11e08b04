"""Wall time and CPU time of a step of ``./pipeline run`` (docs/operations.md#run, bench/scale.sh).

A step's CPU time is what it cost the machine, wherever it ran:

* the commands ``./pipeline`` waited for (spark-submit, the Flink client, dbt, the Java tools):
  ``resource.getrusage(RUSAGE_CHILDREN)`` deltas (user + system);
* the stack's own processes, which run beside ``./pipeline`` and not as its children (Kafka,
  PostgreSQL and its backends, the registry, the Flink JobManager and TaskManager, where the Flink
  jobs run): user + system of every process descended from a pid recorded in
  ``$CINESTREAM_HOME/run/*.pid``, plus what their reaped children used (``/proc/PID/stat`` fields
  14-17, in clock ticks).

A process of the stack that exits during a step takes its CPU time with it (not counted); none
does in a normal run.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def children_cpu_s() -> float:
    """User + system seconds of this process's waited-for children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds incl. reaped children) of a live process, or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # After the command: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
    return int(fields[1]), sum(int(f) for f in fields[11:15]) / _TICKS


def tree_cpu_s(roots: set[int]) -> float:
    """CPU seconds of the processes ``roots`` and all their descendants (incl. their reaped children).

    :param roots: process ids; the ones not alive are skipped
    """
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None:
                stats[int(entry.name)] = stat
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    seen: set[int] = set()
    todo = [pid for pid in roots if pid in stats]
    while todo:
        pid = todo.pop()
        if pid not in seen:
            seen.add(pid)
            todo.extend(children.get(pid, []))
    return sum(stats[pid][1] for pid in seen)


def recorded_pids(run_dir: Path) -> set[int]:
    """Every pid in the stack's pid files (``run_dir/*.pid``: services, Flink daemons, background jobs)."""
    pids: set[int] = set()
    for pid_file in run_dir.glob("*.pid"):
        try:
            pids.update(int(p) for p in pid_file.read_text().split() if p.isdigit())
        except OSError:
            continue
    return pids


@dataclass(frozen=True)
class Sample:
    """A point in time: CPU seconds of the waited-for children and of the stack's processes."""

    children_s: float
    stack_s: float

    @classmethod
    def now(cls, run_dir: Path) -> Sample:
        """The current totals for the stack whose pid files are in ``run_dir``."""
        return cls(children_cpu_s(), tree_cpu_s(recorded_pids(run_dir)))


def step_record(name: str, wall_s: float, before: Sample, after: Sample) -> dict[str, float | str]:
    """One step's entry of ``timings.json``: ``step``, ``wall_s``, ``cpu_s`` (= children + stack),
    ``cpu_children_s``, ``cpu_stack_s``; seconds rounded to 0.1. A stack process that ended during
    the step would make its share negative: clamped at 0."""
    children = max(after.children_s - before.children_s, 0.0)
    stack = max(after.stack_s - before.stack_s, 0.0)
    return {
        "step": name,
        "wall_s": round(wall_s, 1),
        "cpu_s": round(children + stack, 1),
        "cpu_children_s": round(children, 1),
        "cpu_stack_s": round(stack, 1),
    }
