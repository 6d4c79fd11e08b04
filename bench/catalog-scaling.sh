#!/usr/bin/env bash
# Benchmark (not a test): wall time of MovieCatalogJob's parse + merge on data/Movies.txt and on an
# N-fold concatenation of it (default 100x, ~570 MB), through the same spark-submit as
# `./pipeline catalog`, with the Kafka and warehouse writes off so that only the part that grows
# with the input is timed (the writes depend on distinct products, the same 7,392 at every size).
# Prints a Markdown table. Usage: bench/catalog-scaling.sh [FOLD]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FOLD="${1:-100}"
"$ROOT/pipeline" build > /dev/null
SPARK_HOME="$("$ROOT/.local/venv/spark/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')" \
  || { echo "pyspark venv missing: run ./pipeline catalog or ./pipeline test once" >&2; exit 1; }
export SPARK_HOME
WORK="$ROOT/.local/bench"
mkdir -p "$WORK"
BIG="$WORK/Movies-x$FOLD.txt"
if [[ ! -f "$BIG" ]]; then
  # Records are separated by a blank line; the copies keep that separation.
  for ((i = 0; i < FOLD; i++)); do cat "$ROOT/data/Movies.txt"; printf '\r\n'; done > "$BIG"
fi

run() { # run FILE -> prints "seconds records"
  local start end out
  start=$(date +%s.%N)
  out="$("$SPARK_HOME/bin/spark-submit" --master local[2] --driver-memory 2g \
    --conf spark.ui.enabled=false --conf spark.sql.shuffle.partitions=4 \
    --driver-java-options "-Dlog4j2.configurationFile=file:$ROOT/spark-jobs/conf/log4j2.properties" \
    --class io.cinestream.spark.catalog.MovieCatalogJob "$ROOT/spark-jobs/target/spark-jobs.jar" \
    --input "$1" --no-kafka --no-jdbc 2>/dev/null)"
  end=$(date +%s.%N)
  printf '%s %s\n' "$(echo "$end - $start" | bc)" "$(echo "$out" | awk '/records read/ {gsub(",", "", $3); print $3}')"
}

echo "| input | size | records | wall time (s) | records/s |"
echo "|---|---|---|---|---|"
for f in "$ROOT/data/Movies.txt" "$BIG"; do
  read -r secs records < <(run "$f")
  printf '| %s | %s | %s | %.1f | %.0f |\n' "$(basename "$f")" "$(du -h "$f" | cut -f1)" "$records" "$secs" \
    "$(echo "$records / $secs" | bc -l)"
done
