"""Live mode's fault test (docs/operations.md#the-live-fault-test; a long check, not a unit test).

A few minutes of ``./pipeline live`` at a modest rate, the Flink TaskManager killed, and what an
on-call engineer would see, step by step, each with its time:

1. healthy: the three Flink jobs run, both engines write session ticks, and no alert fires for
   ``--healthy`` seconds in a row (Prometheus ``/api/v1/alerts``);
2. SIGKILL to the TaskManager (its pid from Flink's pid file in ``$CINESTREAM_HOME/run``);
3. the alert ``CinestreamSessionMetricsStale{engine="flink"}`` fires (the other alerts firing then
   are listed: the TaskManager's push staleness, jobs not running);
4. the operator restarts the TaskManager (``./pipeline up --monitoring``) once the JobManager has
   dropped the dead one (as ``./pipeline chaos`` does: a TaskManager on the same address before that
   is refused by the JobManager's remoting);
5. the three jobs run again by their restart strategy (from their last checkpoint; nobody
   resubmits them), and every alert resolves (none firing; pending is allowed);
6. ``./pipeline verify --closed-by watermarks`` while ``live`` streams on (what the hourly DAG's
   ``verify_parity`` runs): the ticks and windows both engines have closed must agree;
7. ``--after`` seconds later, SIGINT to ``live``: its stop sequence writes the final tick, closes
   every window, takes savepoints and verifies flink vs spark vs reference on the closed ticks and
   windows (``live`` exits 1 on a difference);
8. the raw tables hold every produced event exactly once (``bench/live_stats.py report``).

Usage: ``bench/live-fault.sh [--rate R] [--healthy S] [--after S] [--timeout S]``. The stack is the
configured one (``CINESTREAM_HOME``, ports) and starts from a clean state (``./pipeline reset
--yes``). Output: the steps with their times, and a Markdown report in
``bench/results/live-fault-<UTC time>.md``. Exit status 0 when every step happened in time and
nothing was lost, duplicated or different; 1 otherwise (the failed step is named).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from contextlib import redirect_stdout
from datetime import UTC, datetime
from pathlib import Path

import live_stats  # bench/, beside this script

from cinestream_ops import cli, launch, live, stack
from cinestream_ops.config import Config

ROOT = Path(__file__).resolve().parent.parent
STALE = "CinestreamSessionMetricsStale"


class FaultTestFailed(Exception):
    """A step did not happen in time; the message names it."""


def log(message: str) -> None:
    """One timestamped line on stderr."""
    print(f"[live-fault {datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def alerts(config: Config) -> list[dict]:
    """Prometheus' active alerts (``/api/v1/alerts``): each with ``labels`` and ``state`` (pending, firing).

    :raises OSError: when Prometheus does not answer
    """
    with urllib.request.urlopen(f"http://127.0.0.1:{config.prometheus_port}/api/v1/alerts", timeout=10) as r:
        return list(json.load(r)["data"]["alerts"])


def firing(config: Config) -> list[str]:
    """The firing alerts as ``name{engine=...}`` (engine or job label when present), sorted."""
    return live_stats.alert_names(a.get("labels", {}) for a in alerts(config) if a.get("state") == "firing")


def stale_flink_firing(config: Config) -> bool:
    """True when ``CinestreamSessionMetricsStale`` fires for flink."""
    return any(
        a.get("state") == "firing" and a["labels"].get("alertname") == STALE and a["labels"].get("engine") == "flink"
        for a in alerts(config)
    )


def jobs_running(config: Config) -> bool:
    """True when each of the three Flink metric jobs runs with every task RUNNING (``/jobs/overview``'s
    task counts: a restarted job is RUNNING before its tasks have slots)."""
    running = stack.flink_jobs(config)

    def up(job: dict) -> bool:
        tasks = job.get("tasks", {})
        return job.get("state") == "RUNNING" and tasks.get("total", 0) > 0 and tasks.get("running") == tasks["total"]

    return all(any(j.get("name") == name and up(j) for j in running) for name in launch.FLINK_JOBS)


def failed_jobs(config: Config) -> list[str]:
    """Names of metric jobs whose newest submission is FAILED (the restart strategy gave up)."""
    newest: dict[str, dict] = {}
    for job in stack.flink_jobs(config):
        name = str(job.get("name"))
        if name in launch.FLINK_JOBS and job.get("start-time", 0) >= newest.get(name, {}).get("start-time", -1):
            newest[name] = job
    return sorted(n for n, j in newest.items() if j.get("state") == "FAILED")


def fresh_ticks(config: Config) -> bool:
    """True when both engines have a session tick in the warehouse younger than 300 s (the alert's bound)."""
    now = datetime.now(UTC)
    ticks = live.newest_ticks(config)
    return all(t is not None and (now - t).total_seconds() < 300 for t in ticks.values())


def wait(what: str, ready: Callable[[], bool], timeout_s: float, every_s: float = 5) -> float:
    """Polls ``ready`` until true; errors while polling (a service restarting) count as not ready.

    :return: seconds waited
    :raises FaultTestFailed: after ``timeout_s``, or at once when ``ready`` raises it (``live`` exited)
    """
    begin = time.monotonic()
    while True:
        try:
            if ready():
                return time.monotonic() - begin
        except FaultTestFailed:
            raise
        except Exception as e:  # noqa: BLE001 - a REST or SQL error while a part restarts: try again
            log(f"{what}: not yet ({type(e).__name__}: {str(e)[:120]})")
        if time.monotonic() - begin > timeout_s:
            raise FaultTestFailed(f"{what}: not within {timeout_s:.0f} s")
        time.sleep(every_s)


def healthy_for(config: Config, seconds: float, timeout_s: float) -> float:
    """Waits until jobs run, ticks are fresh and no alert fires, continuously for ``seconds``.

    :return: seconds waited in all
    :raises FaultTestFailed: when that never lasts ``seconds`` within ``timeout_s``
    """
    since: float | None = None

    def ready() -> bool:
        nonlocal since
        ok = jobs_running(config) and fresh_ticks(config)
        fired = firing(config)
        if fired:
            log(f"not healthy yet: firing {', '.join(fired)}")
        if not ok or fired:
            since = None
            return False
        since = since or time.monotonic()
        return time.monotonic() - since >= seconds

    return wait(f"{seconds:.0f} s healthy with no alert firing", ready, timeout_s)


def taskmanager_pids(config: Config) -> list[int]:
    """The live pids in Flink's TaskManager pid files of this stack (``run/flink-*-taskexecutor.pid``)."""
    pids = []
    for pid_file in config.run_dir.glob("flink-*-taskexecutor.pid"):
        pids += [int(p) for p in pid_file.read_text().split() if p.isdigit() and stack.alive(int(p))]
    return pids


def no_taskmanager(config: Config) -> bool:
    """True when the JobManager answers and lists no TaskManager (it dropped the killed one)."""
    answer = stack.flink_get(config, "/taskmanagers")
    return answer is not None and not answer.get("taskmanagers")


def pipeline(*args: str, timeout_s: float = 600) -> None:
    """``./pipeline ARGS`` with its output on stderr.

    :raises FaultTestFailed: on a non-zero exit
    """
    rc = subprocess.run([str(ROOT / "pipeline"), *args], stdout=sys.stderr, timeout=timeout_s, check=False).returncode
    if rc != 0:
        raise FaultTestFailed(f"./pipeline {' '.join(args)} exited {rc}")


def run(args: argparse.Namespace, config: Config, steps: list[tuple[str, float, str]]) -> Path:
    """Steps 1-7; appends (step, seconds since live started, detail) to ``steps``.

    :return: the live run's folder (``runs/<run id>``)
    :raises FaultTestFailed: at the first step that did not happen
    """
    pipeline("up", "--monitoring")
    pipeline("reset", "--yes")
    run_id = f"live-fault-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    log_file = config.log_dir / f"{run_id}.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    # A cap only: step 6 stops it with SIGINT long before.
    argv = [str(ROOT / "pipeline"), "live", "--rate", str(args.rate), "--duration", "2h", "--run-id", run_id]
    log(f"./pipeline live --rate {args.rate} (run id {run_id}, output in {log_file})")
    started = time.monotonic()
    with log_file.open("ab") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:

        def live_alive() -> None:
            if proc.poll() is not None:
                raise FaultTestFailed(f"./pipeline live exited early with {proc.returncode} (see {log_file})")

        def since_start() -> float:
            live_alive()
            return time.monotonic() - started

        wait("live running (3 Flink jobs, fresh ticks)", lambda: since_start() > 0 and jobs_running(config), 900)
        healthy_for(config, args.healthy, args.timeout)
        steps.append(("healthy", since_start(), f"{args.healthy:.0f} s with no alert firing"))
        log(steps[-1][2])

        pids = taskmanager_pids(config)
        if not pids:
            raise FaultTestFailed("no TaskManager process to kill")
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()
        steps.append(("TaskManager killed", killed - started, f"SIGKILL pid {', '.join(map(str, pids))}"))
        log(steps[-1][2])

        wait(f"{STALE}{{flink}} firing", lambda: (live_alive(), stale_flink_firing(config))[1], args.timeout)
        steps.append(
            (f"{STALE}{{flink}} fires", time.monotonic() - started, "also firing: " + ", ".join(firing(config)))
        )
        log(f"{steps[-1][0]} {time.monotonic() - killed:.0f} s after the kill; {steps[-1][2]}")

        wait("the JobManager to drop the killed TaskManager", lambda: no_taskmanager(config), 300, 2)
        pipeline("up", "--monitoring")
        steps.append(("TaskManager restarted", time.monotonic() - started, "./pipeline up --monitoring"))
        log(f"TaskManager restarted {time.monotonic() - killed:.0f} s after the kill")

        def recovered() -> bool:
            live_alive()
            failed = failed_jobs(config)
            if failed:
                raise FaultTestFailed(f"Flink job(s) {', '.join(failed)} FAILED: the restart strategy gave up")
            return jobs_running(config)

        wait("the Flink jobs running again", recovered, args.timeout)
        steps.append(("jobs running again", time.monotonic() - started, "by the restart strategy, from a checkpoint"))
        log(f"jobs running again {time.monotonic() - killed:.0f} s after the kill")

        wait("every alert resolved", lambda: (live_alive(), not firing(config))[1], args.timeout)
        steps.append(("every alert resolved", time.monotonic() - started, "no alert firing"))
        log(f"every alert resolved {time.monotonic() - killed:.0f} s after the kill")

        # What the hourly DAG's verify_parity runs while live streams on (docs/operations.md#verify-while-streaming).
        verify_log = config.log_dir / f"{run_id}-verify-watermarks.log"
        with verify_log.open("wb") as out:
            rc = subprocess.run(
                [str(ROOT / "pipeline"), "verify", "--closed-by", "watermarks"], stdout=out, stderr=subprocess.STDOUT
            ).returncode
        horizon_line = next((ln for ln in verify_log.read_text().splitlines() if "closed by" in ln), "").strip()
        steps.append(
            ("verify --closed-by watermarks while streaming", time.monotonic() - started, f"exit {rc}; {horizon_line}")
        )
        log(steps[-1][2])
        if rc != 0:
            raise FaultTestFailed(f"verify --closed-by watermarks while live runs failed (exit {rc}, see {verify_log})")

        time.sleep(args.after)
        live_alive()
        proc.send_signal(signal.SIGINT)
        rc = proc.wait(timeout=1800)
        steps.append(("live stopped and verified", time.monotonic() - started, f"exit {rc}; log {log_file}"))
        if rc != 0:
            raise FaultTestFailed(f"./pipeline live's stop sequence or verify failed (exit {rc}, see {log_file})")
        log("live stopped; verify on the closed ticks and windows: OK")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=1800)
    return config.home / "runs" / run_id


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=200, help="generator events/s (default 200)")
    parser.add_argument("--healthy", type=float, default=120, help="seconds healthy before the kill (default 120)")
    parser.add_argument("--after", type=float, default=60, help="seconds after recovery before the stop (default 60)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds each step may take (default 600)")
    args = parser.parse_args(argv)
    config = cli.load_config()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    steps: list[tuple[str, float, str]] = []
    failure = None
    run_dir = None
    try:
        run_dir = run(args, config, steps)
    except (FaultTestFailed, subprocess.TimeoutExpired) as e:
        failure = str(e)
        log(f"FAILED: {failure}")
    lines = [f"# Live fault test: `bench/live-fault.sh --rate {args.rate}`", "", f"Started {stamp}.", ""]
    kill = next((secs for name, secs, _ in steps if name == "TaskManager killed"), None)
    lines += ["| step | s since live started | s after the kill | detail |", "|---|---:|---:|---|"]
    for name, secs, detail in steps:
        after = f"{secs - kill:.0f}" if kill is not None and secs >= kill else "-"
        lines.append(f"| {name} | {secs:.0f} | {after} | {detail} |")
    if run_dir is not None:
        text = io.StringIO()
        with redirect_stdout(text):
            rc = live_stats.report(config.home, None, [run_dir], "live fault test")
        lines += ["", text.getvalue().split("\n", 2)[2] if text.getvalue().count("\n") >= 2 else text.getvalue()]
        if rc:
            lost = "an event was lost or duplicated in the raw tables"
            failure = f"{failure}; {lost}" if failure else lost
    lines += ["", f"RESULT: {'FAILED: ' + failure if failure else 'OK'}"]
    out = ROOT / "bench/results" / f"live-fault-{stamp}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    log(f"report: {out.relative_to(ROOT)}")
    return 1 if failure else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
