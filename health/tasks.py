"""Celery tasks of the health app: thin wrappers that take ids and call services."""

from __future__ import annotations

from celery import shared_task

from health.models import HealthImport
from health.services.apple_export import apple_health_export_import_run


@shared_task
def apple_health_export_import(*, import_id: str) -> str:
    """Import an uploaded Apple Health export. Safe to run twice: a finished import is not
    redone, and one that another worker is importing is left to it."""
    health_import = HealthImport.objects.filter(pk=import_id).only("status").first()
    if health_import is None or health_import.is_finished:
        return "finished" if health_import else "missing"
    result = apple_health_export_import_run(import_id=import_id)
    return result.status if result is not None else "taken"
