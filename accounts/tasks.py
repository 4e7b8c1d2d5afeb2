"""Celery tasks of the accounts app: thin wrappers that take ids and call services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail

from accounts.models import User


@shared_task(
    autoretry_for=(OSError,),  # SMTP connection problems are transient; bad data is not
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def password_reset_email_send(*, user_id: int) -> bool:
    """Email a password-reset link. Safe to run twice (a second mail carries a valid link)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    uid = str(user.public_id)
    token = default_token_generator.make_token(user)
    link = str(settings.PASSWORD_RESET_URL).format(uid=uid, token=token)
    send_mail(
        subject="Reset your FitCore password",
        message=(
            "Someone asked to reset the password of your FitCore account.\n\n"
            f"Open this link on your phone to choose a new password:\n{link}\n\n"
            f"Or enter this code in the app: uid {uid}, token {token}\n\n"
            "The link works once and expires in "
            f"{settings.PASSWORD_RESET_TIMEOUT // 60} minutes. If you did not ask for it, "
            "ignore this email: your password stays as it is."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
    return True


@shared_task
def refresh_tokens_purge() -> int:
    from accounts.services.tokens import refresh_tokens_purge as purge

    return purge()


@shared_task
def used_nonces_purge() -> int:
    from accounts.services.social import used_nonces_purge as purge

    return purge()
