"""Free disk space checks (disk.py) with a monkeypatched os.statvfs."""

import os
from dataclasses import replace
from pathlib import Path

import pytest

from cinestream_ops import cli, disk
from cinestream_ops.config import Config, ConfigError

MIB = 1024 * 1024


class FakeStatvfs:
    """What os.statvfs returns, for a file system of 4 KiB fragments."""

    def __init__(self, free_mb: int, total_mb: int = 100 * 1024):
        self.f_frsize = 4096
        self.f_bavail = free_mb * MIB // 4096
        self.f_blocks = total_mb * MIB // 4096


@pytest.fixture
def statvfs(monkeypatch: pytest.MonkeyPatch):
    """Sets the free MiB the next statvfs calls report; records the paths measured."""
    state = {"free_mb": 10_000, "paths": []}

    def fake(path: os.PathLike) -> FakeStatvfs:
        state["paths"].append(Path(path))
        return FakeStatvfs(state["free_mb"])

    monkeypatch.setattr(disk.os, "statvfs", fake)
    return state


def test_defaults_and_conf_keys(config: Config, root: Path) -> None:
    without = replace(config, values={k: v for k, v in config.values.items() if not k.startswith("DISK_")})
    assert disk.thresholds(without) == (5120, 1024)
    assert disk.thresholds(Config.load(root, {})) == (5120, 1024)
    assert disk.thresholds(Config.load(root, {"DISK_WARN_FREE_MB": "300", "DISK_MIN_FREE_MB": "100"})) == (300, 100)
    with pytest.raises(ConfigError, match="DISK_MIN_FREE_MB='1g'"):
        disk.thresholds(Config.load(root, {"DISK_MIN_FREE_MB": "1g"}))


def test_measures_the_nearest_existing_folder_before_the_first_up(config: Config, statvfs) -> None:
    statvfs["free_mb"] = 2048
    space = disk.measure(config.data_dir)
    assert statvfs["paths"] == [config.root]  # .local/data does not exist yet
    assert space.free_bytes == 2048 * MIB
    assert space.free_mb == 2048
    assert space.describe() == f"2.0 GiB free of 100.0 GiB on {config.root}"


def test_status_line_ok_low_and_full(config: Config, statvfs) -> None:
    statvfs["free_mb"] = 5120
    line, rc = disk.status_line(config)
    assert (line.split()[:2], rc) == (["disk", "ok"], 0)
    statvfs["free_mb"] = 5119
    line, rc = disk.status_line(config)
    assert (line.split()[:2], rc) == (["disk", "LOW"], 0)
    assert "below DISK_WARN_FREE_MB=5120 MiB" in line
    statvfs["free_mb"] = 1023
    line, rc = disk.status_line(config)
    assert (line.split()[:2], rc) == (["disk", "FULL"], 1)


def test_require_free_space_refuses_below_the_minimum(config: Config, statvfs) -> None:
    statvfs["free_mb"] = 1024
    assert disk.require_free_space(config, "up").free_mb == 1024
    statvfs["free_mb"] = 1023
    with pytest.raises(disk.LowDiskSpace, match="DISK_MIN_FREE_MB=1024") as raised:
        disk.require_free_space(config, "up")
    assert raised.value.exit_code == 2


@pytest.mark.parametrize("command", [["up"], ["run", "--users", "10", "--hours", "1"]])
def test_up_and_run_exit_2_before_starting_anything(
    command: list[str], root: Path, statvfs, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "data").mkdir()
    (root / "data/Movies.txt").write_text("x\n")
    monkeypatch.setenv("CINESTREAM_ROOT", str(root))
    monkeypatch.setenv("DISK_MIN_FREE_MB", "4096")
    statvfs["free_mb"] = 100

    def must_not_run(*_args, **_kwargs):
        raise AssertionError("the build started despite the low disk space")

    monkeypatch.setattr(cli.jobs, "ensure_build", must_not_run)
    assert cli.main(command) == 2
    err = capsys.readouterr().err
    assert "0.1 GiB free of 100.0 GiB" in err
    assert "at least DISK_MIN_FREE_MB=4096 MiB must be free" in err
