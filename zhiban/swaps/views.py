"""Swap pages: thin views over the selectors and services (refusals shown with their rule citations)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiban.accounts.models import User
from zhiban.approvals import selectors as approval_selectors
from zhiban.core import downloads, refusals
from zhiban.core.query import requested_month
from zhiban.discipline import selectors as discipline_selectors
from zhiban.org.scopes import organisation_of
from zhiban.roster.services import month_bounds
from zhiban.swaps import checks, selectors, services, xlsx
from zhiban.swaps.models import SwapRequest


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _swap(request: HttpRequest, public_id: str) -> SwapRequest:
    try:
        return selectors.swap_get(user=_user(request), public_id=public_id)
    except SwapRequest.DoesNotExist as error:
        raise Http404 from error


@login_required
def my_swaps(request: HttpRequest) -> HttpResponse:
    """我的换班: requests I made or was asked, my return debts, my published duties to offer."""
    user = _user(request)
    person = selectors.acting_person(user)
    rows = (
        selectors.swap_list(user=user).filter(
            pk__in=SwapRequest.objects.filter(requester=person)
            .values("pk")
            .union(SwapRequest.objects.filter(colleague=person).values("pk"))
        )
        if person is not None
        else SwapRequest.objects.none()
    )
    context = {
        "person": person,
        "swaps": rows.order_by("-created_at")[:100],
        "debts": selectors.debt_list(user=user).filter(status="open").order_by("return_day", "id")[:50],
        "board_count": len(selectors.open_board(user=user)),
    }
    return render(request, "swaps/mine.html", context)


@login_required
def swap_new(request: HttpRequest) -> HttpResponse:
    """Ask a colleague (or everyone eligible: an open request) to take one of my published duties."""
    user = _user(request)
    person = selectors.acting_person(user)
    if person is None:
        raise PermissionDenied
    if request.method == "POST":
        try:
            colleague_id = request.POST.get("colleague", "")
            colleague = selectors.colleague_get(person, colleague_id) if colleague_id else None
            swap = services.swap_request(
                actor=user,
                duty=request.POST.get("duty", ""),
                colleague=colleague,
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as error:
            refusals.show(request, error)
        else:
            messages.success(request, _("The swap request is sent."))
            return redirect("swaps:detail", swap.public_id)
    duties = [(selectors.duty_token(d), d) for d in selectors.my_duties(person)]
    context = {"duties": duties, "colleagues": selectors.colleagues(person), "posted": request.POST}
    return render(request, "swaps/new.html", context)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """Open requests of my organisation I may take (SWAP-04 decides who sees them)."""
    return render(request, "swaps/board.html", {"swaps": selectors.open_board(user=_user(request))})


@login_required
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    swap = _swap(request, public_id)
    user = _user(request)
    person = selectors.acting_person(user)
    can_accept = selectors.can_accept(user, swap)
    context = {
        "swap": swap,
        "shift": checks.swapped_shift(swap),
        "back": checks.return_shift(swap),
        "steps": approval_selectors.steps_of(selectors.SUBJECT, swap.pk),
        "can_accept": can_accept,
        "my_duties": [(selectors.duty_token(d), d) for d in selectors.my_duties(person)]
        if can_accept and person is not None and swap.return_for_id is None
        else [],
        "can_decline": selectors.can_decline(user, swap),
        "can_withdraw": selectors.can_withdraw(user, swap),
        "can_decide": bool(selectors.decidable_steps(user, swap)),
        "can_judge": selectors.can_judge(user, swap),
        "absences": discipline_selectors.absence_list(user=user).filter(
            subject_type=selectors.SUBJECT, subject_id=swap.pk
        ),
    }
    return render(request, "swaps/detail.html", context)


def _act(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    swap = _swap(request, public_id)
    user = _user(request)
    post = request.POST
    try:
        if action == "accept":
            services.swap_accept(actor=user, swap=swap, return_duty=post.get("return_duty", ""))
            messages.success(request, _("Accepted: the swap now waits for both team leads."))
        elif action == "decline":
            services.swap_decline(actor=user, swap=swap, reason=post.get("reason", ""))
        elif action == "withdraw":
            services.swap_withdraw(actor=user, swap=swap)
        elif action == "decide":
            services.swap_decide(
                actor=user, swap=swap, approve=post.get("approve") == "yes", comment=post.get("comment", "")
            )
        elif action == "judge":
            services.swap_responsibility_judge(
                actor=user,
                swap=swap,
                which=post.get("which", ""),
                requester_share=post.get("requester_share", ""),
                colleague_share=post.get("colleague_share", ""),
                note=post.get("note", ""),
            )
            messages.success(request, _("The judgement is recorded as absence for both."))
    except ValidationError as error:
        refusals.show(request, error)
    return redirect("swaps:detail", swap.public_id)


@login_required
@require_POST
def accept(request: HttpRequest, public_id: str) -> HttpResponse:
    return _act(request, public_id, "accept")


@login_required
@require_POST
def decline(request: HttpRequest, public_id: str) -> HttpResponse:
    return _act(request, public_id, "decline")


@login_required
@require_POST
def withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    return _act(request, public_id, "withdraw")


@login_required
@require_POST
def decide(request: HttpRequest, public_id: str) -> HttpResponse:
    return _act(request, public_id, "decide")


@login_required
@require_POST
def judge(request: HttpRequest, public_id: str) -> HttpResponse:
    return _act(request, public_id, "judge")


@login_required
def debts(request: HttpRequest) -> HttpResponse:
    """还班 debts I owe or am owed, and those of the people I manage (SWAP-08)."""
    rows = selectors.debt_list(user=_user(request)).order_by("status", "return_day", "id")[:200]
    return render(request, "swaps/debts.html", {"debts": rows})


def _register(request: HttpRequest) -> tuple[dt.date, list[SwapRequest], dict[int, list[object]]]:
    month = requested_month(request)
    first, last = month_bounds(month.year, month.month)
    swaps = selectors.register(user=_user(request), first=first, last=last)
    steps = {s.pk: approval_selectors.steps_of(selectors.SUBJECT, s.pk) for s in swaps}
    return month, swaps, steps  # type: ignore[return-value]


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """换班登记表 (SWAP-01) of a month: both people, both shifts, the team leads' decisions."""
    month, swaps, steps = _register(request)
    before = (month - dt.timedelta(days=1)).replace(day=1)
    after = (month + dt.timedelta(days=32)).replace(day=1)
    rows = [(s, checks.swapped_shift(s), checks.return_shift(s), steps[s.pk]) for s in swaps]
    context = {"month": month, "rows": rows, "before": f"{before:%Y-%m}", "after": f"{after:%Y-%m}"}
    return render(request, "swaps/register.html", context)


@login_required
def register_xlsx(request: HttpRequest) -> HttpResponse:
    month, swaps, steps = _register(request)
    person = selectors.acting_person(_user(request))
    name = organisation_of(person.unit).name if person is not None else ""
    content = xlsx.workbook_bytes(name, month, swaps, steps)  # type: ignore[arg-type]
    response = HttpResponse(content, content_type=xlsx.XLSX_TYPE)
    response["Content-Disposition"] = downloads.disposition(
        downloads.file_name(f"{name}换班登记", f"{month.year}年{month.month}月", extension="xlsx")
    )
    return response
