"""Checks the bronze lake against the raw tables after ``./pipeline run`` (docs/architecture.md#bronze-lake).

Reads the lake's Parquet files with DuckDB (the dbt venv has it) and the raw tables with psycopg:

* exactly once: no Kafka record (topic, partition, offset) is in the lake twice, across
  ``bronze``, ``dead_letters`` and ``watermark_ticks``;
* partitioning: every ``bronze`` file lies under ``bronze/<its rows' kafka_topic>/event_date=D``
  with D the UTC day of each row's ``event_time_ms``, computed here as whole days since the epoch;
* contents: the lake's distinct ``event_id``s per raw table are exactly the table's ``event_id``s,
  the dead letters' and ticks' coordinates exactly those of ``dead_letter_events`` and
  ``watermark_ticks``.

Prints one line per check; exit 0 when all hold, 1 otherwise.
"""

import argparse
import sys
from pathlib import Path

import duckdb
import psycopg

#: Raw table -> the topics whose events it holds (RawTable.java).
TABLES = {
    "consumer_events": ("consumer_registration", "sign_in", "sign_out"),
    "item_view_events": ("item_view",),
    "cart_events": ("added_to_cart", "checkout_to_cart"),
    "item_rating_events": ("item_rating",),
}


def lake_rows(lake: Path, area: str) -> duckdb.DuckDBPyRelation | None:
    """Every row of an area's Parquet files with its ``filename``, or None when the area has no file."""
    files = sorted(str(p) for p in (lake / area).rglob("*.parquet"))
    if not files:
        return None
    return duckdb.read_parquet(files, filename=True, hive_partitioning=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lake", type=Path, required=True, help="the lake folder")
    parser.add_argument("--dsn", required=True, help="libpq connection string of the warehouse")
    args = parser.parse_args()
    problems = 0

    def check(ok: bool, line: str) -> None:
        nonlocal problems
        print(("ok   " if ok else "FAIL ") + line)
        problems += 0 if ok else 1

    bronze = lake_rows(args.lake, "bronze")
    dead = lake_rows(args.lake, "dead_letters")
    ticks = lake_rows(args.lake, "watermark_ticks")
    if bronze is None:
        check(False, f"no Parquet file under {args.lake}/bronze")
        return 1
    coordinates = []
    for rel in (bronze, dead, ticks):
        if rel is not None:
            coordinates += rel.select("kafka_topic, kafka_partition, kafka_offset").fetchall()
    check(
        len(coordinates) == len(set(coordinates)),
        f"exactly once: {len(coordinates)} lake rows, {len(set(coordinates))} distinct Kafka records",
    )
    misplaced = (
        bronze.filter(
            "filename NOT LIKE '%/bronze/' || kafka_topic || '/event_date=' || "
            "strftime(DATE '1970-01-01' + CAST(floor(event_time_ms / 86400000) AS INTEGER), '%Y-%m-%d') || '/%'"
        )
        .count("*")
        .fetchall()[0][0]
    )
    check(misplaced == 0, f"partitioning: {misplaced} bronze row(s) outside bronze/<topic>/event_date=<UTC day>")

    with psycopg.connect(args.dsn) as conn:
        for table, topics in TABLES.items():
            in_table = {r[0] for r in conn.execute(f"select event_id::text from {table}").fetchall()}
            topic_list = ", ".join(f"'{t}'" for t in topics)
            in_lake = {r[0] for r in bronze.filter(f"kafka_topic IN ({topic_list})").select("event_id").fetchall()}
            check(
                in_lake == in_table and in_table,
                f"{table}: {len(in_lake)} distinct event ids in the lake, {len(in_table)} in the table,"
                f" {len(in_lake - in_table)} only in the lake, {len(in_table - in_lake)} only in the table",
            )
        for table, rel in (("dead_letter_events", dead), ("watermark_ticks", ticks)):
            in_table = set(conn.execute(f"select kafka_topic, kafka_partition, kafka_offset from {table}").fetchall())
            in_lake = set(rel.select("kafka_topic, kafka_partition, kafka_offset").fetchall()) if rel else set()
            check(in_lake == in_table, f"{table}: {len(in_lake)} records in the lake, {len(in_table)} in the table")
    print(f"lake: {problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
