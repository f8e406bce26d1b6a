"""Session rules: idle timeout, and the second factor for privileged roles before anything else."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from zhiban.accounts.second_factor import requires_second_factor
from zhiban.core import clock

_IDLE_KEY = "zhiban_last_seen"
# Not guarded by the session's second factor: static files and language switching, and what authenticates by its
# own secret instead of the session (the API's tokens carry the second factor themselves, kiosk and feed links).
_OPEN_PREFIXES = ("/static/", "/i18n/", "/api/", "/kiosk/", "/feeds/")
# Requests a page makes by itself (htmx polling) send this header; they are not the user's activity.
BACKGROUND_HEADER = "X-Zhiban-Background"
# The last-seen time is written at most this often, so that not every page view rewrites the session row.
_TOUCH_SECONDS = 60


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
            in_background = request.headers.get(BACKGROUND_HEADER) == "1"
            if not in_background and (last_seen is None or now - float(last_seen) >= _TOUCH_SECONDS):
                request.session[_IDLE_KEY] = now
        return self.get_response(request)


def _second_factor_open_paths() -> frozenset[str]:
    """The pages an account that has not yet passed its second factor may open: logging in and out, and the
    second factor itself. Every other page, /accounts/ included, waits for it."""
    return frozenset(reverse(name) for name in ("accounts:login", "accounts:logout", "accounts:second_factor"))


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
            and request.path not in _second_factor_open_paths()
            and not user.is_verified()
            and requires_second_factor(user)
        ):
            return HttpResponseRedirect(reverse("accounts:second_factor"))
        return self.get_response(request)
