from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts import tasks
from accounts.models import RefreshToken, TokenFamily, UsedNonce
from accounts.services import token_pair_issue

pytestmark = pytest.mark.django_db


def test_expired_refresh_tokens_and_empty_old_families_are_purged(alice):
    token_pair_issue(user=alice)
    token_pair_issue(user=alice)
    old, live = TokenFamily.objects.order_by("created_at")
    RefreshToken.objects.filter(family=old).update(expires_at=timezone.now() - timedelta(days=1))
    TokenFamily.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))

    assert tasks.refresh_tokens_purge.delay().get() == 1

    assert list(TokenFamily.objects.all()) == [live]
    assert RefreshToken.objects.filter(family=live).count() == 1


def test_spent_nonces_are_purged_once_their_tokens_expired():
    now = timezone.now()
    UsedNonce.objects.create(digest="a" * 64, expires_at=now - timedelta(hours=1))
    UsedNonce.objects.create(digest="b" * 64, expires_at=now + timedelta(hours=1))

    assert tasks.used_nonces_purge.delay().get() == 1

    assert list(UsedNonce.objects.values_list("digest", flat=True)) == ["b" * 64]


def test_every_scheduled_task_exists():
    from config.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
