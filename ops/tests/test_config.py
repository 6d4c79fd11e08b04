"""cinestream.conf: interpolation, environment overrides, typed validation, no evaluation."""

from pathlib import Path

import pytest

from cinestream_ops.config import Config, ConfigError, read_conf


def test_reads_keys_and_interpolates_earlier_keys(config: Config, root: Path) -> None:
    assert config.kafka_port == 9092
    assert config.kafka_bootstrap == "127.0.0.1:9092"
    assert config.schema_registry_url == "http://127.0.0.1:8081"
    assert config.warehouse_jdbc_url == "jdbc:postgresql://127.0.0.1:5432/cinestream?user=cinestream"
    assert config.flink_parallelism == 2
    assert config.home == root / ".local"
    assert config.venvs == Path("/venvs")
    assert config.movies_file == root / "data/Movies.txt"
    assert config.log_dir == root / ".local/logs"
    assert config.flink_conf_dir == root / ".local/flink-conf"


def test_environment_overrides_a_key_and_derived_keys_follow(root: Path) -> None:
    config = Config.load(root, {"KAFKA_PORT": "19092", "POSTGRES_PORT": "15432"})
    assert config.kafka_port == 19092
    assert config.kafka_bootstrap == "127.0.0.1:19092"
    assert config.warehouse_jdbc_url == "jdbc:postgresql://127.0.0.1:15432/cinestream?user=cinestream"
    assert config.env()["KAFKA_BOOTSTRAP"] == "127.0.0.1:19092"


def test_overriding_a_derived_key_wins_over_its_interpolation(root: Path) -> None:
    config = Config.load(root, {"KAFKA_PORT": "19092", "KAFKA_BOOTSTRAP": "broker:9092"})
    assert config.kafka_bootstrap == "broker:9092"


def test_values_are_never_evaluated(tmp_path: Path) -> None:
    conf = tmp_path / "cinestream.conf"
    conf.write_text('A=$(touch pwned)\nB="x" ; echo y\nC=${A}-`id`\n')
    values = read_conf(conf, {})
    assert values == {"A": "$(touch pwned)", "B": '"x" ; echo y', "C": "$(touch pwned)-`id`"}
    assert not (tmp_path / "pwned").exists()


def test_reference_to_unset_name_is_an_error(tmp_path: Path) -> None:
    conf = tmp_path / "cinestream.conf"
    conf.write_text("# c\n\nX=${NOPE}/a\n")
    with pytest.raises(ConfigError, match=r"cinestream.conf:3: X refers to \$\{NOPE\}, which is not set"):
        read_conf(conf, {})
    assert read_conf(conf, {"NOPE": "/p"}) == {"X": "/p/a"}


def test_malformed_line_names_the_line(tmp_path: Path) -> None:
    conf = tmp_path / "cinestream.conf"
    conf.write_text("A=1\nexport B=2\n")
    with pytest.raises(ConfigError, match=r"cinestream.conf:2: not KEY=VALUE: 'export B=2'"):
        read_conf(conf, {})


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("KAFKA_PORT", "0", "KAFKA_PORT='0': not a TCP port (a whole number 1-65535)"),
        ("KAFKA_PORT", "65536", "KAFKA_PORT='65536': not a TCP port"),
        ("REGISTRY_PORT", "80a", "REGISTRY_PORT='80a': not a TCP port"),
        ("FLINK_REST_PORT", "-1", "FLINK_REST_PORT='-1': not a TCP port"),
        ("FLINK_PARALLELISM", "0", "FLINK_PARALLELISM='0': not a whole number >= 1"),
        ("SPARK_DRIVER_MEMORY", "2 g", "SPARK_DRIVER_MEMORY='2 g': not a JVM memory size"),
        ("SPARK_MASTER", "local[0]", "SPARK_MASTER='local[0]': not a Spark master URL"),
        ("WAREHOUSE_JDBC_URL", "postgres://x", "WAREHOUSE_JDBC_URL='postgres://x': not a jdbc:postgresql://"),
        ("KAFKA_BOOTSTRAP", "127.0.0.1", "KAFKA_BOOTSTRAP='127.0.0.1': not host:port"),
        ("CINESTREAM_HOME", "", "CINESTREAM_HOME: empty path"),
    ],
)
def test_invalid_values_are_rejected_naming_key_and_value(root: Path, key: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        Config.load(root, {key: value})
    assert str(error.value).startswith(message)


def test_missing_key_is_named(tmp_path: Path) -> None:
    (tmp_path / "cinestream.conf").write_text("KAFKA_PORT=9092\n")
    with pytest.raises(ConfigError, match="missing key"):
        Config.load(tmp_path, {})


def test_port_prefix_moves_ports_and_addresses(config: Config) -> None:
    moved = config.with_port_prefix(1)
    assert (moved.kafka_port, moved.registry_port, moved.postgres_port, moved.flink_rest_port) == (
        19092,
        18081,
        15432,
        18082,
    )
    assert (moved.flink_rpc_port, moved.flink_blob_port, moved.flink_tm_rpc_port) == (16123, 16124, 16122)
    assert moved.kafka_bootstrap == "127.0.0.1:19092"
    assert moved.flink_url == "http://127.0.0.1:18082"
    with pytest.raises(ConfigError):
        config.with_port_prefix(7)


def test_with_home_changes_folders_and_exported_value(config: Config) -> None:
    moved = config.with_home(Path("/tmp/h"))
    assert moved.run_dir == Path("/tmp/h/run")
    assert moved.env()["CINESTREAM_HOME"] == "/tmp/h"
    assert config.env()["CINESTREAM_HOME"] == ".local"


def test_repository_conf_is_valid() -> None:
    root = Path(__file__).resolve().parents[2]
    config = Config.load(root, {})
    assert config.kafka_bootstrap == "127.0.0.1:9092"
    assert config.movies_file == root / "data/Movies.txt"
