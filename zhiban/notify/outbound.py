"""Posting a message as JSON to a group robot or an SMS gateway: one place for the timeout, the refusal to follow
redirects, and telling a failure worth retrying from a hopeless one.

Only the standard library talks HTTP here. Error texts never carry the URL: a robot's URL holds its access token,
and the error is kept on the outbox row and shown to administrators.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from zhiban.notify.channels import PermanentDeliveryError

DEFAULT_TIMEOUT_SECONDS = 10.0
MAX_REPLY_BYTES = 64 * 1024


class TemporaryDeliveryError(Exception):
    """The far side is down, busy or limiting the rate: the worker tries again later, with backoff."""


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any  # the parsed JSON, or None when the reply was not JSON
    text: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx then surfaces as an HTTPError, judged below


_opener = urllib.request.build_opener(_NoRedirects)


def check_url(url: str) -> str:
    """An http(s) URL with a host; a ValueError naming what is wrong otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("the address must be an http:// or https:// URL")
    return url


def timeout_seconds() -> float:
    return float(getattr(settings, "NOTIFY_HTTP_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))


def post_json(url: str, payload: dict[str, Any], *, headers: dict[str, str] | None = None) -> Reply:
    """POST `payload` as UTF-8 JSON; returns the reply whatever its status. A failure to connect or a timeout is a
    `TemporaryDeliveryError`; a redirect is permanent (robots and gateways answer where they are configured)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "zhiban", **(headers or {})},
    )
    try:
        with _opener.open(request, timeout=timeout_seconds()) as response:
            status, raw = response.status, response.read(MAX_REPLY_BYTES)
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read(MAX_REPLY_BYTES)
    except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out, cut off
        reason = getattr(error, "reason", error)
        raise TemporaryDeliveryError(f"could not reach the server: {reason}") from None
    text = raw.decode("utf-8", errors="replace")
    try:
        body = json.loads(text) if text.strip() else None
    except ValueError:
        body = None
    if 300 <= status < 400:
        raise PermanentDeliveryError(f"the server answered HTTP {status} (a redirect); check the address")
    return Reply(status=status, body=body, text=text)


def raise_for_http_status(reply: Reply) -> None:
    """HTTP 5xx, 408 and 429 are worth retrying; any other status outside 2xx is not."""
    if 200 <= reply.status < 300:
        return
    detail = f"HTTP {reply.status}: {reply.text[:300]}".rstrip(": ")
    if reply.status >= 500 or reply.status in (408, 429):
        raise TemporaryDeliveryError(detail)
    raise PermanentDeliveryError(detail)


def mask_url(url: str) -> str:
    """The address without what gives access: scheme and host, then the last four characters of the rest."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    shown = f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}"
    rest = parts.path.strip("/") + (f"?{parts.query}" if parts.query else "")
    if len(rest) > 8:
        return f"{shown}/…{rest[-4:]}"
    return f"{shown}/…" if rest else shown


def mask_secret(secret: str) -> str:
    """Whether a secret is set, with its last four characters when it is long enough that they give nothing away."""
    if not secret:
        return ""
    return f"…{secret[-4:]}" if len(secret) >= 16 else "…"
