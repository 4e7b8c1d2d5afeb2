"""Apple Health export imports: the upload (checked, stored, queued) and the import itself,
run by the ``apple_health_export_import`` task or the ``health_import_export`` command.

All or nothing: every sample of one import is written inside one transaction, in bounded
chunks (``FLUSH_ROWS`` rows per metric through ``health_samples_upsert``), so an export that
turns out to be malformed, dangerous or truncated half-way leaves nothing behind. While that
transaction is open its writes are invisible to other connections, so progress cannot live in
the import's row: it is kept in the cache under the import's key (Redis in production, shared
by the web and worker processes), and the row is written when the import ends.

Idempotent: exports carry no uuids, so each sample's key is derived from the record itself
(see ``apple_export_reader``): re-importing the same export, or a newer one that overlaps it,
stores nothing twice. The file is opened, and checked for zip bombs, by
``apple_export_archive``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO
from uuid import UUID

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import ErrorDetail, ValidationError

from accounts.models import User
from health import error_codes
from health.catalog import Metric
from health.models import HealthImport
from health.services.apple_export_archive import (
    ExportRejected,
    OpenedExport,
    export_kind_sniff,
    export_xml_open,
)
from health.services.apple_export_reader import ParseCounts, export_rows
from health.services.samples import SampleRow, health_samples_upsert

logger = logging.getLogger(__name__)

FLUSH_ROWS = 5_000
PROGRESS_TTL_SECONDS = 24 * 3600
MAX_ERROR_LENGTH = 1000


@dataclass(frozen=True)
class ImportProgress:
    percent: int
    records_seen: int
    samples_stored: int
    samples_unchanged: int
    skipped: int


ProgressCallback = Callable[[ImportProgress], None]


def apple_health_export_upload(*, user: User, upload: UploadedFile) -> HealthImport:
    """Keep an uploaded export.zip / export.xml and queue its import (after commit).

    The content decides, not the name: anything that is neither a zip nor an XML document is
    refused before a byte is stored.
    """
    head = upload.read(64)
    upload.seek(0)
    if export_kind_sniff(head) is None:
        raise ValidationError(
            {
                "file": [
                    ErrorDetail(
                        "Upload the export.zip (or its export.xml) from Health's "
                        '"Export All Health Data"; this file is neither.',
                        code=error_codes.INVALID_EXPORT,
                    )
                ]
            }
        )
    health_import = HealthImport(
        user=user, original_filename=(upload.name or "")[:255], size_bytes=upload.size or 0
    )
    with transaction.atomic():
        health_import.file.save("export", upload, save=False)
        try:
            health_import.save(force_insert=True)
        except Exception:
            default_storage.delete(health_import.file.name)
            raise
        from health.tasks import apple_health_export_import

        apple_health_export_import.delay_on_commit(import_id=str(health_import.pk))
    return health_import


def apple_health_export_import_run(
    *,
    import_id: UUID | str,
    file: IO[bytes] | None = None,
    on_progress: ProgressCallback | None = None,
) -> HealthImport | None:
    """Import an uploaded export (or ``file``, for the management command).

    Safe to run twice: a finished import is not redone, and one that another worker holds
    (its row is locked for the whole import) is left to it; None then. An import left
    "processing" by a worker that died is taken up again (its transaction died with it).
    """
    with transaction.atomic():
        health_import = (
            HealthImport.objects.select_for_update(skip_locked=True).filter(pk=import_id).first()
        )
        if health_import is None or health_import.is_finished:
            return health_import
        health_import.status = HealthImport.Status.PROCESSING
        health_import.started_at = timezone.now()
        health_import.progress_percent = 0
        health_import.save(update_fields=["status", "started_at", "progress_percent"])

    stored_name = health_import.file.name
    report = _Reporter(health_import, on_progress)
    try:
        with transaction.atomic():
            locked = (
                HealthImport.objects.select_for_update(skip_locked=True)
                .filter(pk=health_import.pk, status=HealthImport.Status.PROCESSING)
                .first()
            )
            if locked is None:
                return None  # another worker took it between the two transactions
            source = file if file is not None else default_storage.open(stored_name, "rb")
            try:
                result = _export_store(user=locked.user, file=source, report=report)
            finally:
                if file is None:
                    source.close()
            locked.status = HealthImport.Status.SUCCEEDED
            locked.progress_percent = 100
            locked.records_seen = result.records_seen
            locked.samples_stored = result.samples_stored
            locked.samples_unchanged = result.samples_unchanged
            locked.skipped = result.skipped
            locked.unknown_types = result.unknown_types
            locked.finished_at = timezone.now()
            locked.file = ""
            locked.save()
    except ExportRejected as exc:
        locked = _failed(health_import, code=exc.code, message=exc.message)
    except Exception:
        logger.exception("Apple Health export import %s failed", health_import.pk)
        _failed(
            health_import,
            code=error_codes.IMPORT_FAILED,
            message="The import failed unexpectedly and nothing was stored. Try again later.",
        )
        cache.delete(report.key)
        _file_discard(stored_name)
        raise
    report.done(locked)
    _file_discard(stored_name)
    return locked


def apple_health_export_file_import(
    *, user: User, path: Path, on_progress: ProgressCallback | None = None
) -> HealthImport:
    """Import a local export file now (support, the bench): the same import an upload gets,
    recorded as one of the user's imports, without copying the file to storage."""
    health_import = HealthImport.objects.create(
        user=user, original_filename=path.name[:255], size_bytes=path.stat().st_size
    )
    with path.open("rb") as file:
        result = apple_health_export_import_run(
            import_id=health_import.pk, file=file, on_progress=on_progress
        )
    assert result is not None  # a row created here is held by nobody else
    return result


@dataclass
class _StoreResult:
    records_seen: int
    samples_stored: int
    samples_unchanged: int
    skipped: int
    unknown_types: dict[str, int]


def _export_store(*, user: User, file: IO[bytes], report: _Reporter) -> _StoreResult:
    """Parse and store the export, inside the caller's transaction; ExportRejected if the
    export as a whole must be refused. Rows wait in one buffer per metric: exports list each
    type's records together and in time order, so a flushed chunk covers a short time span
    (the daily summaries recomputed by each upsert stay few)."""
    counts = ParseCounts()
    buffers: dict[Metric, list[SampleRow]] = defaultdict(list)
    totals = {"stored": 0, "unchanged": 0}

    def flush(metric: Metric) -> None:
        rows = buffers.pop(metric, [])
        if rows:
            result = health_samples_upsert(user=user, rows=rows)
            totals["stored"] += result.inserted
            totals["unchanged"] += result.unchanged

    with export_xml_open(file, max_xml_bytes=settings.HEALTH_IMPORT_MAX_XML_BYTES) as opened:
        for rows in export_rows(opened, counts):
            for row in rows:
                buffer = buffers[row.metric]
                buffer.append(row)
                if len(buffer) >= FLUSH_ROWS:
                    flush(row.metric)
            report(opened, counts, totals)
        for metric in list(buffers):
            flush(metric)
        report(opened, counts, totals, force=True)
    return _StoreResult(
        records_seen=counts.records_seen,
        samples_stored=totals["stored"],
        samples_unchanged=totals["unchanged"],
        skipped=counts.skipped,
        unknown_types=dict(counts.unknown_types.most_common()),
    )


class _Reporter:
    """Publishes progress to the cache (and to ``on_progress``) whenever the percentage of
    the XML read moves, not on every chunk."""

    def __init__(self, health_import: HealthImport, on_progress: ProgressCallback | None):
        self.key = health_import.progress_cache_key
        self.on_progress = on_progress
        self.last: ImportProgress | None = None

    def __call__(
        self,
        opened: OpenedExport,
        counts: ParseCounts,
        totals: dict[str, int],
        *,
        force: bool = False,
    ) -> None:
        percent = min(99, opened.stream.bytes_read * 100 // max(opened.xml_bytes, 1))
        if not force and self.last is not None and percent == self.last.percent:
            return
        self._publish(
            ImportProgress(
                percent=percent,
                records_seen=counts.records_seen,
                samples_stored=totals["stored"],
                samples_unchanged=totals["unchanged"],
                skipped=counts.skipped,
            )
        )

    def _publish(self, progress: ImportProgress) -> None:
        self.last = progress
        cache.set(self.key, asdict(progress), PROGRESS_TTL_SECONDS)
        if self.on_progress is not None:
            self.on_progress(progress)

    def done(self, health_import: HealthImport) -> None:
        cache.delete(self.key)
        if self.on_progress is not None:
            self.on_progress(
                ImportProgress(
                    percent=health_import.progress_percent,
                    records_seen=health_import.records_seen,
                    samples_stored=health_import.samples_stored,
                    samples_unchanged=health_import.samples_unchanged,
                    skipped=health_import.skipped,
                )
            )


def _failed(health_import: HealthImport, *, code: str, message: str) -> HealthImport:
    """Record a refused import (its transaction has rolled back: nothing was stored)."""
    health_import.status = HealthImport.Status.FAILED
    health_import.error_code = code
    health_import.error = message[:MAX_ERROR_LENGTH]
    health_import.finished_at = timezone.now()
    health_import.samples_stored = health_import.samples_unchanged = 0
    health_import.file = ""
    health_import.save(
        update_fields=[
            "status",
            "error_code",
            "error",
            "finished_at",
            "samples_stored",
            "samples_unchanged",
            "file",
        ]
    )
    return health_import


def _file_discard(name: str) -> None:
    if name:
        default_storage.delete(name)
