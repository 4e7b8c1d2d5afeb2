"""Who may call the admin API: staff holding the Django model permissions the view names for
the method (groups "Content managers" and "Support", made by migration 0002; superusers hold
every permission)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class StaffModelPermissions(BasePermission):
    """``is_staff`` and every permission in ``view.required_permissions[method]``.

    Anonymous callers get a 401 (DRF answers that when no authenticator succeeded), signed-in
    callers without them a 403; a method the view does not list is refused.
    """

    message = "Staff with the permission for this action only."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_staff and user.is_active):
            return False
        required = getattr(view, "required_permissions", {}).get(request.method)
        return required is not None and user.has_perms(required)
