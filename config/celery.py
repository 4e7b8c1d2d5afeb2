"""The Celery application: broker and options come from Django settings (CELERY_*)."""

import os
from logging.config import dictConfig
from typing import Any

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("fitcore")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect(weak=False)
def logging_configure_from_django(**kwargs: Any) -> None:
    """Workers and beat log like the web process: Django's LOGGING (JSON, request ids).

    Without a receiver for this signal Celery replaces the root logger's handlers with its own
    plain-text ones writing to the real stderr, whatever LOG_FORMAT says.
    """
    from django.conf import settings

    dictConfig(settings.LOGGING)
