"""Snapshots and compares what ``./pipeline run`` computed: the metric tables and the dbt marts.

``--raw`` (with snapshot and compare): the raw tables the loader writes (and ``./pipeline backfill``
rebuilds from the bronze lake) instead: ``consumer_events``, ``item_view_events``, ``cart_events``,
``item_rating_events``, ``dead_letter_events``, ``watermark_ticks``; their write times
``loaded_at``/``seen_at`` are left out, and at least one raw row must exist.

``snapshot --schema S``: copies every metric table (the ``public`` tables with an ``emitted_at``
column: the metric rows' stamp in the warehouse contract, ``OutputTable.stampColumn``) and every
table of dbt's schema (``--dbt-schema``, default ``analytics``: its marts and intermediate tables;
staging models are views) into schema S, as ``S."<schema>.<table>"``. S is not a schema that
``./pipeline reset`` touches.

``restore --schema S``: the engines' rows (every ``engine`` but ``reference``) of the snapshot's
metric tables inserted into the now empty ``public`` metric tables, so that ``./pipeline verify``
judges them against a reference computed afresh from the raw tables (after a backfill, say).

``empty``: after ``./pipeline reset``, every ``public`` table but Flyway's history is empty and
dbt's schema is gone.

``compare --schema S``: the same tables now against the snapshot, with SQL: for each table, the rows
of ``(now EXCEPT ALL snapshot)`` and of ``(snapshot EXCEPT ALL now)`` over every column except
the write times ``emitted_at``, ``loaded_at`` and ``updated_at`` (the catalogue's, in dim_item),
counted. Identical = both counts 0 for every table, the same set of tables, and at least one
metric row (an empty comparison proves nothing). ``--expect-different``: pass only when at least
one table differs (a run with another seed must not compare equal, or the comparison has no teeth).

Prints one line per table; up to 5 differing rows each way when a table differs. Exit 0 when the
expectation holds, 1 otherwise, 2 on bad arguments.
"""

import argparse
import sys

import psycopg
from psycopg import sql

# Write times, not results: the metric rows' and raw rows' stamps, and the catalogue's updated_at
# (movies_catalog's DEFAULT now() at the first write of a product's content, carried into dim_item).
STAMPS = ("emitted_at", "loaded_at", "updated_at", "seen_at")

#: The raw tables (RawTable.java), compared with ``--raw``.
RAW_TABLES = (
    "consumer_events",
    "item_view_events",
    "cart_events",
    "item_rating_events",
    "dead_letter_events",
    "watermark_ticks",
)


def tables(conn, dbt_schema: str, raw: bool = False) -> list[tuple[str, str]]:
    """(schema, table) of every metric table and every dbt table (``raw``: of the raw tables), sorted."""
    if raw:
        return [("public", t) for t in sorted(RAW_TABLES)]
    return conn.execute(
        "select table_schema, table_name from information_schema.tables t where table_type = 'BASE TABLE' and ("
        " (table_schema = 'public' and exists (select 1 from information_schema.columns c where"
        "  c.table_schema = t.table_schema and c.table_name = t.table_name and c.column_name = 'emitted_at'))"
        " or table_schema = %s) order by 1, 2",
        (dbt_schema,),
    ).fetchall()


def columns(conn, schema: str, table: str) -> list[str]:
    """The table's columns except the write-time stamps, in table order."""
    rows = conn.execute(
        "select column_name from information_schema.columns where table_schema = %s and table_name = %s"
        " order by ordinal_position",
        (schema, table),
    ).fetchall()
    return [r[0] for r in rows if r[0] not in STAMPS]


def snapshot(conn, into: str, dbt_schema: str, raw: bool = False) -> None:
    """Copies the tables into schema ``into`` (dropped first)."""
    conn.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(into)))
    conn.execute(sql.SQL("create schema {}").format(sql.Identifier(into)))
    for schema, table in tables(conn, dbt_schema, raw):
        conn.execute(
            sql.SQL("create table {}.{} as select * from {}.{}").format(
                sql.Identifier(into), sql.Identifier(f"{schema}.{table}"), sql.Identifier(schema), sql.Identifier(table)
            )
        )
        count = conn.execute(
            sql.SQL("select count(*) from {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        ).fetchone()[0]
        print(f"snapshot {schema}.{table}: {count} rows")


def compare(conn, snap: str, dbt_schema: str, raw: bool = False) -> int:
    """The number of tables that differ from the snapshot (a table missing on one side counts)."""
    now = {f"{s}.{t}" for s, t in tables(conn, dbt_schema, raw)}
    saved = {
        r[0] for r in conn.execute("select table_name from information_schema.tables where table_schema = %s", (snap,))
    }
    differing = metric_rows = 0
    for name in sorted(now ^ saved):
        print(f"DIFFERENT {name}: only {'now' if name in now else 'in the snapshot'}")
        differing += 1
    for name in sorted(now & saved):
        schema, table = name.split(".", 1)
        cols = sql.SQL(", ").join(sql.Identifier(c) for c in columns(conn, schema, table))
        current = sql.SQL("select {} from {}.{}").format(cols, sql.Identifier(schema), sql.Identifier(table))
        before = sql.SQL("select {} from {}.{}").format(cols, sql.Identifier(snap), sql.Identifier(name))
        count = conn.execute(sql.SQL("select count(*) from ({}) x").format(current)).fetchone()[0]
        extra = conn.execute(sql.SQL("{} except all {}").format(current, before)).fetchall()
        missing = conn.execute(sql.SQL("{} except all {}").format(before, current)).fetchall()
        if extra or missing:
            differing += 1
            print(f"DIFFERENT {name}: {len(extra)} row(s) only now, {len(missing)} only in the snapshot ({count} rows)")
            for label, rows in (("now", extra), ("snapshot", missing)):
                for row in sorted(rows, key=str)[:5]:
                    print(f"    only {label}: {row}")
        else:
            print(f"identical {name}: {count} rows")
        metric_rows += count if schema == "public" else 0
    if metric_rows == 0:
        print(f"EMPTY: no {'raw' if raw else 'metric'} table holds a row; an empty comparison proves nothing")
        differing += 1
    return differing


def restore(conn, snap: str, dbt_schema: str) -> int:
    """Inserts the snapshot's non-reference metric rows into the empty public metric tables.

    :return: the number of problems (a public metric table not empty, or no row restored); each printed
    """
    problems = restored = 0
    for schema, table in tables(conn, dbt_schema):
        if schema != "public":
            continue
        target = sql.SQL("public.{}").format(sql.Identifier(table))
        if conn.execute(sql.SQL("select count(*) from {}").format(target)).fetchone()[0]:
            print(f"NOT EMPTY public.{table}: restore needs the emptied table")
            problems += 1
            continue
        cur = conn.execute(
            sql.SQL("insert into {} select * from {}.{} where engine <> 'reference'").format(
                target, sql.Identifier(snap), sql.Identifier(f"public.{table}")
            )
        )
        print(f"restored public.{table}: {cur.rowcount} engine rows")
        restored += cur.rowcount
    if restored == 0:
        print("EMPTY: no engine row restored; verify would have nothing to judge")
        problems += 1
    return problems


def empty(conn, dbt_schema: str) -> int:
    """The number of problems after a reset: a ``public`` table with rows (Flyway's history
    excepted) or dbt's schema still there; prints each."""
    problems = 0
    for (table,) in conn.execute(
        "select table_name from information_schema.tables where table_schema = 'public'"
        " and table_type = 'BASE TABLE' and table_name <> 'flyway_schema_history' order by 1"
    ).fetchall():
        count = conn.execute(sql.SQL("select count(*) from public.{}").format(sql.Identifier(table))).fetchone()[0]
        if count:
            print(f"NOT EMPTY public.{table}: {count} rows")
            problems += 1
    if conn.execute("select 1 from pg_namespace where nspname = %s", (dbt_schema,)).fetchone():
        print(f"NOT DROPPED dbt schema {dbt_schema}")
        problems += 1
    print(f"after reset: {problems} problem(s)")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["snapshot", "compare", "restore", "empty"])
    parser.add_argument("--dsn", required=True, help="libpq connection string of the warehouse")
    parser.add_argument("--schema", help="the snapshot's schema (snapshot, compare, restore)")
    parser.add_argument("--dbt-schema", default="analytics")
    parser.add_argument("--expect-different", action="store_true")
    parser.add_argument("--raw", action="store_true", help="the raw tables instead of the metric and dbt tables")
    args = parser.parse_args()
    if args.action != "empty" and not args.schema:
        parser.error(f"{args.action} needs --schema")
    with psycopg.connect(args.dsn, autocommit=True) as conn:
        if args.action == "empty":
            return 1 if empty(conn, args.dbt_schema) else 0
        if args.action == "snapshot":
            snapshot(conn, args.schema, args.dbt_schema, args.raw)
            return 0
        if args.action == "restore":
            return 1 if restore(conn, args.schema, args.dbt_schema) else 0
        differing = compare(conn, args.schema, args.dbt_schema, args.raw)
    if args.expect_different:
        print(f"{differing} table(s) differ (expected: at least one)")
        return 0 if differing else 1
    print(f"{differing} table(s) differ (expected: none)")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
