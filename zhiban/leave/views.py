"""Leave pages: my requests, filing with live rule feedback, the detail with its approval chain, decisions,
cover chooser, certificate and 消假; substitution and compensatory-rest requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiban.accounts.models import User
from zhiban.approvals.lifecycle_http import Pages, decision
from zhiban.core import clock
from zhiban.core.refusals import attempt
from zhiban.leave import forms, kinds, selectors, services
from zhiban.leave.models import LeaveKind, LeaveRequest, RequestStatus
from zhiban.org.models import Person
from zhiban.roster import duties as roster_duties
from zhiban.roster.compensation import selectors as rest_selectors
from zhiban.roster.models import Post, RosterPeriod, ShiftType


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


LEAVE = Pages(kinds.LEAVE, rows=lambda user: selectors.leave_list(user=user), detail="leave:detail")
SUBSTITUTION = Pages(
    kinds.SUBSTITUTION,
    rows=lambda user: selectors.substitution_list(user=user),
    detail="leave:substitution_detail",
)
REST = Pages(kinds.REST, rows=lambda user: selectors.rest_request_list(user=user), detail="leave:rest_detail")


def _person_for(request: HttpRequest, public_id: str | None) -> Person:
    user = _user(request)
    if not public_id:
        me = selectors.active_person(user)
        if me is None:
            raise PermissionDenied
        return me
    try:
        return selectors.leave_person_get(user=user, public_id=public_id)
    except Person.DoesNotExist as error:
        raise Http404 from error


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """请假与调班: my requests, the ones I may see as a manager, and what waits on me."""
    user = _user(request)
    me = selectors.active_person(user)
    leave = list(selectors.leave_list(user=user)[:100])
    context = {
        "me": me,
        "mine": [r for r in leave if me is not None and r.person_id == me.pk],
        "others": [r for r in leave if me is None or r.person_id != me.pk],
        "substitutions": selectors.substitution_list(user=user)[:50],
        "rest_requests": selectors.rest_request_list(user=user)[:50],
        "waiting": selectors.waiting_on(user),
    }
    return render(request, "leave/home.html", context)


def _form_context(request: HttpRequest, data: Any, outcome: Any = None, facts: Any = None) -> dict[str, Any]:
    return {
        "kinds": LeaveKind.choices,
        "people": selectors.people_leave_filable(user=_user(request)),
        "data": data,
        "outcome": outcome,
        "facts": facts,
    }


@login_required
def leave_new(request: HttpRequest) -> HttpResponse:
    """填写请假单. POST files it; warnings need a reason (then the request goes ahead, recorded)."""
    user = _user(request)
    if selectors.active_person(user) is None:
        raise PermissionDenied
    if request.method != "POST":
        return render(request, "leave/leave_form.html", _form_context(request, request.GET))
    data = request.POST
    leave = attempt(
        request,
        lambda: services.leave_file(
            actor=user,
            person=_person_for(request, data.get("person")),
            reason=data.get("reason", ""),
            warning_reason=data.get("warning_reason", ""),
            **forms.leave_options(data),
        ),
        _("The leave request is filed."),
    )
    if leave is None:
        return render(request, "leave/leave_form.html", _form_context(request, data), status=422)
    return redirect("leave:detail", leave.public_id)


@login_required
@require_POST
def leave_preview(request: HttpRequest) -> HttpResponse:
    """htmx: what the rules say about the request as typed (refusals, warnings, notes, length, chain)."""
    data = request.POST
    context: dict[str, Any] = {"outcome": None, "error": ""}
    try:
        person = _person_for(request, data.get("person"))
        options = forms.leave_options(data)
        facts, outcome = services.leave_preview(actor=_user(request), person=person, **options)
        context.update(outcome=outcome, facts=facts)
    except ValidationError as error:
        context["error"] = "；".join(error.messages)
    return render(request, "leave/_preview.html", context)


def _duty_rows(leave: LeaveRequest, with_candidates: bool) -> list[dict[str, Any]]:
    covers = services.covers_by_duty(leave)
    rows = []
    for duty in services.current_duties(leave):
        key = (duty.period.pk, duty.day, duty.shift_type.pk, duty.post)
        rows.append(
            {
                "duty": duty,
                "cover": covers.get(key),
                "candidates": services.cover_candidates(leave, duty)[:10] if with_candidates else [],
            }
        )
    return rows


@login_required
def leave_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """The request, its approval chain, the duties it hits with their cover, and what the user may do."""
    leave = LEAVE.get(request, public_id)
    user = _user(request)
    me = selectors.active_person(user)
    pending = leave.status == RequestStatus.PENDING
    duties = services.current_duties(leave) if pending else []
    may_cover = any(selectors.may_choose_cover(user, leave, d.period) for d in duties)
    chain = LEAVE.chain(request, leave)
    label = f"{leave.person.name}{leave.get_kind_display()}"
    context = {
        "leave": leave,
        **chain,
        "overdue": services.overdue_notes(leave.unit, label, chain["steps"], clock.now()) if pending else [],
        "may_return": services.may_record_return(user, leave),
        "may_upload": leave.kind == LeaveKind.SICK
        and leave.status in services.CERTIFICATE_STATES
        and me is not None
        and kinds.person_filer_or_manager(user, me, leave),
        "may_cover": may_cover,
        "duties": _duty_rows(leave, with_candidates=may_cover),
        "covers": leave.covers.select_related("substitute", "shift_type").all(),
        "now": clock.now(),
    }
    context["sick_from"], context["sick_to"] = services.sick_days(leave)
    return render(request, "leave/leave_detail.html", context)


@login_required
@require_POST
def leave_decide(request: HttpRequest, public_id: str) -> HttpResponse:
    return LEAVE.act(
        request,
        public_id,
        lambda user, leave: services.leave_decide(actor=user, leave=leave, **decision(request)),
        _("Your decision is recorded."),
    )


@login_required
@require_POST
def leave_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    return LEAVE.act(
        request,
        public_id,
        lambda user, leave: services.leave_cancel(actor=user, leave=leave, reason=request.POST.get("reason", "")),
        _("The request is withdrawn."),
    )


@login_required
@require_POST
def leave_return(request: HttpRequest, public_id: str) -> HttpResponse:
    """消假: the person is back."""

    def back(user: User, leave: LeaveRequest) -> LeaveRequest:
        returned_at = forms.parse_moment(request.POST.get("returned_at"), "returned_at")
        assert returned_at is not None
        return services.leave_return(actor=user, leave=leave, returned_at=returned_at)

    return LEAVE.act(request, public_id, back, _("The leave is cancelled on return."))


@login_required
@require_POST
def cover_choose(request: HttpRequest, public_id: str) -> HttpResponse:
    """Choose the substitute of one duty from the ranked candidates."""
    data = request.POST

    def choose(user: User, leave: LeaveRequest) -> object:
        period = get_object_or_404(RosterPeriod, public_id=data.get("period", ""))
        shift_type = get_object_or_404(ShiftType, public_id=data.get("shift_type", ""), organisation=leave.organisation)
        substitute = get_object_or_404(Person, public_id=data.get("substitute", ""))
        return services.cover_choose(
            actor=user,
            leave=leave,
            period=period,
            day=forms.parse_day(data.get("day"), "day"),
            shift_type=shift_type,
            post=data.get("post", ""),
            substitute=substitute,
        )

    return LEAVE.act(request, public_id, choose, _("The substitute is chosen."))


@login_required
@require_POST
def certificate_upload(request: HttpRequest, public_id: str) -> HttpResponse:
    upload = request.FILES.get("certificate")
    data = request.POST

    def hand_in(user: User, leave: LeaveRequest) -> object:
        if upload is None:
            raise ValidationError({"certificate": _("Choose a file.")})
        return services.certificate_upload(
            actor=user,
            leave=leave,
            certificate=upload,
            covers_from=forms.parse_day(data.get("certificate_from"), "certificate_from")
            if data.get("certificate_from")
            else None,
            covers_to=forms.parse_day(data.get("certificate_to"), "certificate_to")
            if data.get("certificate_to")
            else None,
        )

    return LEAVE.act(request, public_id, hand_in, _("The certificate is handed in."))


@login_required
def certificate_download(request: HttpRequest, public_id: str) -> HttpResponse:
    """The certificate, for whoever may see the request."""
    leave = LEAVE.get(request, public_id)
    if not leave.certificate:
        raise Http404
    extension = (leave.certificate.name or "").rsplit(".", 1)[-1].lower()
    content_type = {"pdf": "application/pdf", "png": "image/png"}.get(extension, "image/jpeg")
    with leave.certificate.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="certificate-{leave.public_id}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ── substitution ─────────────────────────────────────────────────────────────


def _my_duties(person: Person) -> list[roster_duties.Duty]:
    today = clock.today()
    return roster_duties.duties_of(person, today, today + dt.timedelta(days=62))


@login_required
def substitution_new(request: HttpRequest) -> HttpResponse:
    """顶替: pick one of my published duties, then a substitute from the ranked candidates."""
    user = _user(request)
    me = selectors.active_person(user)
    if me is None:
        raise PermissionDenied
    duties = _my_duties(me)
    chosen = None
    key = request.GET.get("duty") or request.POST.get("duty")
    for duty in duties:
        if key == f"{duty.period.public_id}|{duty.day.isoformat()}|{duty.shift_type.public_id}|{duty.post}":
            chosen = duty
    if request.method == "POST" and chosen is not None:
        duty = chosen
        substitute = get_object_or_404(
            Person, public_id=request.POST.get("substitute", ""), organisation_id=me.organisation_id
        )
        row = attempt(
            request,
            lambda: services.substitution_file(
                actor=user,
                person=me,
                period=duty.period,
                day=duty.day,
                shift_type=duty.shift_type,
                post=duty.post,
                substitute=substitute,
                reason=request.POST.get("reason", ""),
            ),
            _("The substitution is asked for."),
        )
        if row is not None:
            return redirect("leave:substitution_detail", row.public_id)
    candidates = (
        roster_duties.cover_candidates(
            period=chosen.period, day=chosen.day, shift_type=chosen.shift_type, post=chosen.post, exclude=[me]
        )
        if chosen
        else []
    )
    context = {"duties": duties, "chosen": chosen, "key": key, "candidates": candidates, "posts": dict(Post.choices)}
    return render(request, "leave/substitution_form.html", context)


@login_required
def substitution_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    row = SUBSTITUTION.get(request, public_id)
    context = {"row": row, **SUBSTITUTION.chain(request, row), "post": Post(row.post).label}
    return render(request, "leave/substitution_detail.html", context)


@login_required
@require_POST
def substitution_decide(request: HttpRequest, public_id: str) -> HttpResponse:
    return SUBSTITUTION.act(
        request,
        public_id,
        lambda user, row: services.substitution_decide(actor=user, substitution=row, **decision(request)),
        _("Your decision is recorded."),
    )


@login_required
@require_POST
def substitution_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    return SUBSTITUTION.act(
        request,
        public_id,
        lambda user, row: services.substitution_cancel(actor=user, substitution=row),
        _("The request is withdrawn."),
    )


# ── compensatory rest ────────────────────────────────────────────────────────


@login_required
def rest_new(request: HttpRequest) -> HttpResponse:
    """补休申请 against my open credits."""
    user = _user(request)
    me = selectors.active_person(user)
    if me is None:
        raise PermissionDenied
    if request.method == "POST":
        row = attempt(
            request,
            lambda: services.rest_request_file(
                actor=user,
                person=me,
                day=forms.parse_day(request.POST.get("day"), "day"),
                days=request.POST.get("days", ""),
                note=request.POST.get("note", ""),
            ),
            _("The rest request is filed."),
        )
        if row is not None:
            return redirect("leave:rest_detail", row.public_id)
    context = {"open": rest_selectors.open_balance(me), "today": clock.today()}
    return render(request, "leave/rest_form.html", context)


@login_required
def rest_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    row = REST.get(request, public_id)
    notes = services.rest_notes(row.person, row.day) if row.status == RequestStatus.PENDING else []
    context = {"row": row, **REST.chain(request, row), "notes": notes}
    return render(request, "leave/rest_detail.html", context)


@login_required
@require_POST
def rest_decide(request: HttpRequest, public_id: str) -> HttpResponse:
    return REST.act(
        request,
        public_id,
        lambda user, row: services.rest_request_decide(actor=user, request=row, **decision(request, warnings=False)),
        _("Your decision is recorded."),
    )


@login_required
@require_POST
def rest_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    return REST.act(
        request,
        public_id,
        lambda user, row: services.rest_request_cancel(actor=user, request=row),
        _("The request is withdrawn."),
    )
