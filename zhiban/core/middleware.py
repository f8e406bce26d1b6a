"""Chinese first: the UI is zh-hans unless the user chose another language (cookie), whatever the browser asks.
And no request carries NUL characters into the application."""

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


_JSON_NUL = re.compile(rb"\\u0000", re.IGNORECASE)


def _carries_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    fields = list(request.GET.lists())
    if request.method in ("POST", "PUT", "PATCH"):
        if request.content_type == "application/json":
            return b"\x00" in request.body or bool(_JSON_NUL.search(request.body))
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            try:
                fields += list(request.POST.lists())  # uploaded files are not text and are not looked at
            except MultiPartParserError:
                return False  # a body Django cannot read: the view refuses it as it would without this check
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in fields)


class RefuseNulCharactersMiddleware:
    """NUL characters (U+0000) are no text anyone types, and PostgreSQL cannot store them in text: a request that
    carries one in its path, query, form fields or JSON body is refused before any view runs (400; 422 naming the
    problem for the API), so nothing is written and no database error turns into a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _carries_nul(request):
            return self.get_response(request)
        message = str(_("Text may not contain NUL characters."))
        if request.path.startswith("/api/"):
            body = {"detail": [message], "code": "invalid", "errors": {"__all__": [message]}}
            return JsonResponse(body, status=422)
        return HttpResponseBadRequest(message)
