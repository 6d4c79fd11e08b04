#!/usr/bin/env bash
# The Airflow DAG tests (orchestration/tests) in the airflow virtualenv, plus ruff on the Python.
# Usage: orchestration/ci/test.sh VENV   (./pipeline test passes $CINESTREAM_VENVS/airflow)
set -euo pipefail
ORCH="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${1:?usage: $0 VENV (the airflow virtualenv, requirements/airflow.txt)}"

# Airflow's state for the test run only: a throwaway home, never the stack's.
AIRFLOW_HOME="$(mktemp -d -t cinestream-airflow-test.XXXXXX)"
trap 'rm -rf "$AIRFLOW_HOME"' EXIT
export AIRFLOW_HOME AIRFLOW__CORE__LOAD_EXAMPLES=False AIRFLOW__CORE__UNIT_TEST_MODE=True
export AIRFLOW__CORE__DAGS_FOLDER="$ORCH/dags"

"$VENV/bin/ruff" check --config "$ORCH/ruff.toml" "$ORCH"
"$VENV/bin/ruff" format --check --config "$ORCH/ruff.toml" "$ORCH"
cd "$ORCH"
"$VENV/bin/python" -m pytest -q -p no:cacheprovider tests
