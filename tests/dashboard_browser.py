"""Browser test of the live dashboard (docs/operations.md#dashboard) in headless Chromium.

Loads the page of a running dashboard with Playwright driving Debian's ``chromium`` (installed
with apt-get when missing, :func:`cinestream_ops.tools.ensure_chromium`; Playwright's own browser
builds are not used), waits for its first complete refresh, and fails unless

1. the active-sessions figure of each engine equals ``active_sessions_count`` of that engine's
   newest ``session_metrics`` row, read here with ``psql`` (an independent path: not through the
   dashboard's API),
2. the page shows no error banner (every API call answered), its charts are drawn, and
3. the browser logged no console error and no uncaught exception.

It then takes a full-page screenshot (``--screenshot``). Run by the ops venv's Python (Playwright
is in requirements/ops.txt); the warehouse password comes from ``PGPASSWORD``.

Usage: dashboard_browser.py --url http://127.0.0.1:PORT/ --dsn "host=... dbname=... user=..." [--screenshot PNG]
Prints one line per check; exit status 1 when one fails.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from cinestream_ops.config import Config
from cinestream_ops.tools import ensure_chromium

ENGINES = ("flink", "spark")


def newest_active_sessions(dsn: str) -> dict[str, int]:
    """``active_sessions_count`` of each engine's newest ``session_metrics`` row (psql); absent engines are left out."""
    found: dict[str, int] = {}
    for engine in ENGINES:
        sql = (
            "SELECT active_sessions_count FROM session_metrics "
            f"WHERE engine = '{engine}' ORDER BY \"timestamp\" DESC LIMIT 1"
        )
        out = subprocess.run(["psql", dsn, "-XAtc", sql], capture_output=True, text=True, check=False)
        if out.returncode != 0:
            sys.exit(f"psql failed: {out.stderr.strip()}")
        if out.stdout.strip():
            found[engine] = int(out.stdout.strip())
    return found


def main() -> int:
    """Runs the checks; 0 when all pass."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", required=True, help="the dashboard's page")
    parser.add_argument("--dsn", required=True, help="libpq connection string of the warehouse")
    parser.add_argument("--screenshot", type=Path, help="write a full-page PNG here")
    parser.add_argument("--timeout-s", type=float, default=60, help="for the page's first refresh")
    args = parser.parse_args()

    root = Path(__file__).resolve().parents[1]
    chromium = ensure_chromium(Config.load(root, os.environ))
    expected = newest_active_sessions(args.dsn)
    if not expected:
        print("dashboard check FAILED: session_metrics has no flink or spark row to compare with")
        return 1

    failures: list[str] = []
    console_errors: list[str] = []
    with sync_playwright() as p:
        # Root in a container: no sandbox.
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: console_errors.append(f"uncaught: {e}"))
            page.goto(args.url, wait_until="load")
            try:
                page.wait_for_function("document.body.dataset.loaded === 'true'", timeout=args.timeout_s * 1000)
            except PlaywrightError as e:
                print(f"dashboard check FAILED: the page never finished a refresh: {e}")
                return 1
            for engine in ENGINES:
                shown = page.inner_text(f"#active-{engine}").strip()
                want = str(expected[engine]) if engine in expected else "-"
                verdict = "ok" if shown == want else "FAILED"
                print(f"active sessions ({engine}): shown {shown}, newest session_metrics row {want}: {verdict}")
                if shown != want:
                    failures.append(f"active sessions of {engine}: shown {shown!r}, warehouse {want}")
            banner = page.inner_text("#errors").strip()
            print(f"error banner: {banner or 'none'}")
            if banner:
                failures.append(f"the page shows errors: {banner}")
            # ECharts draws each chart into a canvas inside its container.
            drawn = page.eval_on_selector_all(".chart", "els => els.filter(e => e.querySelector('canvas')).length")
            charts = page.eval_on_selector_all(".chart", "els => els.length")
            print(f"charts drawn: {drawn} of {charts}")
            if drawn != charts or charts == 0:
                failures.append(f"{charts - drawn} of {charts} charts not drawn")
            print(f"alerts panel: {page.inner_text('#alerts').strip()[:120]}")
            if args.screenshot:
                page.wait_for_timeout(500)  # the charts' last frame
                page.screenshot(path=str(args.screenshot), full_page=True)
                print(f"screenshot: {args.screenshot}")
        finally:
            browser.close()
    print(f"console errors: {len(console_errors)}")
    if console_errors:
        failures.append("console errors: " + " | ".join(console_errors))
    if failures:
        print("dashboard check FAILED: " + "; ".join(failures))
        return 1
    print("dashboard check: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
