"""System checks: bad configuration fails at start-up, not on the first request."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def jwt_settings_check(app_configs: Any, **kwargs: Any) -> list[Error | Warning]:
    problems: list[Error | Warning] = []
    jwt = settings.SIMPLE_JWT
    if not jwt.get("ROTATE_REFRESH_TOKENS"):
        problems.append(Error("SIMPLE_JWT['ROTATE_REFRESH_TOKENS'] must be on.", id="core.E001"))
    if jwt.get("BLACKLIST_AFTER_ROTATION") and (
        "rest_framework_simplejwt.token_blacklist" not in settings.INSTALLED_APPS
    ):
        problems.append(
            Error(
                "BLACKLIST_AFTER_ROTATION is on but token_blacklist is not installed: rotated "
                "tokens would stay valid.",
                id="core.E002",
            )
        )
    if settings.REFRESH_REUSE_GRACE_SECONDS < 0 or settings.REFRESH_REUSE_GRACE_SECONDS > 60:
        problems.append(
            Error("REFRESH_REUSE_GRACE_SECONDS must be between 0 and 60.", id="core.E003")
        )
    if settings.PRODUCTION and len(str(jwt.get("SIGNING_KEY", ""))) < 32:
        problems.append(
            Error("The JWT signing key must be at least 32 characters.", id="core.E004")
        )
    return problems
