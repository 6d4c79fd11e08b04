"""Validation, archiving and rejection of catalogue deliveries."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cinestream.catalog_file import (
    InvalidCatalogFile,
    archive_catalog_file,
    oldest_incoming,
    reject_catalog_file,
    validate_catalog_file,
)
from conftest import PROJECT_ROOT

MOVIES = PROJECT_ROOT / "data" / "Movies.txt"
THREE_RECORDS = (
    b"ITEM 1\r\nTitle=Caf\xe9 Society\r\nListPrice=4999USD$49.99\r\n\r\n"
    b"ITEM 2\nTitle=A=B\nBinding=DVD\n\n"
    b"ITEM 1\nTitle=Repeated numbering\n"
)


def write(tmp_path: Path, data: bytes, name: str = "movies.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def reason_of(path: Path, max_bytes: int = 1 << 20) -> str:
    with pytest.raises(InvalidCatalogFile) as e:
        validate_catalog_file(path, max_bytes)
    assert str(path.resolve()) in str(e.value)
    return e.value.reason


def test_accepts_the_shipped_catalogue_with_its_8701_records():
    # 8,701 records and 5.7 MB: the figures of data/README.md.
    checked = validate_catalog_file(MOVIES, 1 << 30)
    assert checked.records == 8701
    assert checked.size_bytes == 5_722_659
    assert checked.path == MOVIES.resolve()


def test_counts_item_lines_with_crlf_endings_and_repeated_numbers(tmp_path):
    checked = validate_catalog_file(write(tmp_path, THREE_RECORDS), 1 << 20)
    assert checked.records == 3
    assert checked.size_bytes == len(THREE_RECORDS)


def test_rejects_an_empty_file(tmp_path):
    assert reason_of(write(tmp_path, b"")) == "the file is empty (0 bytes)"


def test_rejects_a_missing_file(tmp_path):
    assert reason_of(tmp_path / "nope.txt") == "no such file (or not a regular file)"


def test_rejects_text_that_is_not_cp1252(tmp_path):
    # UTF-8 of "Á" is C3 81; 0x81 is undefined in cp1252. It sits at offset 14 on line 2.
    data = "ITEM 1\nTitle=\u00c1lbum\n".encode("utf-8")
    assert data[14] == 0x81
    assert reason_of(write(tmp_path, data)) == (
        "not cp1252 text: byte 0x81 at offset 14 (line 2) is undefined in cp1252"
    )


def test_rejects_utf16_as_binary(tmp_path):
    data = "ITEM 1\nTitle=X\n".encode("utf-16-le")
    assert reason_of(write(tmp_path, data)).startswith("binary content: NUL byte at offset 1")


def test_rejects_a_file_without_item_records(tmp_path):
    data = b"Title=Orphan\nListPrice=100USD$1.00\n"
    assert reason_of(write(tmp_path, data)) == (
        "no ITEM records: no line starts with 'ITEM ' (not a catalogue export?)"
    )


def test_rejects_attributes_before_the_first_record(tmp_path):
    data = b"Title=Orphan\nITEM 1\nTitle=Kept\n"
    assert reason_of(write(tmp_path, data)) == "content before the first ITEM record: first line is 'Title=Orphan'"


def test_rejects_a_file_over_the_size_limit(tmp_path):
    path = write(tmp_path, THREE_RECORDS)
    assert reason_of(path, max_bytes=10) == f"the file has {len(THREE_RECORDS)} bytes, more than the limit of 10"


def test_oldest_incoming_skips_hidden_uploads_and_picks_the_oldest(tmp_path):
    assert oldest_incoming(tmp_path / "missing") is None
    new = write(tmp_path, b"x", "b.txt")
    old = write(tmp_path, b"x", "c.txt")
    hidden = write(tmp_path, b"x", ".a.txt.part")
    os.utime(old, (1_000, 1_000))
    os.utime(hidden, (10, 10))
    os.utime(new, (2_000, 2_000))
    assert oldest_incoming(tmp_path) == old


def test_archive_moves_an_incoming_file_and_copies_any_other(tmp_path):
    incoming, archive = tmp_path / "incoming", tmp_path / "archive"
    incoming.mkdir()
    delivered = write(incoming, THREE_RECORDS)
    at = datetime(2026, 1, 5, 3, 4, 5, tzinfo=UTC)
    archived = archive_catalog_file(delivered, incoming, archive, at)
    assert archived == archive / "20260105T030405Z-movies.txt"
    assert archived.read_bytes() == THREE_RECORDS
    assert not delivered.exists()

    elsewhere = write(tmp_path, THREE_RECORDS, "given.txt")
    copied = archive_catalog_file(elsewhere, incoming, archive, at)
    assert copied == archive / "20260105T030405Z-given.txt"
    assert elsewhere.exists()


def test_reject_moves_the_file_with_its_reason_and_leaves_other_files(tmp_path):
    incoming, rejected = tmp_path / "incoming", tmp_path / "rejected"
    incoming.mkdir()
    bad = write(incoming, b"")
    with pytest.raises(InvalidCatalogFile) as e:
        validate_catalog_file(bad, 100)
    moved = reject_catalog_file(e.value, incoming, rejected)
    assert moved.parent == rejected and moved.name.endswith("-movies.txt")
    assert not bad.exists()
    assert Path(str(moved) + ".reason").read_text() == "the file is empty (0 bytes)\n"

    outside = write(tmp_path, b"")
    with pytest.raises(InvalidCatalogFile) as e:
        validate_catalog_file(outside, 100)
    assert reject_catalog_file(e.value, incoming, rejected) is None
    assert outside.exists()
