"""Settings of the DAGs: Airflow Variables first, then the environment, then ``cinestream.conf``.

Every ``./pipeline`` call of a DAG gets the same settings the command line would use: the
project's ``cinestream.conf``, each key overridable by an environment variable of the same name
(what ``./pipeline airflow`` exports) and, above both, by the JSON object in the Airflow Variable
``cinestream_conf`` (e.g. ``{"KAFKA_BOOTSTRAP": "kafka:9092"}``). With no Variable set, every
default points at the local stack of the checkout the DAGs folder belongs to.

Variables read (all optional):

========================== ==================================================================
``cinestream_root``        project checkout holding ``./pipeline`` (default: the checkout of
                           this DAGs folder)
``cinestream_conf``        JSON object of ``cinestream.conf`` keys that override file and
                           environment for every ``./pipeline`` call
``cinestream_incoming_dir`` where new catalogue files land (default ``$CINESTREAM_HOME/incoming``)
``cinestream_archive_dir`` where ingested files go (default ``$CINESTREAM_HOME/catalog/archive``)
``cinestream_rejected_dir`` where rejected files go (default ``$CINESTREAM_HOME/catalog/rejected``)
``cinestream_catalog_dq``  JSON object overriding :data:`cinestream.quality.DEFAULT_THRESHOLDS`
``cinestream_catalog_max_bytes`` largest catalogue file accepted, bytes (default 1 GiB)
``cinestream_raw_loader_mode`` ``continuous`` (default: keep the streaming loader running) or
                           ``once`` (a catch-up micro-batch run per DAG run)
========================== ==================================================================
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

#: A Variable lookup: key -> value, or None when the Variable is not set.
Lookup = Callable[[str], "str | None"]

CONF_FILE = "cinestream.conf"
DEFAULT_CATALOG_MAX_BYTES = 1 << 30
RAW_LOADER_MODES = ("continuous", "once")


def default_root() -> Path:
    """The checkout this DAGs folder belongs to: ``<root>/orchestration/dags/cinestream/``."""
    return Path(__file__).resolve().parents[3]


def airflow_variable(key: str) -> str | None:
    """Reads an Airflow Variable at task run time (through the Task SDK).

    :param key: Variable key
    :return: its value, or None when it is not set
    """
    from airflow.sdk import Variable

    return Variable.get(key, default=None)


def read_conf(path: Path, environ: Mapping[str, str]) -> dict[str, str]:
    """Reads ``cinestream.conf`` as ``./pipeline`` does: the ops package's reader
    (:func:`cinestream_ops.config.read_conf`), never evaluated.

    Blank lines and ``#`` comments are skipped; ``KEY=VALUE`` splits on the first ``=``; an
    environment variable of the same name replaces the file's value; ``${KEY}`` refers to a key
    read before (or to the environment).

    :param path: the configuration file
    :param environ: the environment (overrides and ``${..}`` references)
    :return: every key with its effective value
    :raises FileNotFoundError: when the file does not exist
    :raises ValueError: on a line that is neither blank, a comment nor ``KEY=VALUE``, or a ``${NAME}``
        that is not set (names the line)
    """
    # Imported at task run time: parsing the DAGs never needs the ops package.
    from cinestream_ops import config

    return config.read_conf(path, environ)


@dataclass(frozen=True)
class Settings:
    """The effective settings of one task run.

    :param root: project checkout (holds ``./pipeline`` and ``cinestream.conf``)
    :param conf: effective ``cinestream.conf`` keys (file < environment < Variable ``cinestream_conf``)
    :param conf_overrides: the keys that came from the Variable ``cinestream_conf`` only
    :param incoming_dir: folder watched for new catalogue files
    :param archive_dir: folder ingested catalogue files are moved to
    :param rejected_dir: folder rejected catalogue files are moved to, each with a ``.reason`` file
    :param catalog_max_bytes: largest catalogue file accepted, bytes
    :param catalog_dq: data-quality threshold overrides (see :mod:`cinestream.quality`)
    :param raw_loader_mode: ``continuous`` or ``once``
    """

    root: Path
    conf: dict[str, str]
    conf_overrides: dict[str, str]
    incoming_dir: Path
    archive_dir: Path
    rejected_dir: Path
    catalog_max_bytes: int = DEFAULT_CATALOG_MAX_BYTES
    catalog_dq: dict[str, float] = field(default_factory=dict)
    raw_loader_mode: str = "continuous"

    @classmethod
    def load(cls, lookup: Lookup = airflow_variable, environ: Mapping[str, str] | None = None) -> Settings:
        """Builds the settings from Variables, the environment and ``cinestream.conf``.

        :param lookup: Variable lookup (tests pass ``dict.get``)
        :param environ: the environment (default ``os.environ``)
        :return: the settings
        :raises ValueError: when a Variable holds invalid JSON or an unknown raw-loader mode
        """
        env = os.environ if environ is None else environ
        root = Path(lookup("cinestream_root") or env.get("CINESTREAM_ROOT") or default_root())
        overrides = _json_object(lookup, "cinestream_conf")
        conf = read_conf(root / CONF_FILE, env)
        conf.update({k: str(v) for k, v in overrides.items()})
        home = Path(conf.get("CINESTREAM_HOME", ".local"))
        home = home if home.is_absolute() else root / home
        mode = lookup("cinestream_raw_loader_mode") or "continuous"
        if mode not in RAW_LOADER_MODES:
            raise ValueError(f"Variable cinestream_raw_loader_mode: {mode!r} is not one of {RAW_LOADER_MODES}")
        return cls(
            root=root,
            conf=conf,
            conf_overrides={k: str(v) for k, v in overrides.items()},
            incoming_dir=Path(lookup("cinestream_incoming_dir") or home / "incoming"),
            archive_dir=Path(lookup("cinestream_archive_dir") or home / "catalog" / "archive"),
            rejected_dir=Path(lookup("cinestream_rejected_dir") or home / "catalog" / "rejected"),
            catalog_max_bytes=catalog_max_bytes(lookup),
            catalog_dq=catalog_dq_overrides(lookup),
            raw_loader_mode=mode,
        )

    @property
    def home(self) -> Path:
        """``CINESTREAM_HOME`` resolved against the project root (``./pipeline`` does the same)."""
        home = Path(self.conf.get("CINESTREAM_HOME", ".local"))
        return home if home.is_absolute() else self.root / home

    @property
    def pipeline(self) -> Path:
        """The ``./pipeline`` entry point."""
        return self.root / "pipeline"

    def pipeline_env(self, environ: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment of a ``./pipeline`` call: the task's own plus the Variable's overrides.

        :param environ: the base environment (default ``os.environ``)
        :return: a new dict
        """
        env = dict(os.environ if environ is None else environ)
        env.update(self.conf_overrides)
        return env


def catalog_max_bytes(lookup: Lookup = airflow_variable) -> int:
    """The largest catalogue file accepted (Variable ``cinestream_catalog_max_bytes``), bytes; no
    ``cinestream.conf`` needed (both runners)."""
    return int(lookup("cinestream_catalog_max_bytes") or DEFAULT_CATALOG_MAX_BYTES)


def catalog_dq_overrides(lookup: Lookup = airflow_variable) -> dict[str, float]:
    """The data-quality threshold overrides (Variable ``cinestream_catalog_dq``); no ``cinestream.conf``
    needed (both runners).

    :raises ValueError: when the Variable is not a JSON object
    """
    return {k: float(v) for k, v in _json_object(lookup, "cinestream_catalog_dq").items()}


def default_incoming_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The incoming folder as known at DAG parse time (no Variable access while parsing).

    :param environ: the environment (default ``os.environ``)
    :return: ``$CINESTREAM_HOME/incoming`` of the default checkout
    """
    env = os.environ if environ is None else environ
    root = Path(env.get("CINESTREAM_ROOT") or default_root())
    home = Path(env.get("CINESTREAM_HOME", ".local"))
    return (home if home.is_absolute() else root / home) / "incoming"


def _json_object(lookup: Lookup, key: str) -> dict:
    raw = lookup(key)
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as e:
        raise ValueError(f"Variable {key}: not valid JSON ({e})") from e
    if not isinstance(value, dict):
        raise ValueError(f"Variable {key}: expected a JSON object, got {type(value).__name__}")
    return value
