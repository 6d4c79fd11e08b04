"""The local warehouse's password files: generated once, mode 0600, exported by environment, never in argv."""

import stat
from pathlib import Path

import pytest

from cinestream_ops import credentials, launch
from cinestream_ops.config import Config, ConfigError


def test_ensure_makes_two_distinct_0600_passwords_once(config: Config) -> None:
    credentials.ensure(config)
    app, superuser = credentials.password_file(config), credentials.superuser_password_file(config)
    assert app == config.root / ".local/data/postgres.password"
    assert superuser == config.root / ".local/data/postgres-superuser.password"
    for file in (app, superuser):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
        assert len(file.read_text().strip()) == 32  # token_urlsafe(24): 24 bytes in base64url
    assert stat.S_IMODE(config.data_dir.stat().st_mode) == 0o700
    first = app.read_text()
    assert first != superuser.read_text()
    app.chmod(0o644)
    credentials.ensure(config)
    assert app.read_text() == first
    assert stat.S_IMODE(app.stat().st_mode) == 0o600


def test_export_sets_the_file_password_over_an_inherited_one(config: Config) -> None:
    environ = {credentials.PASSWORD_ENV: "another-stack"}
    assert not credentials.export(config, environ)
    assert environ == {credentials.PASSWORD_ENV: "another-stack"}
    credentials.ensure(config)
    assert credentials.export(config, environ)
    secret = credentials.password_file(config).read_text().strip()
    assert environ == {credentials.PASSWORD_ENV: secret, credentials.LIBPQ_PASSWORD_ENV: secret}


def test_a_trust_mode_data_directory_is_moved_aside(config: Config) -> None:
    old = credentials.pgdata(config)
    old.mkdir(parents=True)
    (old / "PG_VERSION").write_text("17\n")
    credentials.ensure(config)
    assert not old.exists()
    [moved] = list(config.data_dir.glob("postgres.trust-*"))
    assert (moved / "PG_VERSION").read_text() == "17\n"
    # With its password file, the data directory is the new kind: left alone.
    old.mkdir()
    (old / "PG_VERSION").write_text("17\n")
    credentials.ensure(config)
    assert (old / "PG_VERSION").is_file()


def test_the_postgres_service_gets_file_paths_not_passwords(config: Config) -> None:
    credentials.ensure(config)
    argv = launch.devstack_service(config, "postgres").argv
    data = config.root / ".local/data"
    assert argv[-8:] == [
        "--data-dir",
        str(data / "postgres"),
        "--port",
        "5432",
        "--superuser-password-file",
        str(data / "postgres-superuser.password"),
        "--password-file",
        str(data / "postgres.password"),
    ]
    for file in data.glob("*.password"):
        assert all(file.read_text().strip() not in arg for arg in argv)


def test_password_file_path_is_under_the_home(tmp_path: Path, config: Config) -> None:
    other = config.with_home(tmp_path / "smoke")
    assert credentials.password_file(other) == tmp_path / "smoke/data/postgres.password"


def test_a_local_url_with_another_role_is_refused_before_anything_starts(root: Path) -> None:
    old = "jdbc:postgresql://127.0.0.1:5432/cinestream?user=postgres"
    with pytest.raises(ConfigError, match="the local warehouse's role is cinestream .* not postgres"):
        credentials.check_local_user(Config.load(root, {"WAREHOUSE_JDBC_URL": old}))
    credentials.check_local_user(Config.load(root, {}))  # user=cinestream
    # Another server (or port) is not the local stack's: any role.
    credentials.check_local_user(Config.load(root, {"WAREHOUSE_JDBC_URL": old.replace("127.0.0.1", "db.example")}))
    credentials.check_local_user(Config.load(root, {"WAREHOUSE_JDBC_URL": old.replace("5432", "6543")}))
