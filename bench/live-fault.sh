#!/usr/bin/env bash
# Live mode's fault test (docs/operations.md#the-live-fault-test; a long check, not a unit test):
# ./pipeline live at a modest rate, the Flink TaskManager killed; the session-staleness alert must
# fire and resolve, the jobs recover by themselves, and at the stop every closed tick and window is
# equal across flink, spark and the reference with no event lost or duplicated. The steps and
# options are in bench/live_fault.py's docstring.
#
# Usage: bench/live-fault.sh [--rate R] [--healthy S] [--after S] [--timeout S]
#   (default 200 events/s, 120 s healthy before the kill, 60 s after recovery). The stack is the
#   configured one (CINESTREAM_HOME, ports); it starts from a clean state (./pipeline reset --yes).
# Output: the steps with their times, bench/results/live-fault-<UTC time>.md; exit 1 when a step fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/pipeline" --help > /dev/null # the ops virtualenv
exec "$ROOT/.local/venv/ops/bin/python" "$ROOT/bench/live_fault.py" "$@"
