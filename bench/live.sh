#!/usr/bin/env bash
# Live mode, measured and checked (docs/operations.md#live; a benchmark, not a timed test):
#   ./pipeline live --rate R --duration D, twice in a row on the same stack (the second resumes
#   from the first's savepoints and checkpoints), then
#   - each live's own stop sequence verified the windows its tick closed (its exit status);
#   - every raw table holds each event id once, and dead letters are the only other rows;
#   - per engine, freshness p50/p99 of the rows written during the runs: emitted_at (the warehouse's
#     write time) minus the row's close time (session tick or window end + the 2 min watermark
#     bound), for the ticks and windows the running watermark closed (not the final tick's);
#   - the Flink jobs' lag (pendingRecords, Prometheus) when each generator stopped, and how long
#     each engine then took to close its windows (the stop's "windows closed" step);
#   - CPU (cores, averaged) and resident memory (sum over the stack's processes, peak) while live ran.
#
# Usage: bench/live.sh [RATE [DURATION]]   (default 200 and 60s: the resume check; the issue's
#   benchmark is bench/live.sh 2000 10m). LIVE_RUNS=1 measures one run only (no resume check). The stack is the configured one (CINESTREAM_HOME, ports);
#   it starts from a clean state (./pipeline reset --yes), so do not point it at a stack you need.
# Output: a Markdown table on stdout and in bench/results/live-<UTC time>.md; exit 1 when a check fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RATE="${1:-200}"
DURATION="${2:-60s}"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
P="$ROOT/pipeline"

log() { echo "[live-bench] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$RATE" =~ ^[0-9]+$ ]] || die "RATE must be a whole number, not '$RATE'"
"$P" up --monitoring > /dev/null
"$P" reset --yes > /dev/null
home="${CINESTREAM_HOME:-.local}"
[[ "$home" = /* ]] || home="$ROOT/$home"
samples="$(mktemp)"
trap 'rm -f "$samples"' EXIT

runs=()
LIVE_RUNS="${LIVE_RUNS:-2}"
[[ "$LIVE_RUNS" =~ ^[12]$ ]] || die "LIVE_RUNS must be 1 or 2, not '$LIVE_RUNS'"
for n in $(seq 1 "$LIVE_RUNS"); do
  run_id="live-bench-$STAMP-$n"
  log "live run $n: --rate $RATE --duration $DURATION (run id $run_id)"
  "$ROOT/.local/venv/ops/bin/python" "$ROOT/bench/live_stats.py" sample --home "$home" --out "$samples" &
  sampler=$!
  rc=0
  "$P" live --rate "$RATE" --duration "$DURATION" --run-id "$run_id" || rc=$?
  kill "$sampler" 2> /dev/null || true
  wait "$sampler" 2> /dev/null || true
  [[ $rc -eq 0 ]] || die "live run $n failed (exit $rc): its stop sequence or verify failed"
  runs+=("$home/runs/$run_id")
done

mkdir -p "$ROOT/bench/results"
out="$ROOT/bench/results/live-$STAMP.md"
"$ROOT/.local/venv/ops/bin/python" "$ROOT/bench/live_stats.py" report --home "$home" --samples "$samples" \
  --title "bench/live.sh $RATE $DURATION" "${runs[@]}" | tee "$out"
log "table: ${out#"$ROOT"/}"
