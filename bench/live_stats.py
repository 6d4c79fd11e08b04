"""bench/live.sh's measurements: a CPU/memory sampler of the stack, and the report of live runs.

``sample --home H --out FILE``: every 5 s, one JSON line: wall time, CPU seconds and resident
memory (bytes) of every process descended from a pid in ``H/run/*.pid`` (the services, the Flink
daemons, the streaming Spark jobs, live itself and its generator), until killed.

``report --home H --samples FILE RUN_DIR...``: a Markdown table from the runs' ``live.json`` and
``timings.json``, the warehouse and Prometheus (docs/operations.md#live): freshness p50/p99 per
engine, the alerts that fired while every part ran (a healthy run: none), events produced vs raw
rows (no loss), duplicate event ids (none), the Flink jobs' lag and every consumer group's lag when
the generator stopped, the time each stop step took, CPU cores and peak memory while the generator
ran. Exit status 1 when an event is lost or duplicated.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from cinestream_ops import cli, horizon, live, timing

RAW_TABLES = horizon.RAW_EVENT_TABLES
PAGE = 4096


def _tree(roots: set[int]) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    seen: set[int] = set()
    todo = [p for p in roots if p in parents]
    while todo:
        pid = todo.pop()
        if pid not in seen:
            seen.add(pid)
            todo.extend(c for c, p in parents.items() if p == pid)
    return seen


def _rss(pids: set[int]) -> int:
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def sample(home: Path, out: Path) -> None:
    """Appends a sample every 5 s until killed."""
    while True:
        roots = timing.recorded_pids(home / "run")
        line = {"t": time.time(), "cpu_s": timing.tree_cpu_s(roots), "rss": _rss(_tree(roots))}
        with out.open("a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")
        time.sleep(5)


FRESHNESS = """
SELECT engine, metric, count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY lag_s), percentile_cont(0.99) WITHIN GROUP (ORDER BY lag_s)
FROM (
  SELECT engine, 'session' AS metric, "timestamp" + INTERVAL '120 seconds' AS closes,
         extract(epoch FROM emitted_at - ("timestamp" + INTERVAL '120 seconds')) AS lag_s FROM session_metrics
  UNION ALL
  SELECT engine, 'registration', window_end + INTERVAL '120 seconds',
         extract(epoch FROM emitted_at - (window_end + INTERVAL '120 seconds')) FROM user_registration_metrics
  UNION ALL
  SELECT engine, 'sales', window_end + INTERVAL '120 seconds',
         extract(epoch FROM emitted_at - (window_end + INTERVAL '120 seconds')) FROM movie_sales_metrics
) r
WHERE engine IN ('flink', 'spark') AND closes >= %s AND closes <= %s
GROUP BY engine, metric ORDER BY metric, engine
"""


def _prometheus(port: int, query: str, at: float) -> list[dict]:
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": query, "time": f"{at:.3f}"})
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.load(response).get("data", {}).get("result", [])
    except OSError:
        return []


ALERT_GRACE_S = 60
"""Seconds after every part of live runs before an alert counts as fired while running."""


def alert_names(labels: Iterable[dict]) -> list[str]:
    """``AlertName{where}`` (:func:`alert_where`) of each alert's labels, sorted, each once."""
    return sorted({ls.get("alertname", "?") + alert_where(ls) for ls in labels})


def _alert_names(results: list[dict]) -> str:
    return ", ".join(alert_names(r["metric"] for r in results))


def alert_where(labels: dict) -> str:
    """``{engine}`` (or job, with the scrape target for a target's own alert) of an alert's labels,
    for ``AlertName{where}``; empty without one. ``{spark 127.0.0.1:4041}`` tells the streaming
    loader's driver from the metric queries' one."""
    where = labels.get("engine") or labels.get("job_name") or labels.get("job") or ""
    if where and "engine" not in labels and "job_name" not in labels and labels.get("instance"):
        where = f"{where} {labels['instance']}"
    return f"{{{where}}}" if where else ""


def report(home: Path, samples: Path | None, runs: list[Path], command: str) -> int:
    """Prints the Markdown table; returns 1 when an event was lost or duplicated.

    ``samples`` is the sampler's JSON-lines file; ``None`` (a run without the sampler, such as the
    fault test) leaves the CPU and memory line out rather than printing an empty figure.
    """
    config = cli.load_config()
    lines = [f"# Live mode: `{command}`", ""]
    produced = 0
    windows: list[tuple[float, float]] = []
    for n, run in enumerate(runs, start=1):
        summary = json.loads((run / "live.json").read_text())
        steps = {s["step"]: s["wall_s"] for s in json.loads((run / "timings.json").read_text())["steps"]}
        produced += summary["events_produced"] or 0
        # From when every part ran (the generator starts before the jobs, which then catch up).
        start = datetime.fromisoformat(summary.get("running_since") or summary["generator_started_at"])
        stop = datetime.fromisoformat(summary["generator_stopped_at"])
        windows.append((start.timestamp(), stop.timestamp()))
        lines += [
            f"## Run {n}: {summary['run_id']}",
            "",
            f"all running {start:%H:%M:%S}-{stop:%H:%M:%S} UTC, {summary['events_produced']:,} events"
            f" at {summary['rate']:g}/s, seeds {summary['seeds']}, tick {summary['tick_at']}",
            "",
            "| engine | metric | rows closed while running | freshness p50 (s) | p99 (s) |",
            "|---|---|---:|---:|---:|",
        ]
        for engine, metric, count, p50, p99 in live.query(config, FRESHNESS, (start, stop)):
            lines.append(f"| {engine} | {metric} | {count} | {p50:.1f} | {p99:.1f} |")
        lag = _prometheus(
            config.prometheus_port,
            "sum by (job_name) (flink_taskmanager_job_task_operator_pendingRecords)",
            stop.timestamp(),
        )
        lag_text = ", ".join(f"{r['metric'].get('job_name')} {float(r['value'][1]):.0f}" for r in lag) or "not scraped"
        groups = _prometheus(config.prometheus_port, "cinestream:consumer_lag_records:sum_by_group", stop.timestamp())
        groups_text = (
            ", ".join(
                f"{r['metric'].get('group')} {float(r['value'][1]):,.0f}"
                for r in sorted(groups, key=lambda r: r["metric"].get("group", ""))
            )
            or "not scraped"
        )
        # An alert firing when every part came up (e.g. the Spark targets, down while no live ran)
        # resolves at the first rule evaluation after its condition clears: scrape (15 s) plus
        # evaluation (15 s). So the window for "fired while running" starts ALERT_GRACE_S later, and
        # what was firing at the start is listed on its own.
        span = max(1, int(stop.timestamp() - start.timestamp()) - ALERT_GRACE_S)
        fired = _prometheus(
            config.prometheus_port, f'max_over_time(ALERTS{{alertstate="firing"}}[{span}s])', stop.timestamp()
        )
        carried = _prometheus(config.prometheus_port, 'ALERTS{alertstate="firing"}', start.timestamp())
        fired_text = _alert_names(fired) or "none"
        if carried:
            fired_text += f" (firing when every part had just started, carried over: {_alert_names(carried)})"
        lines += [
            "",
            f"Alerts firing at any time while every part ran (from {ALERT_GRACE_S} s after the start): {fired_text}.",
            f"Flink pendingRecords when the generator stopped: {lag_text}.",
            "Consumer lag per group when the generator stopped (committed offsets; Flink commits on"
            f" checkpoints, Spark's are its checkpoints' offset logs): {groups_text}.",
            "Stop: "
            + ", ".join(f"{name} {steps[name]:.0f} s" for name in live.SHUTDOWN_STEPS if name in steps)
            + f"; start {steps.get('start', 0):.0f} s.",
            "",
        ]
    raw = 0
    duplicates = 0
    for table in RAW_TABLES:
        count, distinct = live.query(config, f"SELECT count(*), count(DISTINCT event_id) FROM {table}")[0]
        raw += count
        duplicates += count - distinct
    cpu = [json.loads(x) for x in samples.read_text().splitlines()] if samples and samples.is_file() else []
    busy = [s for s in cpu if any(a <= s["t"] <= b for a, b in windows)]  # while every part ran
    cores = "n/a"
    if len(busy) >= 2:
        spans = [(x, y) for x, y in zip(busy, busy[1:], strict=False) if y["t"] - x["t"] < 30]
        used = sum(y["cpu_s"] - x["cpu_s"] for x, y in spans if y["cpu_s"] >= x["cpu_s"])
        cores = f"{used / max(1e-9, sum(y['t'] - x['t'] for x, y in spans)):.2f}"
    peak = max((s["rss"] for s in busy), default=0) / 2**30
    lost = produced - raw
    lines += [
        "## Totals",
        "",
        f"- events produced {produced:,}, rows in the raw tables {raw:,} (lost: {lost}),"
        f" duplicate event ids {duplicates}",
    ]
    if samples is not None:
        lines.append(
            f"- CPU while the generator ran: {cores} cores (the stack's processes; 2-core machine),"
            f" peak RSS {peak:.2f} GiB"
        )
    print("\n".join(lines))
    return 1 if lost != 0 or duplicates != 0 else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample")
    s.add_argument("--home", type=Path, required=True)
    s.add_argument("--out", type=Path, required=True)
    r = sub.add_parser("report")
    r.add_argument("--home", type=Path, required=True)
    r.add_argument("--samples", type=Path, required=True)
    r.add_argument("--title", default="bench/live.sh")
    r.add_argument("runs", type=Path, nargs="+")
    args = parser.parse_args(argv)
    if args.command == "sample":
        sample(args.home, args.out)
        return 0
    return report(args.home, args.samples, args.runs, args.title)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
