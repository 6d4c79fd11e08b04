"""``cinestream.conf`` read once, typed and validated: the one configuration object of every command.

The file holds ``KEY=VALUE`` lines (``#`` comments and blank lines skipped). A value may refer to a
key read before, or to an environment variable, as ``${KEY}``; nothing else is expanded (no command
substitution, no arithmetic: the file is data, never evaluated). An environment variable of the
same name replaces a key's value whole (``KAFKA_PORT=19092 ./pipeline up``); a derived key such as
``KAFKA_BOOTSTRAP=127.0.0.1:${KAFKA_PORT}`` then follows the overridden port.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

CONF_FILE = "cinestream.conf"

_LINE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_BOOTSTRAP = re.compile(r"^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$")
_MEMORY = re.compile(r"^[1-9][0-9]*[kKmMgGtT]?$")
_SPARK_MASTER = re.compile(r"^(local(\[([1-9][0-9]*|\*)\])?|(spark|yarn|k8s)\S*|yarn)$")

#: Keys every configuration must define (the local stack's settings, README "Configuration").
REQUIRED_KEYS = (
    "CINESTREAM_HOME",
    "CINESTREAM_VENVS",
    "KAFKA_PORT",
    "KAFKA_CONTROLLER_PORT",
    "KAFKA_BOOTSTRAP",
    "REGISTRY_PORT",
    "SCHEMA_REGISTRY_URL",
    "POSTGRES_PORT",
    "WAREHOUSE_JDBC_URL",
    "FLINK_REST_PORT",
    "FLINK_URL",
    "FLINK_RPC_PORT",
    "FLINK_BLOB_PORT",
    "FLINK_TM_RPC_PORT",
    "FLINK_PARALLELISM",
    "SPARK_MASTER",
    "SPARK_LOADER_MASTER",
    "SPARK_DRIVER_MEMORY",
    "SPARK_SHUFFLE_PARTITIONS",
    "AIRFLOW_PORT",
    "MOVIES_FILE",
    "DEVSTACK_HEAP",
)


class ConfigError(ValueError):
    """A configuration line or value that is invalid; the message names the key (or line) and the reason."""


def read_conf(path: Path, environ: Mapping[str, str]) -> dict[str, str]:
    """Reads the ``KEY=VALUE`` lines of a configuration file, with environment overrides.

    :param path: the file (``cinestream.conf``)
    :param environ: the environment: a variable named like a key replaces its value; ``${NAME}``
        refers to a key read before, else to this environment
    :return: every key of the file with its effective value, in file order
    :raises FileNotFoundError: when the file does not exist
    :raises ConfigError: on a line that is not blank, a comment or ``KEY=VALUE`` (names file and
        line number), or a ``${NAME}`` that is neither a key read before nor set in the environment
    """
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            raise ConfigError(f"{path.name}:{number}: not KEY=VALUE: {line!r}")
        key, raw = match.groups()
        if key in environ:
            values[key] = environ[key]
            continue

        def resolve(ref: re.Match[str], key: str = key, number: int = number) -> str:
            name = ref[1]
            if name in values:
                return values[name]
            if name in environ:
                return environ[name]
            raise ConfigError(f"{path.name}:{number}: {key} refers to ${{{name}}}, which is not set")

        values[key] = _REFERENCE.sub(resolve, raw)
    return values


def _port(values: Mapping[str, str], key: str) -> int:
    raw = values[key]
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise ConfigError(f"{key}={raw!r}: not a TCP port (a whole number 1-65535)")
    return int(raw)


def _positive(values: Mapping[str, str], key: str) -> int:
    raw = values[key]
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{key}={raw!r}: not a whole number >= 1")
    return int(raw)


def _matching(values: Mapping[str, str], key: str, pattern: re.Pattern[str], what: str) -> str:
    raw = values[key]
    if not pattern.match(raw):
        raise ConfigError(f"{key}={raw!r}: not {what}")
    return raw


def _url(values: Mapping[str, str], key: str, prefix: str) -> str:
    raw = values[key]
    if not raw.startswith(prefix) or any(c.isspace() for c in raw):
        raise ConfigError(f"{key}={raw!r}: not a {prefix}... address")
    return raw


@dataclass(frozen=True)
class Config:
    """The effective settings of one ``./pipeline`` call (file < environment), typed.

    Ports are whole numbers 1-65535; paths are absolute (relative ones are resolved against the
    project root, as the keys' comments in ``cinestream.conf`` say).

    :param root: the project checkout (holds ``cinestream.conf`` and ``pipeline``)
    :param values: every key's effective value as text (what subprocesses get in their environment)
    """

    root: Path
    values: Mapping[str, str]
    home: Path
    venvs: Path
    kafka_port: int
    kafka_controller_port: int
    kafka_bootstrap: str
    registry_port: int
    schema_registry_url: str
    postgres_port: int
    warehouse_jdbc_url: str
    flink_rest_port: int
    flink_url: str
    flink_rpc_port: int
    flink_blob_port: int
    flink_tm_rpc_port: int
    flink_parallelism: int
    spark_master: str
    spark_loader_master: str
    spark_driver_memory: str
    spark_shuffle_partitions: int
    airflow_port: int
    movies_file: Path
    devstack_heap: str

    @classmethod
    def load(cls, root: Path, environ: Mapping[str, str]) -> Config:
        """Reads ``root/cinestream.conf`` with the environment's overrides and validates every key.

        :param root: the project checkout
        :param environ: the environment (e.g. ``os.environ``)
        :return: the configuration
        :raises FileNotFoundError: when ``cinestream.conf`` is missing
        :raises ConfigError: on a malformed line, a missing key, or a value of the wrong type or
            range (the message names the key, its value and what was expected)
        """
        values = read_conf(root / CONF_FILE, environ)
        missing = [k for k in REQUIRED_KEYS if k not in values]
        if missing:
            raise ConfigError(f"{CONF_FILE}: missing key(s) {', '.join(missing)}")

        def path(key: str) -> Path:
            raw = values[key]
            if not raw:
                raise ConfigError(f"{key}: empty path")
            p = Path(raw)
            return p if p.is_absolute() else root / p

        return cls(
            root=root,
            values=dict(values),
            home=path("CINESTREAM_HOME"),
            venvs=path("CINESTREAM_VENVS"),
            kafka_port=_port(values, "KAFKA_PORT"),
            kafka_controller_port=_port(values, "KAFKA_CONTROLLER_PORT"),
            kafka_bootstrap=_matching(values, "KAFKA_BOOTSTRAP", _BOOTSTRAP, "host:port[,host:port...]"),
            registry_port=_port(values, "REGISTRY_PORT"),
            schema_registry_url=_url(values, "SCHEMA_REGISTRY_URL", "http"),
            postgres_port=_port(values, "POSTGRES_PORT"),
            warehouse_jdbc_url=_url(values, "WAREHOUSE_JDBC_URL", "jdbc:postgresql://"),
            flink_rest_port=_port(values, "FLINK_REST_PORT"),
            flink_url=_url(values, "FLINK_URL", "http"),
            flink_rpc_port=_port(values, "FLINK_RPC_PORT"),
            flink_blob_port=_port(values, "FLINK_BLOB_PORT"),
            flink_tm_rpc_port=_port(values, "FLINK_TM_RPC_PORT"),
            flink_parallelism=_positive(values, "FLINK_PARALLELISM"),
            spark_master=_matching(values, "SPARK_MASTER", _SPARK_MASTER, "a Spark master URL (local[N], spark://...)"),
            spark_loader_master=_matching(
                values, "SPARK_LOADER_MASTER", _SPARK_MASTER, "a Spark master URL (local[N], spark://...)"
            ),
            spark_driver_memory=_matching(values, "SPARK_DRIVER_MEMORY", _MEMORY, "a JVM memory size (e.g. 2g)"),
            spark_shuffle_partitions=_positive(values, "SPARK_SHUFFLE_PARTITIONS"),
            airflow_port=_port(values, "AIRFLOW_PORT"),
            movies_file=path("MOVIES_FILE"),
            devstack_heap=_matching(values, "DEVSTACK_HEAP", _MEMORY, "a JVM memory size (e.g. 512m)"),
        )

    # Folders of the stack's home (git-ignored).
    @property
    def log_dir(self) -> Path:
        """``$CINESTREAM_HOME/logs``: one log file per step."""
        return self.home / "logs"

    @property
    def run_dir(self) -> Path:
        """``$CINESTREAM_HOME/run``: pid files of the services and background jobs."""
        return self.home / "run"

    @property
    def data_dir(self) -> Path:
        """``$CINESTREAM_HOME/data``: Kafka's and PostgreSQL's data, Flink checkpoints."""
        return self.home / "data"

    @property
    def flink_conf_dir(self) -> Path:
        """``$CINESTREAM_HOME/flink-conf``: the rendered Flink configuration of this stack."""
        return self.home / "flink-conf"

    @property
    def log_max_size_mb(self) -> int:
        """``LOG_MAX_SIZE_MB`` (default 10): a service's log is rolled when it reaches this size (MiB).

        :raises ConfigError: when it is not a whole number >= 1
        """
        return _positive({"LOG_MAX_SIZE_MB": self.values.get("LOG_MAX_SIZE_MB", "10")}, "LOG_MAX_SIZE_MB")

    @property
    def log_max_files(self) -> int:
        """``LOG_MAX_FILES`` (default 5): rolled files kept per service log (``NAME.log.1`` ... ``.N``).

        :raises ConfigError: when it is not a whole number >= 1
        """
        return _positive({"LOG_MAX_FILES": self.values.get("LOG_MAX_FILES", "5")}, "LOG_MAX_FILES")

    def _optional_port(self, key: str, default: int) -> int:
        return _port({key: self.values.get(key, str(default))}, key)

    @property
    def prometheus_port(self) -> int:
        """``PROMETHEUS_PORT`` (default 9090): the stack's Prometheus on 127.0.0.1 (docs/operations.md#monitoring).

        :raises ConfigError: when it is not a TCP port
        """
        return self._optional_port("PROMETHEUS_PORT", 9090)

    @property
    def pushgateway_port(self) -> int:
        """``PUSHGATEWAY_PORT`` (default 9091): the Pushgateway that Flink's daemons push their metrics to.

        :raises ConfigError: when it is not a TCP port
        """
        return self._optional_port("PUSHGATEWAY_PORT", 9091)

    @property
    def dashboard_port(self) -> int:
        """``DASHBOARD_PORT`` (default 8090): the monitor/dashboard, scraped at ``/metrics``.

        :raises ConfigError: when it is not a TCP port
        """
        return self._optional_port("DASHBOARD_PORT", 8090)

    @property
    def spark_metrics_ui_port(self) -> int:
        """``SPARK_METRICS_UI_PORT`` (default 4040): Spark UI and Prometheus endpoint of the streaming metric queries.

        :raises ConfigError: when it is not a TCP port
        """
        return self._optional_port("SPARK_METRICS_UI_PORT", 4040)

    @property
    def spark_loader_ui_port(self) -> int:
        """``SPARK_LOADER_UI_PORT`` (default 4041): Spark UI and Prometheus endpoint of the streaming raw loader.

        :raises ConfigError: when it is not a TCP port
        """
        return self._optional_port("SPARK_LOADER_UI_PORT", 4041)

    @property
    def lake_uri(self) -> str | None:
        """``LAKE_URI``: the bronze lake's root (docs/architecture.md#bronze-lake), or None when it is ``off``.

        Empty or absent: ``$CINESTREAM_HOME/data/lake`` (so another stack home gets its own lake); a
        URI with a scheme (``s3a://``, ``gs://``, ``abfss://``, ``file:``...) is taken as it is; a
        relative path is resolved against the project root.

        :raises ConfigError: when it holds white space
        """
        raw = self.values.get("LAKE_URI", "")
        if any(c.isspace() for c in raw):
            raise ConfigError(f"LAKE_URI={raw!r}: not a folder or URI (white space)")
        if raw == "off":
            return None
        if not raw:
            return str(self.data_dir / "lake")
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", raw):
            return raw
        p = Path(raw)
        return str(p if p.is_absolute() else self.root / p)

    @property
    def local_lake_dir(self) -> Path | None:
        """The lake's folder when it is on the local file system (a path or ``file:`` URI), else None."""
        uri = self.lake_uri
        if uri is None:
            return None
        if uri.startswith("file:"):
            return Path(re.sub(r"^file:(//)?", "", uri) or "/")
        return None if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", uri) else Path(uri)

    def env(self) -> dict[str, str]:
        """Every key with its effective value: what ``./pipeline`` exports to the commands it runs."""
        return dict(self.values)

    def with_home(self, home: Path) -> Config:
        """The same settings with another stack home (bench and chaos run stacks of their own)."""
        values = dict(self.values)
        values["CINESTREAM_HOME"] = str(home)
        return replace(self, home=home, values=values)

    def with_port_prefix(self, digit: int) -> Config:
        """The default ports with a leading digit (``2`` gives 29092, 28081, ...) and the addresses on them.

        The smoke test and chaos use it so that stacks of several checkouts run side by side.

        :param digit: 1-5
        :raises ConfigError: for another digit
        """
        if digit not in range(1, 6):
            raise ConfigError(f"port prefix must be one digit 1-5, not {digit!r}")
        p = str(digit)
        env = dict(self.values)
        env.update(
            KAFKA_PORT=f"{p}9092",
            KAFKA_CONTROLLER_PORT=f"{p}9093",
            REGISTRY_PORT=f"{p}8081",
            POSTGRES_PORT=f"{p}5432",
            FLINK_REST_PORT=f"{p}8082",
            FLINK_RPC_PORT=f"{p}6123",
            FLINK_BLOB_PORT=f"{p}6124",
            FLINK_TM_RPC_PORT=f"{p}6122",
            KAFKA_BOOTSTRAP=f"127.0.0.1:{p}9092",
            SCHEMA_REGISTRY_URL=f"http://127.0.0.1:{p}8081",
            WAREHOUSE_JDBC_URL=f"jdbc:postgresql://127.0.0.1:{p}5432/cinestream?user=cinestream",
            FLINK_URL=f"http://127.0.0.1:{p}8082",
            PROMETHEUS_PORT=f"{p}9090",
            PUSHGATEWAY_PORT=f"{p}9091",
            DASHBOARD_PORT=f"{p}8090",
            SPARK_METRICS_UI_PORT=f"{p}4040",
            SPARK_LOADER_UI_PORT=f"{p}4041",
        )
        return Config.load(self.root, env)
