#!/usr/bin/env python3
"""Checks a running Prometheus through its HTTP API (docs/operations.md#monitoring).

    tests/check_prometheus.py URL [--targets-up JOB,...] [--expect QUERY=VALUE]... [--timeout S]

``--targets-up``: every active target of each named scrape job is ``up`` (and each job has one);
``--expect``: the instant query returns exactly one sample, equal to VALUE. Retries until all hold
or ``--timeout`` seconds (default 60) pass, so a first scrape or push still on its way is waited
for; prints what was found. Exit status 0 when all hold, 1 otherwise, 2 on a usage error.
Standard library only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def get(url: str) -> dict:
    """The ``data`` of a Prometheus API answer (raises on HTTP errors or a non-success status)."""
    with urllib.request.urlopen(url, timeout=10) as response:
        answer = json.load(response)
    if answer.get("status") != "success":
        raise ValueError(f"{url}: {answer}")
    return answer["data"]


def problems(base: str, jobs: list[str], expects: list[tuple[str, str]]) -> list[str]:
    """What does not hold now: targets down or missing, queries without the expected single value."""
    found: list[str] = []
    targets = get(f"{base}/api/v1/targets?state=active")["activeTargets"]
    for job in jobs:
        mine = [t for t in targets if t["labels"].get("job") == job]
        if not mine:
            found.append(f"no target of job {job}")
        for target in mine:
            if target["health"] != "up":
                found.append(f"{job} {target['scrapeUrl']}: {target['health']} {target.get('lastError', '')}")
    for query, want in expects:
        result = get(f"{base}/api/v1/query?{urllib.parse.urlencode({'query': query})}")["result"]
        values = [sample["value"][1] for sample in result]
        if values != [want] and not (len(values) == 1 and float(values[0]) == float(want)):
            found.append(f"{query}: {values or 'no sample'}, expected [{want}]")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="Prometheus base URL, e.g. http://127.0.0.1:9090")
    parser.add_argument("--targets-up", default="", help="scrape jobs whose targets must all be up")
    parser.add_argument("--expect", action="append", default=[], help="QUERY=VALUE (one sample)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for all to hold")
    args = parser.parse_args()
    expects = []
    for item in args.expect:
        query, sep, value = item.rpartition("=")
        if not sep or not query:
            parser.error(f"--expect {item!r}: not QUERY=VALUE")
        expects.append((query, value))
    jobs = [j for j in args.targets_up.split(",") if j]
    base = args.url.rstrip("/")
    deadline = time.monotonic() + args.timeout
    while True:
        try:
            found = problems(base, jobs, expects)
        except (OSError, urllib.error.URLError, ValueError) as error:
            found = [f"{base}: {error}"]
        if not found:
            print(f"prometheus ok: targets up ({', '.join(jobs) or 'none asked'}); {len(expects)} queries as expected")
            return 0
        if time.monotonic() > deadline:
            for line in found:
                print(f"prometheus: {line}", file=sys.stderr)
            return 1
        time.sleep(2)


if __name__ == "__main__":
    sys.exit(main())
