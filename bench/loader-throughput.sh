#!/usr/bin/env bash
# Benchmark (not a test): RawEventLoader throughput into PostgreSQL against the ceiling of
# PostgreSQL's own COPY of the same rows, in the same run, on a private stack (free ports, data under
# .local/bench/loader, removed at the start of each run).
#
#  1. pre-load N events (default 200,000, spread over the seven event topics) into Kafka;
#  2. `RawEventLoader --once` through spark-submit, write path COPY -> staging table + INSERT ...
#     SELECT ... ON CONFLICT DO NOTHING (the default);
#  3. the ceiling: the loaded rows exported with COPY ... TO and re-imported with COPY ... FROM into
#     fresh copies of the tables (same key and indexes), timed inside one JDBC session;
#  4. tables emptied, `RawEventLoader --once` again with a fresh checkpoint and the batched
#     INSERT ... ON CONFLICT DO NOTHING write path.
# Loader figures use the micro-batch time the loader logs (Kafka read + decode + write, no JVM or
# Spark start-up); spark-submit wall time is shown beside them. Prints a Markdown table.
# The loader's JVM runs with -XX:TieredStopAtLevel=1, as ./pipeline load starts it.
# Usage: bench/loader-throughput.sh [N]
# CINESTREAM_VENVS: where the spark venv is (default .local/venv); LOADER_JAVA_OPTS: extra driver JVM
# options, e.g. a JFR recording (-XX:StartFlightRecording=filename=/tmp/loader.jfr).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-200000}"
# The loader's task slots: LOADER_MASTER, else SPARK_LOADER_MASTER of cinestream.conf (as ./pipeline load).
LOADER_MASTER="${LOADER_MASTER:-$(sed -n 's/^SPARK_LOADER_MASTER=//p' "$ROOT/cinestream.conf")}"
WORK="$ROOT/.local/bench/loader"
VENVS="${CINESTREAM_VENVS:-$ROOT/.local/venv}"
SPARK_HOME="$("$VENVS/spark/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')" \
  || { echo "pyspark venv missing: run ./pipeline test once" >&2; exit 1; }
export SPARK_HOME
[[ -f "$ROOT/devstack/target/devstack.jar" ]] || { echo "devstack not built: run ./pipeline build" >&2; exit 1; }

rm -rf "$WORK" && mkdir -p "$WORK"
cd "$ROOT"
echo "building spark-jobs (shaded jar + bench helper)..." >&2
# clean: re-shading an already shaded jar breaks it (docs/architecture.md#version-set).
mvn -q -f spark-jobs/pom.xml clean package -DskipTests >&2
mvn -q -f spark-jobs/pom.xml dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/cp.txt" >&2
BENCH_CP="spark-jobs/target/test-classes:spark-jobs/target/classes:$(cat "$WORK/cp.txt")"
bench() { java -cp "$BENCH_CP" io.cinestream.spark.load.LoaderBench "$@"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
KAFKA_PORT=$(free_port); CONTROLLER_PORT=$(free_port); REGISTRY_PORT=$(free_port); PG_PORT=$(free_port)
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
REGISTRY="http://127.0.0.1:$REGISTRY_PORT"
JDBC="jdbc:postgresql://127.0.0.1:$PG_PORT/cinestream?user=cinestream"
# The warehouse's passwords (scram-sha-256): generated into 0600 files; the JDBC code reads the
# application role's from CINESTREAM_JDBC_PASSWORD, never from a command line.
(umask 077; python3 -c 'import secrets; print(secrets.token_urlsafe(24))' > "$WORK/pg-superuser.password"
 python3 -c 'import secrets; print(secrets.token_urlsafe(24))' > "$WORK/pg.password")
CINESTREAM_JDBC_PASSWORD="$(< "$WORK/pg.password")"
export CINESTREAM_JDBC_PASSWORD
DEVSTACK_CP="devstack/target/devstack.jar:devstack/target/lib/*"
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
service() { # service NAME ARGS...
  local name="$1"; shift
  java -Xmx512m -XX:+UseSerialGC -cp "$DEVSTACK_CP" io.cinestream.devstack.DevStack "$name" "$@" \
    > "$WORK/$name.log" 2>&1 &
  PIDS+=($!)
}
await_port() { # await_port PORT NAME
  for _ in $(seq 1 300); do
    if (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.3
  done
  echo "$2 did not open port $1, see $WORK/$2.log" >&2; exit 1
}
echo "starting a private stack..." >&2
service kafka --data-dir "$WORK/kafka" --port "$KAFKA_PORT" --controller-port "$CONTROLLER_PORT"
service postgres --data-dir "$WORK/pgdata" --port "$PG_PORT" \
  --superuser-password-file "$WORK/pg-superuser.password" --password-file "$WORK/pg.password"
await_port "$KAFKA_PORT" kafka
service registry --port "$REGISTRY_PORT" --bootstrap "$BOOTSTRAP"
await_port "$REGISTRY_PORT" registry
until curl -sf "$REGISTRY/subjects" > /dev/null; do sleep 0.3; done
await_port "$PG_PORT" postgres
until grep -q "ready" "$WORK/postgres.log"; do sleep 0.3; done

echo "producing $N events (loader: spark-submit --master $LOADER_MASTER)..." >&2
bench produce "$BOOTSTRAP" "$REGISTRY" "$N" > /dev/null

load() { # load MODE -> prints "batch_ms wall_s"; log in $WORK/loader-MODE.log
  local mode="$1" start end
  start=$(date +%s.%N)
  "$SPARK_HOME/bin/spark-submit" --master "$LOADER_MASTER" --driver-memory 2g \
    --conf spark.ui.enabled=false --conf spark.sql.shuffle.partitions=4 \
    --driver-java-options "-Dlog4j2.configurationFile=file:$ROOT/spark-jobs/conf/log4j2.properties -XX:TieredStopAtLevel=1 ${LOADER_JAVA_OPTS:-}" \
    --class io.cinestream.spark.load.RawEventLoader spark-jobs/target/spark-jobs.jar \
    --bootstrap "$BOOTSTRAP" --registry "$REGISTRY" --jdbc-url "$JDBC" \
    --checkpoint-dir "$WORK/checkpoints-$mode" --pg-write-mode "$mode" --once \
    > "$WORK/loader-$mode.log" 2>&1
  end=$(date +%s.%N)
  local batch_ms
  batch_ms=$(grep -o 'records in [0-9]* ms' "$WORK/loader-$mode.log" | awk '{s += $3} END {print s + 0}')
  echo "$batch_ms $(echo "$end - $start" | bc)"
}

echo "loader --once, COPY write path..." >&2
read -r copy_ms copy_wall < <(load copy)
copy_rows=$(bench count "$JDBC")
echo "PostgreSQL COPY ceiling..." >&2
read -r ceiling_rows ceiling_ms < <(bench copy-ceiling "$JDBC")
bench truncate "$JDBC"
echo "loader --once, batched INSERT write path..." >&2
read -r insert_ms insert_wall < <(load insert)
insert_rows=$(bench count "$JDBC")
for rows in "$copy_rows" "$insert_rows" "$ceiling_rows"; do
  [[ "$rows" == "$N" ]] || { echo "expected $N rows, found $rows (logs in $WORK)" >&2; exit 1; }
done

rate() { echo "$1 * 1000 / $2" | bc; }
ceiling_rate=$(rate "$N" "$ceiling_ms")
pct() { echo "scale=1; 100 * $1 / $ceiling_rate" | bc; }
copy_rate=$(rate "$N" "$copy_ms")
insert_rate=$(rate "$N" "$insert_ms")
echo
echo "| path | events | time (s) | events/s | % of COPY ceiling | spark-submit wall (s) |"
echo "|---|---|---|---|---|---|"
printf '| PostgreSQL COPY FROM (ceiling) | %s | %.2f | %s | 100 | - |\n' "$N" "$(echo "$ceiling_ms / 1000" | bc -l)" "$ceiling_rate"
printf '| loader, COPY -> stage + INSERT SELECT ON CONFLICT | %s | %.2f | %s | %s | %.1f |\n' "$N" "$(echo "$copy_ms / 1000" | bc -l)" "$copy_rate" "$(pct "$copy_rate")" "$copy_wall"
printf '| loader, batched INSERT ON CONFLICT | %s | %.2f | %s | %s | %.1f |\n' "$N" "$(echo "$insert_ms / 1000" | bc -l)" "$insert_rate" "$(pct "$insert_rate")" "$insert_wall"
