"""Free disk space of the local stack's data folder: a warning in ``status``, a refusal to start below a minimum.

Kafka's logs, PostgreSQL's data and Flink's checkpoints all live in ``$CINESTREAM_HOME/data``; a
full disk stops the broker and PostgreSQL in the middle of a run. Two settings of
``cinestream.conf`` (MiB, whole numbers):

- ``DISK_WARN_FREE_MB`` (default 5120): ``./pipeline status`` warns when less is free;
- ``DISK_MIN_FREE_MB`` (default 1024): ``./pipeline up`` and ``./pipeline run`` refuse to start
  (exit status 2) when less is free, and ``status`` reports it as a failure.

Free space is what an unprivileged process may use (``statvfs``: ``f_bavail * f_frsize``) on the
file system of the data folder, or of its nearest existing parent before the first ``up``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .config import Config, ConfigError
from .console import StepFailed

MIB = 1024 * 1024

#: Defaults of the two settings, MiB.
DEFAULT_WARN_FREE_MB = 5120
DEFAULT_MIN_FREE_MB = 1024


class LowDiskSpace(StepFailed):
    """Not enough free space to start the stack; the CLI exits with :attr:`exit_code` 2."""

    exit_code = 2


@dataclass(frozen=True)
class DiskSpace:
    """Free and total bytes of the file system holding ``path`` (the folder that was measured)."""

    path: Path
    free_bytes: int
    total_bytes: int

    @property
    def free_mb(self) -> int:
        """Free MiB, rounded down."""
        return self.free_bytes // MIB

    def describe(self) -> str:
        """e.g. ``12.3 GiB free of 250.0 GiB on /home/x/.local/data``."""
        return f"{self.free_bytes / 1024**3:.1f} GiB free of {self.total_bytes / 1024**3:.1f} GiB on {self.path}"


def _setting(config: Config, key: str, default: int) -> int:
    raw = config.values.get(key, str(default))
    if not raw.isdigit():
        raise ConfigError(f"{key}={raw!r}: not a whole number of MiB >= 0")
    return int(raw)


def thresholds(config: Config) -> tuple[int, int]:
    """``(DISK_WARN_FREE_MB, DISK_MIN_FREE_MB)`` of the configuration (defaults 5120, 1024).

    :raises ConfigError: when one is not a whole number
    """
    return _setting(config, "DISK_WARN_FREE_MB", DEFAULT_WARN_FREE_MB), _setting(
        config, "DISK_MIN_FREE_MB", DEFAULT_MIN_FREE_MB
    )


def measure(folder: Path) -> DiskSpace:
    """``statvfs`` of ``folder``, or of its nearest existing parent when it does not exist yet."""
    path = folder
    while not path.exists() and path != path.parent:
        path = path.parent
    st = os.statvfs(path)
    return DiskSpace(path, st.f_bavail * st.f_frsize, st.f_blocks * st.f_frsize)


def require_free_space(config: Config, step: str) -> DiskSpace:
    """Refuses to start below ``DISK_MIN_FREE_MB`` free on the data folder's file system.

    :param step: the command, named in the error (``up``, ``run``)
    :return: the measurement
    :raises LowDiskSpace: (exit status 2) when less than the minimum is free
    """
    _, minimum = thresholds(config)
    space = measure(config.data_dir)
    if space.free_mb < minimum:
        raise LowDiskSpace(
            step,
            f"only {space.describe()}; at least DISK_MIN_FREE_MB={minimum} MiB must be free to start "
            "(free space, or lower DISK_MIN_FREE_MB in cinestream.conf)",
        )
    return space


def status_line(config: Config) -> tuple[str, int]:
    """The ``disk`` line of ``./pipeline status`` and its verdict.

    :return: (line, 0 when at least DISK_WARN_FREE_MB is free, 1 below DISK_MIN_FREE_MB, 0 with a
        ``LOW`` line in between: a warning, not a failure)
    """
    warn_mb, minimum = thresholds(config)
    space = measure(config.data_dir)
    if space.free_mb < minimum:
        return f"{'disk':<9} {'FULL':<8} {space.describe()}: below DISK_MIN_FREE_MB={minimum} MiB, up refuses", 1
    if space.free_mb < warn_mb:
        return f"{'disk':<9} {'LOW':<8} {space.describe()}: below DISK_WARN_FREE_MB={warn_mb} MiB", 0
    return f"{'disk':<9} {'ok':<8} {space.describe()}", 0
