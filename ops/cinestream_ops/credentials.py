"""The local warehouse's passwords: generated on the first ``up``, kept in 0600 files, passed by environment.

The embedded PostgreSQL (``devstack postgres``) authenticates every connection with scram-sha-256.
Two passwords, each ``secrets.token_urlsafe(24)`` (32 characters), each in its own file of mode
0600 under ``$CINESTREAM_HOME/data``:

- ``postgres.password``: the application role ``cinestream`` (a non-superuser owning the
  ``cinestream`` database) that every consumer logs in as. ``./pipeline`` exports it as
  ``CINESTREAM_JDBC_PASSWORD`` (read by the Flink, Spark and verify JDBC code and devstack's tools)
  and ``PGPASSWORD`` (libpq: psql, psycopg) to every command it starts; dbt's profile reads
  ``CINESTREAM_JDBC_PASSWORD``.
- ``postgres-superuser.password``: the superuser ``postgres``, read only by ``devstack postgres``
  (initdb ``--pwfile``, the role and database set-up).

Only the files' paths ever appear on a command line. When the file exists it wins over an inherited
``CINESTREAM_JDBC_PASSWORD``: a ``./pipeline`` started from another one with another home (the smoke
test, chaos, bench) must use its own stack's password.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import MutableMapping
from pathlib import Path

from .config import Config, ConfigError
from .console import warn

#: The variable every JDBC consumer reads the PostgreSQL password from (WarehouseConnections.PASSWORD_ENV).
PASSWORD_ENV = "CINESTREAM_JDBC_PASSWORD"

#: libpq's password variable (psql, psycopg).
LIBPQ_PASSWORD_ENV = "PGPASSWORD"


#: The role every consumer of the local warehouse logs in as (EmbeddedWarehouse.APP_USER).
APP_USER = "cinestream"


def check_local_user(config: Config) -> None:
    """Refuses a ``WAREHOUSE_JDBC_URL`` that logs in to the local stack's PostgreSQL as another role.

    Only role ``cinestream`` has its password in the environment (the superuser's stays in its
    file), so e.g. ``user=postgres`` (the URL of the stacks before generated passwords) could
    never log in: say so before anything starts, instead of a health check failing on "password
    authentication failed".

    :raises ConfigError: when the URL points at 127.0.0.1/localhost:POSTGRES_PORT with a ``user``
        other than cinestream
    """
    match = re.match(r"jdbc:postgresql://(127\.0\.0\.1|localhost):(\d+)/[^?]*\?(.*)$", config.warehouse_jdbc_url)
    if not match or int(match[2]) != config.postgres_port:
        return
    users = [v for k, _, v in (p.partition("=") for p in match[3].split("&")) if k == "user"]
    if users and users[0] != APP_USER:
        raise ConfigError(
            f"WAREHOUSE_JDBC_URL={config.warehouse_jdbc_url!r}: the local warehouse's role is {APP_USER} "
            f"(user={APP_USER}; its password comes from {PASSWORD_ENV}), not {users[0]}"
        )


def password_file(config: Config) -> Path:
    """``$CINESTREAM_HOME/data/postgres.password``: the application role's password (mode 0600)."""
    return config.data_dir / "postgres.password"


def superuser_password_file(config: Config) -> Path:
    """``$CINESTREAM_HOME/data/postgres-superuser.password``: the superuser's password (mode 0600)."""
    return config.data_dir / "postgres-superuser.password"


def pgdata(config: Config) -> Path:
    """``$CINESTREAM_HOME/data/postgres``: the embedded server's data directory."""
    return config.data_dir / "postgres"


def _write_new(path: Path) -> None:
    """Creates ``path`` (mode 0600, never another) holding a fresh password; keeps an existing one."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode != 0o600:
            warn(f"{path} had mode {mode:o}: set to 600")
            path.chmod(0o600)
        return
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secrets.token_urlsafe(24) + "\n")


def retire_trust_datadir(config: Config) -> Path | None:
    """Moves aside a data directory made before passwords (trust authentication), so ``up`` makes a new one.

    A data directory with ``PG_VERSION`` but no password file was initialised by the trust-mode
    devstack (every local user a superuser): it cannot be switched over in place without its
    superuser's password, and it holds only data that ``./pipeline run`` regenerates. It is renamed
    to ``postgres.trust-YYYYmmddTHHMMSSZ`` next to it (kept, not deleted) with a warning.

    :return: the new location, or None when there was nothing to move
    """
    data = pgdata(config)
    if not (data / "PG_VERSION").is_file() or password_file(config).is_file():
        return None
    target = data.with_name("postgres.trust-" + time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
    shutil.move(str(data), str(target))
    warn(
        f"{data} was made with trust authentication (before generated passwords): moved to {target}; "
        "a new warehouse is initialised with scram-sha-256 (rerun ./pipeline run to fill it; delete the old "
        "folder when you no longer need it)"
    )
    return target


def ensure(config: Config) -> None:
    """Creates the two password files when missing (first ``up``), after retiring a trust-mode data directory.

    The data folder is created with mode 0700 when missing.
    """
    config.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    retire_trust_datadir(config)
    _write_new(superuser_password_file(config))
    _write_new(password_file(config))


def export(config: Config, environ: MutableMapping[str, str]) -> bool:
    """Sets ``CINESTREAM_JDBC_PASSWORD`` and ``PGPASSWORD`` from the password file, when it exists.

    :param environ: the environment to update (``os.environ``: inherited by every command started)
    :return: True when the file existed
    """
    try:
        secret = password_file(config).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return False
    environ[PASSWORD_ENV] = secret
    environ[LIBPQ_PASSWORD_ENV] = secret
    return True
