"""Session rules: idle timeout, and the second factor for privileged roles before anything else."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from zhiban.accounts.second_factor import requires_second_factor
from zhiban.core import clock

_IDLE_KEY = "zhiban_last_seen"
_OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/", "/kiosk/", "/feeds/")


class IdleTimeoutMiddleware:
    """Ends a session idle for longer than SESSION_IDLE_TIMEOUT_SECONDS (30 minutes by default)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = clock.now().timestamp()
            last_seen = request.session.get(_IDLE_KEY)
            if last_seen is not None and now - float(last_seen) > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                logout(request)
                return HttpResponseRedirect(reverse("accounts:login") + "?idle=1")
            request.session[_IDLE_KEY] = now
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """Privileged accounts see nothing until they pass TOTP (and set it up on first login)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and not user.is_verified()
            and requires_second_factor(user)
        ):
            return HttpResponseRedirect(reverse("accounts:second_factor"))
        return self.get_response(request)
