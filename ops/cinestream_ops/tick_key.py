"""The watermark tick key: the secret that makes a tick authentic (``io.cinestream.schemas.TickSignature``).

Only ``./pipeline tick`` (``devstack tick``) signs ticks, with HMAC-SHA256 and this key; every consumer
(the Flink jobs, the Spark loader and metric queries) takes a tick only with a valid signature and
dead-letters any other (reason ``INVALID_TICK_SIGNATURE``). Every command finds the key file through
the environment variable :data:`ENV`; locally it is ``$CINESTREAM_HOME/data/tick.key``, created on
first use with mode 0600; in production a Kubernetes Secret mounted as a file (k8s/).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import MutableMapping
from pathlib import Path

from .config import Config

ENV = "CINESTREAM_TICK_KEY_FILE"
"""The environment variable naming the key file (``TickSignature.KEY_FILE_ENV``)."""

FILE_NAME = "tick.key"


def ensure(path: Path) -> Path:
    """Creates the key file when missing: 64 random hex characters, mode 0600, parents created.

    :param path: the key file
    :return: ``path``
    :raises OSError: when the file cannot be created
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path  # another process created it first
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32))
    return path


def export(config: Config, environ: MutableMapping[str, str]) -> Path:
    """Points :data:`ENV` at the key file (an existing setting wins) and creates the file when missing.

    :param config: gives the default location, ``<data dir>/tick.key``
    :param environ: the environment to set :data:`ENV` in (the commands started from here inherit it)
    :return: the key file
    """
    given = environ.get(ENV)
    path = Path(given) if given else (config.data_dir / FILE_NAME).resolve()
    environ[ENV] = str(path)
    return ensure(path)
