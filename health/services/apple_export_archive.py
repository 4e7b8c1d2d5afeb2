"""Opening Apple Health's "Export All Health Data" file safely: an export.zip (checked for
zip-bomb signs before and while it decompresses) or a bare export.xml, as a byte stream whose
every byte is counted.

Everything that refuses the whole export raises ``ExportRejected``: permanent, since retrying
the same file cannot help.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from health import error_codes

ZIP_MAGIC = b"PK\x03\x04"
XML_STARTS = (b"<?xml", b"<HealthData", b"<!DOCTYPE HealthData")
UTF8_BOM = b"\xef\xbb\xbf"
EXPORT_XML_NAME = "apple_health_export/export.xml"
# Zip-bomb guards. Real exports: one export.xml, an export_cda.xml, a GPX file per outdoor
# workout and a CSV per ECG, compressed about 10-30 to 1.
MAX_ZIP_ENTRIES = 100_000
MAX_CENTRAL_DIRECTORY_BYTES = 64 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100


class ExportRejected(Exception):
    """The whole export is refused: ``code`` for machines, ``message`` for the user."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def export_kind_sniff(head: bytes) -> str | None:
    """ "zip" or "xml" from a file's first bytes (never from its name), else None."""
    if head.startswith(ZIP_MAGIC):
        return "zip"
    text = head.removeprefix(UTF8_BOM).lstrip()
    if text.startswith(XML_STARTS):
        return "xml"
    return None


class CountingReader:
    """A read-only stream that counts the bytes it hands out and refuses to go past
    ``limit`` (decompressed bytes are counted: a zip bomb may lie in its headers)."""

    def __init__(self, raw: IO[bytes], *, limit: int) -> None:
        self.raw = raw
        self.limit = limit
        self.bytes_read = 0

    def read(self, size: int) -> bytes:
        data = self.raw.read(size)
        self.bytes_read += len(data)
        if self.bytes_read > self.limit:
            raise ExportRejected(
                error_codes.EXPORT_TOO_LARGE,
                f"export.xml is larger than this server accepts ({self.limit} bytes).",
            )
        return data


@dataclass
class OpenedExport:
    stream: CountingReader
    xml_bytes: int  # the XML's size (declared, for a zip): progress is bytes_read / this


def _file_size(file: IO[bytes]) -> int:
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    return size


EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
ZIP64_LOCATOR = struct.Struct("<4sLQL")
ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")


def _central_directory_size(file: IO[bytes], size: int) -> tuple[int, int]:
    """(entries, bytes) of the zip's central directory, read from its end records before
    ``zipfile`` loads the whole directory into memory (millions of tiny entries would)."""
    tail_length = min(size, EOCD.size + 65_535)
    file.seek(size - tail_length)
    tail = file.read(tail_length)
    file.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < EOCD.size:
        raise ExportRejected(error_codes.INVALID_EXPORT, "The upload is not a readable zip.")
    _, _, _, _, entries, directory_bytes, _, _ = EOCD.unpack_from(tail, at)
    if at >= ZIP64_LOCATOR.size and tail[at - ZIP64_LOCATOR.size :].startswith(b"PK\x06\x07"):
        _, _, zip64_offset, _ = ZIP64_LOCATOR.unpack_from(tail, at - ZIP64_LOCATOR.size)
        if zip64_offset + ZIP64_EOCD.size > size:
            raise ExportRejected(error_codes.INVALID_EXPORT, "The upload is not a readable zip.")
        file.seek(zip64_offset)
        record = file.read(ZIP64_EOCD.size)
        file.seek(0)
        if not record.startswith(b"PK\x06\x06"):
            raise ExportRejected(error_codes.INVALID_EXPORT, "The upload is not a readable zip.")
        fields = ZIP64_EOCD.unpack(record)
        entries, directory_bytes = fields[7], fields[8]
    return entries, directory_bytes


def _export_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    candidates = [
        info
        for info in archive.infolist()
        if info.filename == "export.xml" or info.filename.endswith("/export.xml")
    ]
    if not candidates:
        raise ExportRejected(
            error_codes.INVALID_EXPORT,
            "The zip holds no export.xml: upload the export.zip that Health's "
            '"Export All Health Data" makes, as it is.',
        )
    exact = [info for info in candidates if info.filename == EXPORT_XML_NAME]
    return (exact or sorted(candidates, key=lambda info: info.filename.count("/")))[0]


def _zip_checked(info: zipfile.ZipInfo, *, max_xml_bytes: int) -> None:
    if info.flag_bits & 0x1:
        raise ExportRejected(error_codes.ARCHIVE_REFUSED, "Encrypted archives are not accepted.")
    if info.compress_type not in {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}:
        raise ExportRejected(
            error_codes.ARCHIVE_REFUSED,
            "export.xml is compressed with a method Apple Health does not use.",
        )
    if info.file_size > max_xml_bytes:
        raise ExportRejected(
            error_codes.EXPORT_TOO_LARGE,
            f"export.xml would decompress to {info.file_size} bytes; this server accepts "
            f"{max_xml_bytes}.",
        )
    if info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
        raise ExportRejected(
            error_codes.ARCHIVE_REFUSED,
            f"export.xml claims a compression ratio over {MAX_COMPRESSION_RATIO}:1, which no "
            "real export has (a zip bomb?).",
        )


@contextmanager
def export_xml_open(file: IO[bytes], *, max_xml_bytes: int) -> Iterator[OpenedExport]:
    """The export's XML as a counted byte stream, from a zip or a bare export.xml."""
    file.seek(0)
    head = file.read(64)
    file.seek(0)
    kind = export_kind_sniff(head)
    size = _file_size(file)
    if kind == "xml":
        yield OpenedExport(CountingReader(file, limit=max_xml_bytes), xml_bytes=size)
        return
    if kind != "zip":
        raise ExportRejected(
            error_codes.INVALID_EXPORT, "The file is neither an export.zip nor an export.xml."
        )
    entries, directory_bytes = _central_directory_size(file, size)
    if entries > MAX_ZIP_ENTRIES or directory_bytes > MAX_CENTRAL_DIRECTORY_BYTES:
        raise ExportRejected(
            error_codes.ARCHIVE_REFUSED,
            f"The zip has {entries} entries; an Apple Health export has far fewer.",
        )
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise ExportRejected(
            error_codes.INVALID_EXPORT, f"The upload is not a readable zip ({exc})."
        ) from exc
    with archive:
        if len(archive.infolist()) > MAX_ZIP_ENTRIES:
            raise ExportRejected(
                error_codes.ARCHIVE_REFUSED, "The zip has more entries than an export has."
            )
        info = _export_member(archive)
        _zip_checked(info, max_xml_bytes=max_xml_bytes)
        try:
            member = archive.open(info)
        except (zipfile.BadZipFile, NotImplementedError, ValueError) as exc:
            raise ExportRejected(
                error_codes.INVALID_EXPORT, f"export.xml cannot be read from the zip ({exc})."
            ) from exc
        with member:
            # The declared size bounds the stream too (zipfile stops there and checks the
            # CRC); the counter is the guard that does not trust the header.
            limit = min(max_xml_bytes, info.file_size)
            yield OpenedExport(CountingReader(member, limit=limit), xml_bytes=info.file_size)
