#!/usr/bin/env bash
# How each step of the main job scales with the number of users: ./pipeline run at two sizes (each
# run starts from a clean state: ./pipeline reset), then a Markdown table of every step's wall time
# and CPU seconds at both sizes with the ratio large/small. A ratio near the size ratio means the
# step's cost is proportional to the data; near 1, it is a fixed cost (JVM and job start-up).
#
# Usage: bench/scale.sh [SMALL_USERS [LARGE_USERS]]   (default 20000 and 200000)
#   SCALE_HOURS (default 24) simulated hours, SCALE_SEED (default 42) generator seed.
# The stack is the configured one (cinestream.conf and its environment overrides, e.g. the ports
# and CINESTREAM_HOME); ./pipeline run starts it when needed and leaves it running. It runs on
# this machine's cores: run it on a quiet machine.
# Figures: reports/<run id>/timings.json of each run (wall seconds; CPU seconds = the commands
# ./pipeline waited for (RUSAGE_CHILDREN) + the stack's processes (Kafka, PostgreSQL, the Flink
# cluster where the Flink jobs run), from /proc). The table goes to stdout and to
# bench/results/scale-<UTC time>.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SMALL="${1:-20000}"
LARGE="${2:-200000}"
HOURS="${SCALE_HOURS:-24}"
SEED="${SCALE_SEED:-42}"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"

log() { echo "[scale] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for n in "$SMALL" "$LARGE" "$HOURS" "$SEED"; do
  [[ "$n" =~ ^[0-9]+$ ]] || die "sizes, SCALE_HOURS and SCALE_SEED must be whole numbers, not '$n'"
done
command -v jq > /dev/null || die "jq is not on PATH"

cd "$ROOT"
# Build and start the stack first, so that the first size's "up" step measures the same as the
# second's (a running stack), not the Maven build and the services' start.
log "./pipeline up (not measured)"
./pipeline up >&2 || die "./pipeline up failed"
for users in "$SMALL" "$LARGE"; do
  run_id="scale-${users}-${STAMP}"
  log "./pipeline run --users $users --hours $HOURS --seed $SEED --run-id $run_id"
  ./pipeline run --users "$users" --hours "$HOURS" --seed "$SEED" --run-id "$run_id" >&2 \
    || die "./pipeline run at $users users failed"
  [[ -f "reports/$run_id/timings.json" ]] || die "no reports/$run_id/timings.json"
done

small="reports/scale-${SMALL}-${STAMP}/timings.json"
large="reports/scale-${LARGE}-${STAMP}/timings.json"
mkdir -p bench/results
out="bench/results/scale-${STAMP}.md"
{
  echo "Main job scaling: ./pipeline run --hours $HOURS --seed $SEED at $SMALL and $LARGE users ($(nproc) cores, $(date -u +%F))"
  echo
  echo "| step | wall s @$SMALL | wall s @$LARGE | wall ratio | CPU s @$SMALL | CPU s @$LARGE | CPU ratio |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  jq -r -n --slurpfile a "$small" --slurpfile b "$large" '
    def ratio(x; y): if x > 0 then ((y / x * 100 | round) / 100 | tostring) else "-" end;
    ($a[0].steps | map({key: .step, value: .}) | from_entries) as $s
    | ($b[0].steps | map({key: .step, value: .}) | from_entries) as $l
    | ($a[0].steps | map(.step)) as $names
    | ($names[] | . as $n | $s[$n] as $x | $l[$n] as $y
       | "| \($n) | \($x.wall_s) | \($y.wall_s // "-") | \(ratio($x.wall_s; $y.wall_s // 0)) | \($x.cpu_s) | \($y.cpu_s // "-") | \(ratio($x.cpu_s; $y.cpu_s // 0)) |"),
      ( [$a[0].steps[].wall_s] | add) as $ws | ([$b[0].steps[].wall_s] | add) as $wl
      | ([$a[0].steps[].cpu_s] | add) as $cs | ([$b[0].steps[].cpu_s] | add) as $cl
      | "| **total** | \($ws * 10 | round / 10) | \($wl * 10 | round / 10) | \(ratio($ws; $wl)) | \($cs * 10 | round / 10) | \($cl * 10 | round / 10) | \(ratio($cs; $cl)) |"'
} | tee "$out"
log "table written to $out"
