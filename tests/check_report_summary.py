"""Checks the summary.json of a run report that ``./pipeline run`` wrote.

* parity verdict ``ok`` (every compared key equal on every engine that ran),
* the engines present include flink and the reference; for each engine present, non-empty metric
  figures: registration windows with registrations, session ticks with open sessions, daily sales,
* the top movies have titles and a positive total for the ranking engine,
* the raw event tables have rows, and the timings list every step of ``run`` before the report
  (``reset`` is the second step unless the run was started with ``--keep``).

Prints one line per check; exit status 1 with the problems when any check fails.
"""

import argparse
import json
import sys

RUN_STEPS = ["up", "reset", "catalog", "generate", "tick", "load", "flink metrics", "spark metrics", "verify", "dbt"]
EVENT_TABLES = ["consumer_events", "item_view_events", "cart_events", "item_rating_events"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("summary", help="path of summary.json")
    s = json.load(open(parser.parse_args().summary, encoding="utf-8"))
    problems = []

    verdict = s["parity"]["verdict"]
    print(f"parity verdict: {verdict}")
    if verdict != "ok":
        problems.append(f"parity verdict is {verdict}, not ok")

    engines = s["engines"]
    print(f"engines: {', '.join(engines)}")
    for needed in ("flink", "reference"):
        if needed not in engines:
            problems.append(f"no {needed} rows in the report")
    for engine in engines:
        for window_type in ("tumbling_1h", "sliding_1h_15m"):
            reg = s["registrations"][window_type].get(engine)
            if not reg or reg["windows"] == 0 or reg["total_registrations"] == 0:
                problems.append(f"{engine}: no {window_type} registrations")
        ses = s["sessions"].get(engine)
        if not ses or ses["ticks"] == 0 or ses["max_active_sessions"] == 0:
            problems.append(f"{engine}: no session ticks with open sessions")
        days = s["daily_sales"].get(engine, [])
        if not days or sum(float(d["total_sales"]) for d in days) <= 0:
            problems.append(f"{engine}: no daily sales")
        print(
            f"{engine}: {s['registrations']['tumbling_1h'].get(engine, {}).get('total_registrations')} "
            f"hourly registrations, {ses and ses['ticks']} session ticks "
            f"(peak {ses and ses['max_active_sessions']}), {len(days)} sales days"
        )

    top = s["top_movies"]
    ranked_by = top["ranked_by"]
    print(f"top movies: {len(top['movies'])} ranked by {ranked_by}")
    if not top["movies"]:
        problems.append("no top movies")
    for m in top["movies"]:
        if not m["title"] or float(m["total_sales"].get(ranked_by, 0)) <= 0:
            problems.append(f"top movie {m['movie_id']} has no title or no {ranked_by} total")

    for table in EVENT_TABLES:
        if s["table_counts"].get(table, 0) == 0:
            problems.append(f"raw table {table} is empty in the report")
    steps = [t["step"] for t in s["timings"]["steps"]]
    print(f"timings: {', '.join(steps)} ({s['timings']['total_seconds']:.0f} s)")
    expected = RUN_STEPS if "reset" in steps else [step for step in RUN_STEPS if step != "reset"]
    if steps[: len(expected)] != expected:
        problems.append(f"timings steps {steps}, expected {expected} first")

    for p in problems:
        print(f"PROBLEM: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
