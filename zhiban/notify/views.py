"""Inbox pages: the list, marking read (htmx), the unread badge and the channel preferences; for those who manage
units, their group robots and SMS gateways and the robot and SMS messages that were not delivered; and the address
an SMS gateway forwards replies to."""

import datetime as dt
import json
import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from zhiban.accounts.models import User
from zhiban.core import clock
from zhiban.notify import selectors, services, sms
from zhiban.notify.channels import absolute_link, registered_channels
from zhiban.notify.forms import UnitChannelForm
from zhiban.notify.models import Notification, OutboxMessage, UnitChannel
from zhiban.notify.outbound import mask_secret, mask_url

logger = logging.getLogger("zhiban.notify")

PAGE_SIZE = 50
CHANGED = "inbox-changed"  # htmx event: the badge refreshes itself


def _list_context(request: HttpRequest, user: User) -> dict[str, object]:
    unread_only = request.GET.get("unread") == "1"
    notifications = selectors.notification_list(user=user, unread_only=unread_only)
    return {
        "page": Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page")),
        "unread_only": unread_only,
        "inbox_unread_count": selectors.unread_count(user=user),
        "manages_units": selectors.manages_any_unit(user),
    }


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(request, "notify/inbox.html", _list_context(request, user))


@login_required
@require_POST
def mark_read(request: HttpRequest, public_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        notification = selectors.notification_get(user=user, public_id=public_id)
    except Notification.DoesNotExist:
        raise Http404 from None
    notification = services.notification_mark_read(actor=user, notification=notification)
    if request.htmx:  # type: ignore[attr-defined]
        response = render(request, "notify/_notification.html", {"notification": notification})
        response["HX-Trigger"] = CHANGED
        return response
    return redirect("notify:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    services.notification_mark_all_read(actor=user)
    if request.htmx:  # type: ignore[attr-defined]
        response = render(request, "notify/_list.html", _list_context(request, user))
        response["HX-Trigger"] = CHANGED
        return response
    return redirect("notify:inbox")


@login_required
def badge(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(request, "notify/_badge.html", {"inbox_unread_count": selectors.unread_count(user=user)})


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        for setting in selectors.channel_settings(user=user):
            wanted = f"channel_{setting.name}" in request.POST
            if not setting.always_on and wanted != setting.enabled:  # only what changed is written and audited
                services.channel_preference_set(actor=user, user=user, channel=setting.name, enabled=wanted)
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notify:preferences")
    return render(request, "notify/preferences.html", {"channels": selectors.channel_settings(user=user)})


def _apply_errors(form: UnitChannelForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _require_managing(user: User) -> None:
    """The robot and delivery pages are for those who manage a unit; anyone else is refused outright."""
    if not selectors.manages_any_unit(user):
        raise PermissionDenied


@login_required
def channel_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    _require_managing(user)
    rows = [
        {"channel": channel, "url": mask_url(channel.url), "secret": mask_secret(channel.secret)}
        for channel in selectors.unit_channel_list(user=user)
    ]
    return render(request, "notify/channels.html", {"rows": rows})


@login_required
def channel_create(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    _require_managing(user)
    form = UnitChannelForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.unit_channel_create(
                actor=user,
                unit=data["unit"],
                kind=data["kind"],
                label=data["label"],
                url=data["url"],
                secret=data["secret"],
                enabled=data["enabled"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The channel was saved."))
            return redirect("notify:channels")
    return render(request, "notify/channel_form.html", {"form": form})


@login_required
def channel_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        channel = selectors.unit_channel_get(user=user, public_id=public_id)
    except UnitChannel.DoesNotExist:
        raise Http404 from None
    initial = {"label": channel.label, "enabled": channel.enabled}
    form = UnitChannelForm(request.POST or None, user=user, channel=channel, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        secret = "" if data["clear_secret"] else (data["secret"] or None)
        try:
            services.unit_channel_update(
                actor=user,
                channel=channel,
                label=data["label"],
                url=data["url"] or None,
                secret=secret,
                enabled=data["enabled"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The channel was saved."))
            return redirect("notify:channels")
    reply_path = reverse("notify:sms_reply", args=[channel.public_id])
    context = {
        "form": form,
        "channel": channel,
        "url": mask_url(channel.url),
        "secret": mask_secret(channel.secret),
        "reply_address": (
            absolute_link(reply_path) if settings.ZHIBAN_BASE_URL else request.build_absolute_uri(reply_path)
        ),
    }
    return render(request, "notify/channel_form.html", context)


def _problem_row(message: OutboxMessage, labels: dict[str, Any]) -> dict[str, Any]:
    unit = services.message_unit(message)
    if message.robot is not None:
        to = message.robot.label
    else:
        person = getattr(message.recipient, "person", None)
        to = person.name if person is not None else message.recipient.get_username() if message.recipient else ""
    return {"message": message, "unit": unit, "to": to, "channel": labels.get(message.channel, message.channel)}


@login_required
def delivery_problems(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    _require_managing(user)
    asked = request.GET.get("state", "all")
    state: selectors.ProblemState = "failed" if asked == "failed" else "retrying" if asked == "retrying" else "all"
    page = Paginator(selectors.delivery_problem_list(user=user, state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    labels = {channel.name: channel.label for channel in registered_channels()}
    rows = [_problem_row(message, labels) for message in page.object_list]
    return render(request, "notify/delivery_problems.html", {"page": page, "rows": rows, "state": state})


@login_required
@require_POST
def delivery_retry(request: HttpRequest, public_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        message = selectors.delivery_problem_get(user=user, public_id=public_id)
    except OutboxMessage.DoesNotExist:
        raise Http404 from None
    try:
        services.outbox_message_retry(actor=user, message=message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The message will be sent again."))
    return redirect("notify:delivery_problems")


def _refused(reason: str, *args: object, status: int = 403) -> JsonResponse:
    logger.warning("SMS reply refused: " + reason, *args)
    return JsonResponse({"error": "refused" if status == 403 else "not accepted"}, status=status)


def _masked_phone(phone: object) -> str:
    digits = sms.normalise_phone(str(phone))
    return f"…{digits[-4:]}" if len(digits) > 4 else "…"


@csrf_exempt
@require_POST
def sms_reply(request: HttpRequest, public_id: str) -> HttpResponse:
    """A reply forwarded by an SMS gateway (see `zhiban/notify/sms.py` for the request). Signed, not signed in."""
    gateway = (
        UnitChannel.objects.filter(public_id=public_id, kind=UnitChannel.Kind.SMS_GATEWAY, enabled=True)
        .select_related("unit")
        .first()
    )
    if gateway is None:
        return _refused("no enabled SMS gateway %r", public_id[:40])
    try:
        sms.verify_reply(
            gateway,
            timestamp=request.headers.get(sms.TIMESTAMP_HEADER, ""),
            signature=request.headers.get(sms.SIGNATURE_HEADER, ""),
            body=request.body,
            now=clock.now(),
        )
    except sms.ReplyRefused as error:
        return _refused("gateway %s: %s", gateway.public_id, error)
    try:
        payload = json.loads(request.body)
        phone, text = payload["from"], payload["text"]
        if not isinstance(phone, str) or not isinstance(text, str) or not phone.strip():
            raise TypeError("from and text are strings")
        received_at = dt.datetime.fromisoformat(payload["received_at"]) if payload.get("received_at") else clock.now()
        if received_at.tzinfo is None:
            raise ValueError("received_at needs its UTC offset")
        external_id = str(payload.get("id") or "")
    except (ValueError, KeyError, TypeError) as error:
        return _refused("gateway %s sent a body that does not parse: %s", gateway.public_id, error, status=400)
    try:
        reply, new = services.sms_reply_receive(
            gateway=gateway, phone=phone, text=text, received_at=received_at, external_id=external_id
        )
    except services.UnknownSender:
        number = _masked_phone(phone)
        return _refused("gateway %s: no single person has the number %s", gateway.public_id, number, status=404)
    return JsonResponse({"reply": reply.public_id, "handled": bool(reply.handled_by), "duplicate": not new})
