#!/usr/bin/env bash
# dbt CI on a small hand-written fixture dataset (called by `./pipeline test`).
#
#   POSTGRES_PORT=5432 dbt/ci/test.sh
#
# Needs: a running PostgreSQL (POSTGRES_HOST 127.0.0.1, POSTGRES_PORT 5432, POSTGRES_USER
# cinestream (a role with CREATEDB), POSTGRES_PASSWORD by default CINESTREAM_JDBC_PASSWORD) and the dbt venv built from
# requirements/dbt.txt at .local/venv/dbt (or DBT_VENV). It never touches the `cinestream`
# database: it drops and recreates a scratch database (DBT_TEST_DB, default
# cinestream_dbt_test), creates the raw tables from devstack's Flyway migrations, loads
# fixtures/raw_fixture.sql, then
#   1. dbt build --target postgres (every model, unit test and data test must pass);
#   2. the test of the tests: plants an item view by an unregistered user, runs the incremental
#      fct_item_views, and requires the relationships test fct_item_views.user_id -> dim_user to
#      FAIL; removes the row, rebuilds, and requires the test to pass again.
# Last line: `dbt: N passed, 0 failed` (N = dbt nodes that passed in step 1); exit 0 only when
# nothing failed. The steps run in one Python process (ci/run_ci.py: one dbt start-up and parse);
# dbt's own log goes to the directory printed at the start.
set -uo pipefail

DBT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$DBT_DIR/.." && pwd)"
VENV="${DBT_VENV:-$ROOT/.local/venv/dbt}"
TEST_DB="${DBT_TEST_DB:-cinestream_dbt_test}"

export POSTGRES_HOST="${POSTGRES_HOST:-127.0.0.1}"
export POSTGRES_PORT="${POSTGRES_PORT:-5432}"
export POSTGRES_USER="${POSTGRES_USER:-cinestream}"
export POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-${CINESTREAM_JDBC_PASSWORD:-}}"
export POSTGRES_DB="$TEST_DB"
export DBT_PROFILES_DIR="$DBT_DIR"
export DBT_TARGET=postgres
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
export DBT_USE_COLORS=false

export DBT_CI_WORK="${DBT_CI_WORK:-$(mktemp -d -t dbt-ci.XXXXXX)}"
export DBT_TARGET_PATH="$DBT_CI_WORK/target"
mkdir -p "$DBT_CI_WORK"

if [[ ! -x "$VENV/bin/dbt" ]]; then
  echo "no dbt venv at $VENV; create it with:" >&2
  echo "  python3 -m venv $VENV && $VENV/bin/pip install -r $ROOT/requirements/dbt.txt" >&2
  echo "dbt: 0 passed, 1 failed"
  exit 1
fi

cd "$DBT_DIR"
echo "dbt CI: PostgreSQL ${POSTGRES_HOST}:${POSTGRES_PORT}, scratch database ${TEST_DB}, logs in ${DBT_CI_WORK}"
exec "$VENV/bin/python" "$DBT_DIR/ci/run_ci.py"
