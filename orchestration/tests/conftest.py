"""Puts the DAGs folder on sys.path (as Airflow does) and keeps Airflow's state in a temporary home."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ORCHESTRATION = Path(__file__).resolve().parents[1]
DAGS_FOLDER = ORCHESTRATION / "dags"
PROJECT_ROOT = ORCHESTRATION.parent

# Before anything imports airflow (its configuration is read once, at import).
os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="cinestream-airflow-test-"))
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(DAGS_FOLDER))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "True")
sys.path.insert(0, str(DAGS_FOLDER))
