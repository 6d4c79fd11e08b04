"""Shared fixtures: a project root with a cinestream.conf of known values."""

from pathlib import Path

import pytest

from cinestream_ops.config import Config

CONF = """\
# test configuration
CINESTREAM_HOME=.local
CINESTREAM_VENVS=/venvs
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093
KAFKA_BOOTSTRAP=127.0.0.1:${KAFKA_PORT}
REGISTRY_PORT=8081
SCHEMA_REGISTRY_URL=http://127.0.0.1:${REGISTRY_PORT}
POSTGRES_PORT=5432
WAREHOUSE_JDBC_URL=jdbc:postgresql://127.0.0.1:${POSTGRES_PORT}/cinestream?user=cinestream
FLINK_REST_PORT=8082
FLINK_URL=http://127.0.0.1:${FLINK_REST_PORT}
FLINK_RPC_PORT=6123
FLINK_BLOB_PORT=6124
FLINK_TM_RPC_PORT=6122
FLINK_PARALLELISM=2
SPARK_MASTER=local[2]
SPARK_LOADER_MASTER=local[6]
SPARK_DRIVER_MEMORY=2g
SPARK_SHUFFLE_PARTITIONS=4
AIRFLOW_PORT=8080
MOVIES_FILE=data/Movies.txt
DEVSTACK_HEAP=512m
DISK_WARN_FREE_MB=5120
DISK_MIN_FREE_MB=1024
LAKE_URI=
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project root at tmp_path/proj holding the test cinestream.conf."""
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "cinestream.conf").write_text(CONF)
    return proj


@pytest.fixture
def config(root: Path) -> Config:
    """The test configuration, no environment overrides."""
    return Config.load(root, {})
