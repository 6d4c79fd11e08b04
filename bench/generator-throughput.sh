#!/usr/bin/env bash
# Generator throughput into a local broker, compared in the same run with Kafka's own
# kafka-producer-perf-test (org.apache.kafka.tools.ProducerPerformance) on the same broker, the same
# record count and the generator's mean record size (key + value). Prints a Markdown table.
#
# Usage: bench/generator-throughput.sh [EVENTS]   (default 1,000,000; ROUNDS=2 alternating runs)
# The generator runs with the Parallel collector, as ./pipeline generate runs it.
# GENERATOR_JAVA_OPTS adds JVM options to the measured generator runs, e.g. a JFR recording:
#   GENERATOR_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/gen-%p.jfr,settings=profile'
# Needs: generator/target/generator.jar (built here if missing) and devstack/target/devstack.jar +
# devstack/target/lib/ (mvn -f devstack/pom.xml package). A broker and a registry are started on
# non-default ports (39092/39093/38081, override with BENCH_*), data in a temp dir, and stopped at
# the end. Both producers use acks=all, idempotence, linger.ms=100 (the generator's bulk setting),
# batch.size=256 KiB, no
# compression; both rates are measured by the tools themselves from first send to final flush
# (JVM start excluded). Beside the rates: the CPU of each producer process (user + system, JVM start
# included) and of the broker while that producer ran, in microseconds per record.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EVENTS="${1:-${EVENTS:-1000000}}"
ROUNDS="${ROUNDS:-2}"
KAFKA_PORT="${BENCH_KAFKA_PORT:-39092}"
CONTROLLER_PORT="${BENCH_CONTROLLER_PORT:-39093}"
REGISTRY_PORT="${BENCH_REGISTRY_PORT:-38081}"
KAFKA_TOOLS_VERSION="4.3.1"
BOOTSTRAP="127.0.0.1:${KAFKA_PORT}"
REGISTRY="http://127.0.0.1:${REGISTRY_PORT}"
WORK="$(mktemp -d -t cinestream-genbench.XXXXXX)"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

log() { echo "[generator-throughput] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

wait_for() { # description, seconds, command...
  local what="$1" secs="$2"; shift 2
  for _ in $(seq "$((secs * 2))"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  die "$what did not come up within ${secs}s (logs in $WORK)"
}

cd "$ROOT"
DEVSTACK_CP="devstack/target/devstack.jar:devstack/target/lib/*"
[[ -f devstack/target/devstack.jar && -d devstack/target/lib ]] \
  || die "devstack/target/devstack.jar or lib/ missing: run mvn -f devstack/pom.xml package -DskipTests"
if [[ ! -f generator/target/generator.jar ]]; then
  log "building generator/target/generator.jar"
  mvn -q -f generator/pom.xml package -DskipTests
fi

# kafka-tools is not a project dependency: resolve it (and its runtime classpath) via a throwaway pom.
log "resolving org.apache.kafka:kafka-tools:${KAFKA_TOOLS_VERSION}"
cat > "$WORK/tools-pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>kafka-tools-classpath</artifactId><version>1</version>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId>
      <version>${KAFKA_TOOLS_VERSION}</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>2.0.17</version>
    </dependency>
  </dependencies>
</project>
POM
mvn -q -f "$WORK/tools-pom.xml" dependency:build-classpath -Dmdep.outputFile="$WORK/tools.cp" \
  >"$WORK/mvn-tools.log" 2>&1 || die "cannot resolve kafka-tools (see $WORK/mvn-tools.log)"
TOOLS_CP="$(cat "$WORK/tools.cp")"

log "starting broker on $BOOTSTRAP"
java -Xmx512m -cp "$DEVSTACK_CP" io.cinestream.devstack.DevStack kafka \
  --data-dir "$WORK/kafka" --port "$KAFKA_PORT" --controller-port "$CONTROLLER_PORT" \
  >"$WORK/kafka.log" 2>&1 &
PIDS+=("$!")
wait_for "broker" 90 grep -q "kafka ready" "$WORK/kafka.log"

log "starting registry on $REGISTRY"
java -Xmx256m -cp "$DEVSTACK_CP" io.cinestream.devstack.DevStack registry \
  --port "$REGISTRY_PORT" --bootstrap "$BOOTSTRAP" >"$WORK/registry.log" 2>&1 &
PIDS+=("$!")
wait_for "registry" 60 curl -sf "$REGISTRY/subjects"

# The real catalogue's item ids and prices (what ./pipeline catalog would publish), as a TSV:
# ean:/upc:/isbn: keys, ListPrice cents; Movies.txt is cp1252.
iconv -f cp1252 -t utf-8 data/Movies.txt | tr -d '\r' | awk -F'=' '
  function flush() { if (id != "") print id "\t" price "\t" title; id = ""; price = ""; title = ""; pri = 9 }
  /^ITEM / { flush(); next }
  $1 == "EAN" && pri > 1 { id = "ean:" $2; pri = 1 }
  $1 == "UPC" && pri > 2 { id = "upc:" $2; pri = 2 }
  $1 == "ISBN" && pri > 3 { id = "isbn:" $2; pri = 3 }
  $1 == "ListPrice" { p = $2; sub(/USD.*/, "", p); if (p ~ /^[0-9]+$/) price = p }
  $1 == "Title" { title = substr($0, 7) }
  END { flush() }' | sort -u -t$'\t' -k1,1 >"$WORK/catalogue.tsv"
log "catalogue: $(wc -l <"$WORK/catalogue.tsv") products"

java -cp "$TOOLS_CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --create \
  --topic perf_test --partitions 2 --replication-factor 1 >"$WORK/topic.log" 2>&1 \
  || die "cannot create perf_test (see $WORK/topic.log)"

TICKS=$(getconf CLK_TCK)
broker_ticks() { awk '{ print $14 + $15 }' "/proc/${PIDS[0]}/stat"; }
# run_timed CPU_FILE OUT ERR CMD...: runs CMD (stdout to OUT, stderr to ERR) and writes its user +
# system CPU seconds to CPU_FILE; returns CMD's status.
run_timed() {
  local cpu="$1" out="$2" err="$3" TIMEFORMAT='%U %S' rc=0; shift 3
  { time "$@" >"$out" 2>"$err"; } 2>"$cpu.time" || rc=$?
  awk '{ print $1 + $2 }' "$cpu.time" >"$cpu"
  return "$rc"
}
per_record() { awk -v s="$1" -v n="$EVENTS" 'BEGIN { printf "%.2f", s * 1e6 / n }'; }

USERS=$(( EVENTS / 10 > 1000000 ? 1000000 : (EVENTS / 10 < 1000 ? 1000 : EVENTS / 10) ))
# Warm-up, not reported: a fresh broker spends its first seconds in the JIT, and the generator's first
# run also creates its 7 topics (14 partitions) and registers its schemas.
log "warm-up: generator and ProducerPerformance, 300000 records each"
java -Xmx2g -XX:+UseParallelGC -jar generator/target/generator.jar --catalog-file "$WORK/catalogue.tsv" --users 30000 \
  --hours 24 --max-events 300000 --max-delay 0 --seed 999 --no-progress --bootstrap "$BOOTSTRAP" \
  --registry "$REGISTRY" >"$WORK/warm-up-generator.log" 2>&1 \
  || die "generator warm-up failed (see $WORK/warm-up-generator.log)"
java -Xmx1g -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance --topic perf_test \
  --num-records 300000 --record-size 88 --throughput -1 \
  --producer-props bootstrap.servers="$BOOTSTRAP" acks=all linger.ms=100 batch.size=262144 \
  >"$WORK/warm-up-perf.log" 2>&1 || die "ProducerPerformance warm-up failed (see $WORK/warm-up-perf.log)"

ROWS=()
BEST_GEN=0; BEST_GEN_MB=0; BEST_PERF=0; BEST_PERF_MB=0; SIZE=0
for round in $(seq "$ROUNDS"); do
  log "round $round: generator, $EVENTS events"
  B0=$(broker_ticks)
  run_timed "$WORK/gen-cpu-$round" "$WORK/generator-$round.md" "$WORK/generator-$round.log" java -Xmx2g -XX:+UseParallelGC ${GENERATOR_JAVA_OPTS:-} -jar generator/target/generator.jar --catalog-file "$WORK/catalogue.tsv" \
    --users "$USERS" --hours 24 --max-events "$EVENTS" --max-delay 0 --seed "$round" \
    --no-progress --bootstrap "$BOOTSTRAP" --registry "$REGISTRY" \
    || die "generator failed (see $WORK/generator-$round.log)"
  GEN_BROKER=$(awk -v a="$B0" -v b="$(broker_ticks)" -v t="$TICKS" 'BEGIN { print (b - a) / t }')
  # "N records in X s: R records/s, M MiB/s, B bytes/record (key + value), F failed"
  read -r GEN_RATE GEN_MB SIZE_F < <(sed -nE \
    's/^[0-9]+ records in [0-9.]+ s: ([0-9.]+) records\/s, ([0-9.]+) MiB\/s, ([0-9.]+) bytes\/record.*/\1 \2 \3/p' \
    "$WORK/generator-$round.md")
  [[ -n "${GEN_RATE:-}" ]] || die "no summary line in $WORK/generator-$round.md"
  SIZE=$(printf '%.0f' "$SIZE_F")

  log "round $round: ProducerPerformance, $EVENTS records of $SIZE bytes"
  B0=$(broker_ticks)
  run_timed "$WORK/perf-cpu-$round" "$WORK/perf-$round.log" "$WORK/perf-$round.err" java -Xmx1g -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance --topic perf_test \
    --num-records "$EVENTS" --record-size "$SIZE" --throughput -1 \
    --producer-props bootstrap.servers="$BOOTSTRAP" acks=all enable.idempotence=true \
    linger.ms=100 batch.size=262144 buffer.memory=134217728 compression.type=none \
    || die "ProducerPerformance failed (see $WORK/perf-$round.log, .err)"
  PERF_BROKER=$(awk -v a="$B0" -v b="$(broker_ticks)" -v t="$TICKS" 'BEGIN { print (b - a) / t }')
  # "N records sent, R records/sec (M MB/sec), ..."
  read -r PERF_RATE PERF_MB < <(sed -nE \
    's/^[0-9]+ records sent, ([0-9.]+) records\/sec \(([0-9.]+) MB\/sec\).*/\1 \2/p' \
    "$WORK/perf-$round.log" | tail -1)
  [[ -n "${PERF_RATE:-}" ]] || die "no final line in $WORK/perf-$round.log"

  RATIO=$(awk -v g="$GEN_RATE" -v p="$PERF_RATE" 'BEGIN { printf "%.0f%%", 100 * g / p }')
  CPU="$(per_record "$(cat "$WORK/gen-cpu-$round")") / $(per_record "$GEN_BROKER") | $(per_record "$(cat "$WORK/perf-cpu-$round")") / $(per_record "$PERF_BROKER")"
  ROWS+=("| $round | $(printf '%.0f' "$GEN_RATE") | $GEN_MB | $(printf '%.0f' "$PERF_RATE") | $PERF_MB | $RATIO | $CPU |")
  if awk -v a="$GEN_RATE" -v b="$BEST_GEN" 'BEGIN { exit !(a > b) }'; then BEST_GEN=$GEN_RATE; BEST_GEN_MB=$GEN_MB; fi
  if awk -v a="$PERF_RATE" -v b="$BEST_PERF" 'BEGIN { exit !(a > b) }'; then BEST_PERF=$PERF_RATE; BEST_PERF_MB=$PERF_MB; fi
done

echo "### Generator vs kafka-producer-perf-test ($EVENTS records of ~$SIZE bytes, acks=all, idempotent)"
echo
echo "| round | generator events/s | generator MiB/s | perf-test records/s | perf-test MiB/s | ratio | generator / broker CPU µs per record | perf-test / broker CPU µs per record |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
echo "| best | $(printf '%.0f' "$BEST_GEN") | $BEST_GEN_MB | $(printf '%.0f' "$BEST_PERF") | $BEST_PERF_MB | $(awk -v g="$BEST_GEN" -v p="$BEST_PERF" 'BEGIN { printf "%.0f%%", 100 * g / p }') | | |"
echo
echo "Target: generator >= 70% of the perf-test ceiling. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "Generator CPU by thread, from its own summary (Java threads measured by the JVM; the rest is GC, JIT and start-up):"
echo
for round in $(seq "$ROUNDS"); do
  echo "- round $round: $(grep -m1 '^CPU µs per record:' "$WORK/generator-$round.md" | sed 's/^CPU µs per record: //')"
done
