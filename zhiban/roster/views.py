"""Roster pages: periods, the month table with per-cell editing (htmx), publishing, versions and diff,
the duty board (值日牌) and its kiosk mode. Thin: parse, call a selector or a service."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiban.accounts.models import User
from zhiban.core import clock
from zhiban.org.models import Unit
from zhiban.org.scopes import unit_scope
from zhiban.roster import rest_period_cover, rotation, selectors, services
from zhiban.roster.forms import CellForm, KioskTokenForm, PeriodOpenForm, PublishForm
from zhiban.roster.models import Post, RosterPeriod, RosterVersion, ShiftType
from zhiban.roster.tables import period_rows


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _period_or_404(user: User, public_id: str) -> RosterPeriod:
    try:
        return selectors.period_get(user=user, public_id=public_id)
    except RosterPeriod.DoesNotExist as error:
        raise Http404 from error


def _scheduler_period_or_404(user: User, public_id: str) -> RosterPeriod:
    period = _period_or_404(user, public_id)
    if not selectors.can_schedule(user, period.unit):
        raise Http404
    return period


def _error_text(error: ValidationError) -> str:
    return "; ".join(error.messages)


# ------------------------------------------------------------------------------------ duty board


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """值日牌 — who is on duty now, today and tomorrow in the units the user can see; refreshes itself."""
    data = selectors.board(units=selectors.board_units(user=_user(request)))
    context = {"board": data, "refresh_url": reverse("board:board"), "now": clock.local_now()}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "roster/_board.html", context)
    return render(request, "roster/board.html", context)


def kiosk(request: HttpRequest, token: str) -> HttpResponse:
    """The board of one unit on a wall screen, opened by a revocable token; no session."""
    found = selectors.kiosk_token_lookup(token)
    if found is None:
        raise Http404
    data = selectors.board(units=selectors.kiosk_units(found))
    context = {"board": data, "refresh_url": request.path, "now": clock.local_now(), "kiosk": found}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "roster/_board.html", context)
    return render(request, "roster/kiosk.html", context)


@login_required
def kiosk_tokens(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    units = selectors.schedulable_units(user=user)
    if not units:
        raise Http404
    form = KioskTokenForm(request.POST or None, units=units)
    secret_url = ""
    if request.method == "POST" and form.is_valid():
        unit = next(u for u in units if u.public_id == form.cleaned_data["unit"])
        try:
            _, secret = services.kiosk_token_create(actor=user, unit=unit, label=form.cleaned_data["label"])
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            secret_url = request.build_absolute_uri(reverse("board:kiosk", args=[secret]))
    context = {"form": form, "tokens": selectors.kiosk_tokens(user=user), "secret_url": secret_url}
    return render(request, "roster/kiosk_tokens.html", context)


@login_required
@require_POST
def kiosk_token_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    token = next((t for t in selectors.kiosk_tokens(user=user) if t.public_id == public_id), None)
    if token is None:
        raise Http404
    try:
        services.kiosk_token_revoke(actor=user, token=token)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("roster:kiosk_tokens")


# ------------------------------------------------------------------------------------ periods


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    units = selectors.schedulable_units(user=user)
    form = PeriodOpenForm(request.POST or None, units=units)
    if request.method == "POST":
        if not units:
            raise PermissionDenied
        if form.is_valid():
            unit = next(u for u in units if u.public_id == form.cleaned_data["unit"])
            try:
                period = services.period_open(
                    actor=user, unit=unit, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                return redirect("roster:period_detail", period.public_id)
    organisations = [u for u in units if u.kind == Unit.Kind.ORGANISATION and selectors.can_setup(user, u)]
    context = {
        "periods": selectors.period_list(user=user),
        "form": form if units else None,
        "setup_organisations": organisations,
    }
    return render(request, "roster/period_list.html", context)


@login_required
@require_POST
def setup(request: HttpRequest, unit_id: str) -> HttpResponse:
    user = _user(request)
    unit = Unit.objects.filter(unit_scope(user, "manage").q("path"), public_id=unit_id).first()
    if unit is None or not selectors.can_setup(user, unit):
        raise Http404
    try:
        shifts = services.roster_setup_from_pack(actor=user, organisation=unit)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("%(count)d shift types set up from the pack.") % {"count": len(shifts)})
    return redirect("roster:period_list")


@login_required
def period_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    period = _period_or_404(user, public_id)
    scheduler = selectors.can_schedule(user, period.unit)
    version = selectors.shown_version(user=user, period=period)
    rows = period_rows(period, version)
    context = {
        "period": period,
        "version": version,
        "rows": rows,
        "gaps": sum(row.gaps for row in rows),
        "scheduler": scheduler,
        "publish_form": PublishForm(),
        "late": clock.now() > period.publish_deadline,
        "rotation_warnings": rotation.check(period, version).warnings if scheduler and version else (),
        # CAL-02: holiday and weekend duty periods held from start to end
        "cover_warnings": rest_period_cover.check(period, version).warnings if scheduler and version else (),
    }
    return render(request, "roster/period_detail.html", context)


def _cell_args(request: HttpRequest, period: RosterPeriod) -> tuple[dt.date, ShiftType, str]:
    data = request.POST if request.method == "POST" else request.GET
    try:
        day = dt.date.fromisoformat(data.get("date", ""))
    except ValueError:
        raise Http404 from None
    shift = next((s for s in selectors.shift_types_for(period.unit) if s.public_id == data.get("shift")), None)
    post = data.get("post", "")
    if shift is None or post not in Post.values:
        raise Http404
    return day, shift, post


@login_required
def cell_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    """The edit form of one cell (date · shift · post): the draft, or a correction once published."""
    user = _user(request)
    period = _scheduler_period_or_404(user, public_id)
    day, shift, post = _cell_args(request, period)
    draft = selectors.draft_of(period)
    correcting = services.corrects_published(period, draft)  # the form asks a reason; the service decides again
    current = selectors.assignments_of(draft or period.published_version).filter(date=day, shift_type=shift, post=post)
    # Everyone of the organisation is offered: a wrong pick is refused with the rule that forbids it.
    people = selectors.eligible_people(period.unit, Post.DUTY_OFFICER)
    form = CellForm(
        request.POST or None,
        people=people,
        published=correcting,
        initial={"people": [a.person.public_id for a in current]},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["people"])
        try:
            services.cell_change(
                actor=user,
                period=period,
                day=day,
                shift_type=shift,
                post=post,
                people=chosen,
                pinned=form.cleaned_data.get("pinned", False),
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
            status = 422
        else:
            target = reverse("roster:period_detail", args=[period.public_id])
            if request.htmx:  # type: ignore[attr-defined]
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
    elif request.method == "POST":
        status = 422
    context = {
        "period": period,
        "form": form,
        "day": day,
        "shift": shift,
        "post": Post(post),
        "correcting": correcting,
    }
    if request.htmx:  # type: ignore[attr-defined]
        # htmx swaps only 2xx responses: the refused form comes back as 200 with its errors.
        return render(request, "roster/_cell_form.html", context)
    return render(request, "roster/cell_edit.html", context, status=status)


@login_required
@require_POST
def period_publish(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    period = _scheduler_period_or_404(user, public_id)
    form = PublishForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        version = services.period_publish(actor=user, period=period, note=note)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Published as version %(number)d.") % {"number": version.number})
    return redirect("roster:period_detail", period.public_id)


@login_required
def version_list(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    period = _period_or_404(user, public_id)
    versions = selectors.version_list(user=user, period=period).filter(published_at__isnull=False)
    return render(request, "roster/version_list.html", {"period": period, "versions": versions})


@login_required
def version_diff(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    period = _period_or_404(user, public_id)
    try:
        older_number, newer_number = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
        if not (0 < older_number < 2**31 and 0 < newer_number < 2**31):
            raise ValueError("a version number")
        older = selectors.version_get(user=user, period=period, number=older_number)
        newer = selectors.version_get(user=user, period=period, number=newer_number)
    except (ValueError, RosterVersion.DoesNotExist) as error:
        raise Http404 from error
    if older.is_draft or newer.is_draft:
        raise Http404
    changes = selectors.version_diff(older, newer)
    context = {"period": period, "older": older, "newer": newer, "changes": changes}
    return render(request, "roster/version_diff.html", context)
