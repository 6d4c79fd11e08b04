#!/usr/bin/env bash
# End-to-end smoke of the local stack through the real command line, on ports and a home of its
# own so that it never touches a developer's running stack:
#   up -> status (all healthy) -> every listening socket on loopback -> up again (same pids:
#   idempotent) -> the Flink REST API refuses jar uploads -> run at a small size (catalogue on
#   Movies.txt, generate, load, Flink and Spark metrics, verify, dbt build, run report) -> read the
#   catalogue topic back through the registry
#   with Confluent's client and compare with the table -> check the raw and metric tables -> the run
#   report's summary.json (parity ok, figures for every engine present) and its rendering in
#   headless Chromium -> the dbt fixture suite (its own scratch database) -> down -> no process of
#   this stack left.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SMOKE_HOME="$(mktemp -d /tmp/cinestream-smoke.XXXXXX)"
export CINESTREAM_HOME="$SMOKE_HOME"
CINESTREAM_VENVS="${CINESTREAM_VENVS:-.local/venv}"
[[ "$CINESTREAM_VENVS" = /* ]] || CINESTREAM_VENVS="$ROOT/$CINESTREAM_VENVS"
export CINESTREAM_VENVS
# Ports: the default ports with a leading digit (SMOKE_PORT_PREFIX, default 2: 29092, 28081, ...),
# so that smokes of several checkouts can run side by side with prefixes 1-5.
PP="${SMOKE_PORT_PREFIX:-2}"
[[ "$PP" =~ ^[1-5]$ ]] || { echo "SMOKE_PORT_PREFIX must be one digit 1-5, not '$PP'" >&2; exit 2; }
export KAFKA_PORT=${PP}9092 KAFKA_CONTROLLER_PORT=${PP}9093 REGISTRY_PORT=${PP}8081 POSTGRES_PORT=${PP}5432
# The derived addresses too: a calling ./pipeline has already exported the defaults.
export KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT" SCHEMA_REGISTRY_URL="http://127.0.0.1:$REGISTRY_PORT"
export WAREHOUSE_JDBC_URL="jdbc:postgresql://127.0.0.1:$POSTGRES_PORT/cinestream?user=postgres"
export FLINK_REST_PORT=${PP}8082 FLINK_RPC_PORT=${PP}6123 FLINK_BLOB_PORT=${PP}6124 FLINK_TM_RPC_PORT=${PP}6122
export FLINK_URL="http://127.0.0.1:$FLINK_REST_PORT"
P="$ROOT/pipeline"
DSN="host=127.0.0.1 port=$POSTGRES_PORT dbname=cinestream user=postgres"

fail() { echo "SMOKE FAILED: $*" >&2; exit 1; }
cleanup() { "$P" down > /dev/null 2>&1 || true; rm -rf "$SMOKE_HOME"; }
trap cleanup EXIT

"$P" up
"$P" status || fail "status reports an unhealthy service after up"
# shellcheck disable=SC2046 # one pid per word, split on purpose
"$ROOT/tests/check_loopback.sh" $( (cat "$SMOKE_HOME"/run/*.pid; pgrep -f "$SMOKE_HOME") | sort -u) \
  || fail "a service of the stack listens on a non-loopback address"
pids_before="$(cat "$SMOKE_HOME"/run/*.pid | sort)"
[[ "$(echo "$pids_before" | wc -l)" -eq 5 ]] \
  || fail "expected 5 recorded pids (kafka, postgres, registry, Flink JobManager and TaskManager)"
"$P" up > /dev/null
[[ "$(cat "$SMOKE_HOME"/run/*.pid | sort)" == "$pids_before" ]] || fail "a second up restarted services"
# The cluster refuses jar uploads through its REST API (web.submit.enable: false): the handler is
# not there (404); with it, an upload without a file would be a 400.
upload_status="$(curl -s -o /dev/null -w '%{http_code}' -X POST "$FLINK_URL/jars/upload")"
[[ "$upload_status" == 404 ]] || fail "the Flink REST API accepts jar uploads (POST /jars/upload: HTTP $upload_status)"

# The main job end to end at a small size.
run_id="smoke-$(date -u +%Y%m%dT%H%M%SZ)-$$"
timeout 1200 "$P" run --users 300 --hours 6 --seed 11 --run-id "$run_id" \
  || fail "./pipeline run failed (exit 124: over 20 minutes)"
"$CINESTREAM_VENVS/interop/bin/python" "$ROOT/tests/read_catalog_topic.py" \
  --bootstrap "$KAFKA_BOOTSTRAP" --registry "$SCHEMA_REGISTRY_URL" --dsn "$DSN" \
  || fail "the catalogue topic read back through the registry does not match movies_catalog"
"$CINESTREAM_VENVS/interop/bin/python" "$ROOT/tests/check_run_tables.py" --dsn "$DSN" \
  || fail "the run left empty or inconsistent tables"
report="$ROOT/reports/$run_id"
[[ -f "$report/index.html" && -f "$report/summary.json" ]] || fail "./pipeline run wrote no report in $report"
python3 "$ROOT/tests/check_report_summary.py" "$report/summary.json" \
  || fail "the run report's summary.json: parity not ok or empty figures ($report)"
"$ROOT/tests/report_render.sh" "$report" "$SMOKE_HOME/report-screenshot.png" \
  || fail "the run report does not render in headless Chromium ($report)"
DBT_VENV="$CINESTREAM_VENVS/dbt" POSTGRES_PORT="$POSTGRES_PORT" "$ROOT/dbt/ci/test.sh" \
  || fail "the dbt fixture suite failed"

"$P" down
sleep 1
left="$(pgrep -f "$SMOKE_HOME" || true)"
[[ -z "$left" ]] || fail "processes left after down: $(ps -o pid=,args= -p "${left//$'\n'/,}")"
echo "smoke: 11 passed, 0 failed (report: ${report#"$ROOT"/}/index.html)"
