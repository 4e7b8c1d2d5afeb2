"""Demo accounts for `make run`: one admin, one member; passwords generated once per checkout
and kept in .data/demo_credentials.json (git-ignored) so every run prints the same ones."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.conf import settings

from accounts.models import User

DEMO_ACCOUNTS: dict[str, dict[str, Any]] = {
    "admin": {
        "email": "admin@fitcore.local",
        "name": "Demo Admin",
        "is_staff": True,
        "is_superuser": True,
    },
    "user": {
        "email": "user@fitcore.local",
        "name": "Demo User",
        "is_staff": False,
        "is_superuser": False,
    },
}


def _passwords() -> dict[str, str]:
    path = settings.DATA_DIR / "demo_credentials.json"
    stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    changed = False
    for role in DEMO_ACCOUNTS:
        if role not in stored:
            stored[role] = f"demo-{secrets.token_urlsafe(9)}"
            changed = True
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stored, indent=2))
        path.chmod(0o600)
    return stored


def seed(*, stdout: Any) -> None:
    passwords = _passwords()
    for role, fields in DEMO_ACCOUNTS.items():
        user = User.objects.filter(email=fields["email"]).first()
        if user is None:
            user = User.objects.create_user(
                email=fields["email"],
                password=passwords[role],
                name=fields["name"],
                is_staff=fields["is_staff"],
                is_superuser=fields["is_superuser"],
            )
        elif not user.check_password(passwords[role]):
            user.set_password(passwords[role])
            user.save(update_fields=["password"])
        stdout.write(f"  demo {role:<5}  {fields['email']:<22} password: {passwords[role]}")
