"""The tick key: exported to every command, created once with mode 0600."""

from __future__ import annotations

import stat
from pathlib import Path

from cinestream_ops import tick_key
from cinestream_ops.config import Config


def test_export_creates_an_owner_only_key_under_the_data_dir_once(config: Config) -> None:
    environ: dict[str, str] = {}

    path = tick_key.export(config, environ)

    assert path == (config.data_dir / "tick.key").resolve()
    assert environ[tick_key.ENV] == str(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = path.read_text(encoding="ascii")
    assert len(key) == 64
    int(key, 16)  # hex
    assert tick_key.export(config, {}).read_text(encoding="ascii") == key


def test_a_key_file_given_in_the_environment_wins(config: Config, tmp_path: Path) -> None:
    given = tmp_path / "secret" / "key"
    environ = {tick_key.ENV: str(given)}

    assert tick_key.export(config, environ) == given
    assert environ[tick_key.ENV] == str(given)
    assert given.exists()
    assert not (config.data_dir / "tick.key").exists()
