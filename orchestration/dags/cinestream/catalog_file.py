"""Checks and moves of catalogue files (``Movies.txt`` format, ``data/README.md``).

A catalogue file is Windows-1252 text; each record starts with a line ``ITEM <n>`` followed by
``Key=Value`` attribute lines. The checks here run before the Spark job so that a broken
delivery is rejected with a reason instead of failing, or half-loading, in the cluster.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

#: A record header as ``MovieCatalogJob`` splits records (``CatalogInput.RECORD_DELIMITER`` is
#: ``"\nITEM "``, plus the header at byte offset 0); ``\r\n`` endings match as well.
ITEM_LINE = re.compile(rb"(?m)^ITEM ")
ENCODING = "cp1252"


class InvalidCatalogFile(ValueError):
    """A catalogue file that must not be ingested; ``str()`` names the file and the reason."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class CatalogFile:
    """A catalogue file that passed :func:`validate_catalog_file`.

    :param path: absolute path
    :param size_bytes: file size, bytes
    :param records: number of ``ITEM`` header lines (= records the catalogue job will read)
    :param sha256: the content's SHA-256, hex (how the archive recognises a delivery it holds)
    """

    path: Path
    size_bytes: int
    records: int
    sha256: str = ""


def validate_catalog_file(path: Path, max_bytes: int) -> CatalogFile:
    """Checks that a file can be a catalogue delivery.

    Rules: the file exists and is a regular file; its size is above zero and at most
    ``max_bytes``; the whole content decodes as cp1252 (strict: the five byte values cp1252
    leaves undefined, 0x81 0x8D 0x8F 0x90 0x9D, are errors) and holds no NUL byte (UTF-16 or
    binary content would otherwise decode); it holds at least one ``ITEM`` line and its first non-blank line is one
    (attributes before the first header would belong to no record).

    :param path: the file
    :param max_bytes: largest size accepted, bytes
    :return: the file's figures, ``records`` = number of ``ITEM`` lines
    :raises InvalidCatalogFile: on the first rule broken, with the reason (e.g. the byte offset
        and value of an undecodable byte)
    """
    path = Path(path).resolve()
    if not path.is_file():
        raise InvalidCatalogFile(path, "no such file (or not a regular file)")
    size = path.stat().st_size
    if size == 0:
        raise InvalidCatalogFile(path, "the file is empty (0 bytes)")
    if size > max_bytes:
        raise InvalidCatalogFile(path, f"the file has {size:,} bytes, more than the limit of {max_bytes:,}")
    data = path.read_bytes()
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InvalidCatalogFile(
            path, f"binary content: NUL byte at offset {nul} (UTF-16 or not text; cp1252 text has none)"
        )
    try:
        data.decode(ENCODING)
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise InvalidCatalogFile(
            path,
            f"not {ENCODING} text: byte 0x{data[e.start]:02X} at offset {e.start} (line {line})"
            f" is undefined in {ENCODING}",
        ) from e
    records = len(ITEM_LINE.findall(data))
    if records == 0:
        raise InvalidCatalogFile(path, "no ITEM records: no line starts with 'ITEM ' (not a catalogue export?)")
    first = data.lstrip()
    if not first.startswith(b"ITEM "):
        head = first.split(b"\n", 1)[0][:60].decode(ENCODING, errors="replace")
        raise InvalidCatalogFile(path, f"content before the first ITEM record: first line is {head!r}")
    return CatalogFile(path=path, size_bytes=size, records=records, sha256=hashlib.sha256(data).hexdigest())


def oldest_incoming(incoming_dir: Path) -> Path | None:
    """The delivery to ingest next: the oldest regular, non-hidden file of the incoming folder.

    Hidden files are left alone so that a writer can upload to ``.name.part`` and rename when
    complete (a rename is atomic; the sensor never sees a half-written file).

    :param incoming_dir: the folder (need not exist)
    :return: the file with the oldest modification time (ties: by name), or None
    """
    if not incoming_dir.is_dir():
        return None
    files = [p for p in incoming_dir.iterdir() if p.is_file() and not p.name.startswith(".")]
    return min(files, key=lambda p: (p.stat().st_mtime, p.name), default=None)


def is_inside(path: Path, folder: Path) -> bool:
    """True when ``path`` lies in ``folder`` (after resolving both)."""
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def archived_copy(archive_dir: Path, name: str, sha256: str) -> Path | None:
    """The archived delivery ``<archive>/<stamp>-<name>`` whose content has this SHA-256, or None.

    :param archive_dir: the archive folder (need not exist)
    :param name: the delivery's file name
    :param sha256: its content's SHA-256, hex
    :return: the oldest such file
    """
    if not archive_dir.is_dir():
        return None
    for candidate in sorted(archive_dir.glob(f"*-{name}")):
        if candidate.is_file() and hashlib.sha256(candidate.read_bytes()).hexdigest() == sha256:
            return candidate
    return None


def archive_catalog_file(
    path: Path, incoming_dir: Path, archive_dir: Path, now: datetime | None = None, sha256: str | None = None
) -> Path:
    """Files an ingested delivery away under ``<archive>/<UTC timestamp>-<name>``, once.

    A file from the incoming folder is moved (so the sensor does not fire on it again); a file
    given explicitly from elsewhere (e.g. ``data/Movies.txt``) is copied and left in place. When
    the archive already holds the same content under the same name (a re-run of the task or of
    the DAG run, or the same file delivered again), nothing new is written: that copy is returned
    (and a file of the incoming folder is removed, as it is filed already).

    :param path: the ingested file
    :param incoming_dir: the watched folder
    :param archive_dir: the archive folder (created when missing)
    :param now: the timestamp (default: the current UTC time)
    :param sha256: the content's SHA-256 as validated (:class:`CatalogFile`); default: read from
        ``path``. With it, a retry after the move finds the archived copy although ``path`` is gone
    :return: the archived copy
    :raises FileNotFoundError: when ``path`` is gone and no archived copy has its content
    """
    path = Path(path)
    if sha256 is None and path.is_file():
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    existing = archived_copy(archive_dir, path.name, sha256) if sha256 else None
    if existing is not None:
        if path.is_file() and is_inside(path, incoming_dir):
            path.unlink()
        return existing
    if not path.is_file():
        raise FileNotFoundError(f"{path}: gone, and the archive holds no copy of it")
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    archive_dir.mkdir(parents=True, exist_ok=True)
    target = archive_dir / f"{stamp}-{path.name}"
    if is_inside(path, incoming_dir):
        shutil.move(str(path), target)
    else:
        shutil.copy2(path, target)
    return target


def reject_catalog_file(error: InvalidCatalogFile, incoming_dir: Path, rejected_dir: Path) -> Path | None:
    """Moves a rejected delivery out of the incoming folder, with its reason beside it.

    :param error: the rejection
    :param incoming_dir: the watched folder; files elsewhere are left in place
    :param rejected_dir: where rejected files go (created when missing)
    :return: the moved file, or None when it was not in the incoming folder (or is gone)
    """
    if not error.path.is_file() or not is_inside(error.path, incoming_dir):
        return None
    rejected_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = rejected_dir / f"{stamp}-{error.path.name}"
    shutil.move(str(error.path), target)
    target.with_name(target.name + ".reason").write_text(error.reason + "\n", encoding="utf-8")
    return target
