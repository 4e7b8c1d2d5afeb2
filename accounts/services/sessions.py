from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone

from accounts.exceptions import InvalidCredentials, TooManyFailedLogins
from accounts.models import User
from accounts.services.tokens import TokenPair, token_pair_issue
from core.throttling import login_failures_by_account, login_failures_by_ip


def user_login(
    *, email: str, password: str, client_ip: str, request: HttpRequest | None = None
) -> tuple[User, TokenPair]:
    """Check credentials and start a sign-in.

    Unknown email, wrong password and inactive account answer identically (Django's backend
    runs the hasher for unknown emails too). Failures are counted per account and per client
    IP; past the limit the answer is 429 until the window passes.
    """
    email = email.strip().lower()
    by_account, by_ip = login_failures_by_account(), login_failures_by_ip()
    if by_account.blocked(email) or by_ip.blocked(client_ip):
        raise TooManyFailedLogins()
    user = authenticate(request, email=email, password=password)
    if not isinstance(user, User):
        by_account.record(email)
        by_ip.record(client_ip)
        raise InvalidCredentials()
    by_account.reset(email)
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    return user, token_pair_issue(user=user)
