"""What a file is, from its first bytes (never from its name or declared type)."""

from __future__ import annotations

import filetype

HEAD_BYTES = 8192


def video_type_sniff(head: bytes) -> str | None:
    """The video MIME type the bytes start like (MP4/MOV/M4V/3GP, Matroska/WebM, AVI, MPEG,
    WMV, FLV), or None for anything else."""
    kind = filetype.guess(head)
    if kind is not None and kind.mime.startswith("video/"):
        return str(kind.mime)
    if len(head) >= 188 * 3 and all(head[i * 188] == 0x47 for i in range(3)):
        return "video/mp2t"  # MPEG transport stream: a sync byte every 188 bytes
    return None
