"""Catalogue deliveries on object storage (the ``kubernetes`` runner): the same rules as
:mod:`cinestream.catalog_file` (hidden files ignored, oldest first, ``.reason`` beside a rejected
file, archived under a UTC stamp), applied to URIs through Airflow's ``ObjectStoragePath``
(``s3://`` needs the amazon provider's file system in the image; ``file://`` works everywhere).
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from cinestream.catalog_file import CatalogFile, InvalidCatalogFile, validate_catalog_file


def _path(uri: str):
    from airflow.sdk import ObjectStoragePath

    return ObjectStoragePath(uri)


def exists(uri: str) -> bool:
    """Whether the object exists (the sensor's check of a delivery given by param)."""
    return _path(uri).exists()


def oldest_delivery(folder_uri: str) -> str | None:
    """The oldest visible file of a folder (hidden ``.name.part`` uploads are skipped).

    :param folder_uri: e.g. ``s3://cinestream-state/incoming``
    :return: its URI, or None when there is none (or the folder does not exist)
    """
    folder = _path(folder_uri)
    if not folder.exists():
        return None
    files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    if not files:
        return None
    return str(min(files, key=lambda p: (p.stat().get("mtime") or 0, p.name)))


def validate_delivery(uri: str, max_bytes: int, scratch: Path) -> CatalogFile:
    """Downloads a delivery into ``scratch`` and validates it (:func:`validate_catalog_file`).

    :return: the checked local copy's figures (``path`` is the local copy)
    :raises InvalidCatalogFile: as :func:`validate_catalog_file`, or when it does not exist
    """
    source = _path(uri)
    if not source.exists():
        raise InvalidCatalogFile(Path(source.name), f"{uri} does not exist")
    local = scratch / source.name
    with source.open("rb") as src, local.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return validate_catalog_file(local, max_bytes)


def move_delivery(
    uri: str, folder_uri: str, reason: str | None = None, now: datetime | None = None, keep_source: bool = False
) -> str:
    """Moves a delivery to ``folder_uri/<UTC stamp>-<name>``, with ``.reason`` beside it if given.

    :param keep_source: copy only (a file given by param from outside the incoming folder)
    :return: the new URI
    """
    source = _path(uri)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    target = _path(folder_uri) / f"{stamp}-{source.name}"
    target.parent.mkdir(parents=True, exist_ok=True)
    source.copy(target)
    if not keep_source:
        source.unlink()
    if reason is not None:
        (_path(folder_uri) / f"{target.name}.reason").write_text(reason + "\n")
    return str(target)
