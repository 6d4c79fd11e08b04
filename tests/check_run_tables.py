r"""Checks what ``./pipeline run`` left in the warehouse, against independent paths.

* Raw tables: every event table has rows; ``event_id`` is unique by construction (primary key), so
  the check is that the loader wrote something for every table the generator feeds.
* Flink metric tables: rows with ``engine = 'flink'`` in all three metric tables.
* dbt marts: ``analytics.dim_user`` holds exactly the distinct users of the raw registrations.
* No unmasked e-mail: every ``masked_email`` of the raw registrations matches ``^\*{4}@``
  (docs/architecture.md#topics-and-schemas: the local part is masked before it leaves the producer), and no text column
  of the
  raw tables or the dead letters' decoded keys holds anything shaped like a plain address.
* Final watermark tick: the loader kept the signed ticks in ``watermark_ticks``, and no tick is a
  dead letter (an unsigned or badly signed tick would be one, without key and value; the
  generator's malformed records always have both), and
  Spark emitted every registration window Flink did (the tick closed Spark's last windows).
* Sales parity: for every (movie, UTC day), Flink's ``daily`` ``movie_sales_metrics`` row equals
  the sum of dbt's ``fct_sales`` lines (a SQL join of the raw cart events, written independently
  of the Flink job), in dollars and units, with no day or movie missing on either side.

Prints one line per check; exit status 1 with the differences when any check fails.
"""

import argparse
import sys

import psycopg

RAW_TABLES = ["consumer_events", "item_view_events", "cart_events", "item_rating_events"]
METRIC_TABLES = ["user_registration_metrics", "session_metrics", "movie_sales_metrics"]


MASKED = r"^\*{4}@"
# An address with a real local part: a letter or digit right before the '@'.
PLAIN_EMAIL = r"[A-Za-z0-9._%+-]*[A-Za-z0-9]@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+"


def check_no_unmasked_email(conn) -> list:
    r"""Problems (empty when none): registrations whose masked_email does not match ``^\*{4}@``,
    and raw text columns that hold something shaped like a plain e-mail address."""
    problems = []
    (total, unmasked) = conn.execute(
        "select count(*), count(*) filter (where masked_email is null or masked_email !~ %s)"
        " from consumer_events where event_name = 'consumer_registration'",
        (MASKED,),
    ).fetchone()
    print(f"masked e-mail: {total} registrations, {unmasked} not matching {MASKED}")
    if total == 0 or unmasked:
        problems.append(f"{unmasked} of {total} registrations carry an e-mail not masked as ****@")
    columns = conn.execute(
        "select table_name, column_name from information_schema.columns"
        " where table_schema = 'public' and data_type in ('text', 'character varying')"
        " and table_name = any(%s)",
        (RAW_TABLES + ["dead_letter_events"],),
    ).fetchall()
    for table, column in columns:
        (n,) = conn.execute(f'select count(*) from {table} where "{column}" ~ %s', (PLAIN_EMAIL,)).fetchone()
        if n:
            problems.append(f"{n} rows of {table}.{column} hold a plain e-mail address")
    print(f"plain e-mail: {len(columns)} raw text columns searched")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", required=True, help="libpq connection string of the warehouse")
    args = parser.parse_args()
    problems = []
    with psycopg.connect(args.dsn) as conn:
        for table in RAW_TABLES:
            (n,) = conn.execute(f"select count(*) from {table}").fetchone()
            print(f"raw {table}: {n} rows")
            if n == 0:
                problems.append(f"raw table {table} is empty")
        for table in METRIC_TABLES:
            for engine in ("flink", "spark"):
                (n,) = conn.execute(f"select count(*) from {table} where engine = %s", (engine,)).fetchone()
                print(f"metrics {table}: {n} {engine} rows")
                if n == 0:
                    problems.append(f"no {engine} rows in {table}")

        (ticks,) = conn.execute(
            "select count(*) from dead_letter_events where kafka_key is null and raw_value_base64 is null"
        ).fetchone()
        print(f"raw tables: {ticks} dead letter(s) without key and value (watermark ticks)")
        if ticks:
            problems.append(f"{ticks} watermark tick(s) reached dead_letter_events")
        (signed,) = conn.execute("select count(*) from watermark_ticks").fetchone()
        print(f"watermark_ticks: {signed} signed tick(s) loaded")
        if signed == 0:
            problems.append("no watermark tick in watermark_ticks (tick missing or not signed with the tick key?)")
        (open_windows,) = conn.execute(
            "select count(*) from user_registration_metrics f where f.engine = 'flink'"
            " and not exists (select 1 from user_registration_metrics s where s.engine = 'spark'"
            " and s.window_type = f.window_type and s.window_start = f.window_start)"
        ).fetchone()
        print(f"registration windows of flink without a spark row: {open_windows}")
        if open_windows:
            problems.append(f"{open_windows} registration window(s) not closed by Spark (final tick missing?)")

        (users,) = conn.execute(
            "select count(distinct user_id) from consumer_events where event_name = 'consumer_registration'"
        ).fetchone()
        (dim_users,) = conn.execute("select count(*) from analytics.dim_user").fetchone()
        print(f"dbt dim_user: {dim_users} rows, raw registrations: {users} users")
        if users != dim_users:
            problems.append(f"dim_user has {dim_users} rows for {users} registered users")

        problems.extend(check_no_unmasked_email(conn))

        flink = {
            (movie, day): (total, units)
            for movie, day, total, units in conn.execute(
                "select movie_id, (window_start at time zone 'UTC')::date, total_sales, units_sold"
                " from movie_sales_metrics where engine = 'flink' and window_type = 'daily'"
            )
        }
        dbt = {
            (movie, day): (total, units)
            for movie, day, total, units in conn.execute(
                "select item_id, sale_date, sum(price_cents) / 100.0, sum(quantity)"
                " from analytics.fct_sales group by item_id, sale_date"
            )
        }
        differ = sorted(
            k
            for k in set(flink) | set(dbt)
            if k not in flink
            or k not in dbt
            or (round(float(flink[k][0]), 2), int(flink[k][1])) != (round(float(dbt[k][0]), 2), int(dbt[k][1]))
        )
        print(
            f"sales parity: {len(flink)} flink daily rows, {len(dbt)} dbt (movie, day) groups, {len(differ)} different"
        )
        for k in differ[:10]:
            print(f"  {k}: flink {flink.get(k)} dbt {dbt.get(k)}", file=sys.stderr)
        if differ or not flink:
            problems.append(f"{len(differ)} daily movie sales differ between Flink and dbt")
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
