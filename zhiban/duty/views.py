"""Pages of the duty: thin views over the selectors and services. The shift page holds the whole duty, phone first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiban.accounts.models import User
from zhiban.core import clock, downloads, refusals
from zhiban.discipline.models import DisciplineRecord
from zhiban.duty import exports, incidents, search, selectors, services, shifts
from zhiban.duty.models import (
    DailyReport,
    DutyMerit,
    DutyShift,
    EscalationStep,
    FollowUp,
    Handover,
    Incident,
    KeyLoan,
    LogEntry,
    PostAbsence,
    ShiftReport,
    SpotCheck,
)
from zhiban.duty.policy import params as rule_params
from zhiban.org.models import Person, Unit
from zhiban.org.scopes import active_person, restrict_people, restrict_units
from zhiban.policy.rules import ops_03, ops_04, ops_10, ops_12
from zhiban.roster.models import Post

PAGE = 100


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _back(shift: DutyShift) -> HttpResponse:
    return redirect("duty:shift", public_id=shift.public_id)


def _run(request: HttpRequest, action: Callable[[], Any], success: str) -> Any:
    return refusals.attempt(request, action, success)


def _moment(value: str, field: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError({field: _("enter a time like 2026-12-15 14:30")}) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=clock.local_tz())


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """我的值班: the shift I am on now (opened directly when there is one), my next duty, and for managers today's
    shifts of their units."""
    user = _user(request)
    person = active_person(user)
    current = shifts.current_for(person) if person is not None else []
    if len(current) == 1 and request.GET.get("all") is None:
        return _back(current[0].shift)
    today = clock.today()
    managed = list(restrict_units(Unit.objects.all(), user, "manage"))
    for unit in managed[:20]:
        shifts.prepare(today, today, unit=unit)
    todays = (
        selectors.shift_list(user=user)
        .filter(date__gte=today - dt.timedelta(days=1), date__lte=today)
        .order_by("starts_at")[:PAGE]
        if managed
        else []
    )
    context = {
        "current": current,
        "next": shifts.next_for(person) if person is not None else None,
        "todays": todays,
        "pending_reports": selectors.report_list(user=user).filter(reviewed_at__isnull=True)[:20] if managed else [],
    }
    return render(request, "duty/home.html", context)


def _shift_context(user: User, shift: DutyShift) -> dict[str, Any]:
    me = selectors.attendance_of(user, shift)
    manager = selectors.can_manage(user, shift.unit)
    leader = selectors.is_leader_of(user, shift)
    crew = shifts.crew(shift)
    checklist_params = rule_params(shift.unit, ops_12.RULE_ID)
    checklist = getattr(shift, "checklist", None) if hasattr(shift, "checklist") else None
    handover = Handover.objects.filter(shift=shift).first()
    received = Handover.objects.filter(incoming=shift).select_related("shift__shift_type").first()
    incident_params = rule_params(shift.unit, ops_04.RULE_ID)
    driver_params = rule_params(shift.unit, ops_10.RULE_ID)
    person = active_person(user)
    entries = list(
        shift.log_entries.select_related("recorded_by__person", "amends").order_by("-occurred_at", "-id")[:PAGE]
    )
    return {
        "shift": shift,
        "me": me,
        "manager": manager,
        "leader": leader,
        "on_shift": me is not None,
        "checked_in": me is not None and me.checked_in_at is not None,
        "crew": [(Post(post).label, rows) for post, rows in crew.items() if rows],
        "people": [a for rows in crew.values() for a in rows],
        "entries": entries,
        "kinds": list(ops_03.KINDS.values()),
        "levels": ops_04.levels(incident_params) if incident_params else (),
        "incidents": shift.incidents.order_by("-raised_at"),
        "my_checks": shift.spot_checks.filter(person=person, answered_at__isnull=True, present__isnull=True)
        if person is not None
        else [],
        "checks": shift.spot_checks.select_related("person").order_by("-issued_at")[:20],
        "checklist_items": [
            (
                item,
                (checklist.answers.get(item) if checklist else None),
                (checklist.notes.get(item, "") if checklist else ""),
            )
            for item in (ops_12.items(checklist_params) if checklist_params else ())
        ],
        "checklist": checklist,
        "handover": handover,
        "received": received,
        "carried": services.carried_issues(shift),
        "incoming": shifts.incoming_of(shift),
        "follow_ups": FollowUp.objects.filter(entry__shift=shift, done_at__isnull=True).select_related("entry"),
        "driver_line": ops_10.board_line(driver_params) if driver_params else "",
        "keys": KeyLoan.objects.filter(shift=shift).select_related("holder"),
        "key_rule": rule_params(shift.unit, "OPS-09") is not None,
        "report": ShiftReport.objects.filter(shift=shift).first(),
        "report_rule": rule_params(shift.unit, "OPS-07") is not None,
        "absences": shift.absences.select_related("person"),
        "now": clock.local_now(),
    }


@login_required
def shift(request: HttpRequest, public_id: str) -> HttpResponse:
    """The whole shift on one page: check in, log, incidents, spot checks, checklist, handover, close."""
    user = _user(request)
    found = selectors.shift_get(user=user, public_id=public_id)
    return render(request, "duty/shift.html", _shift_context(user, found))


def _shift_action(action: Callable[[User, DutyShift, HttpRequest], Any], success: str) -> Callable[..., HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, public_id: str) -> HttpResponse:
        user = _user(request)
        found = selectors.shift_get(user=user, public_id=public_id)
        try:
            _run(request, lambda: action(user, found, request), success)
        except ValidationError as error:  # raised while reading the form
            refusals.show(request, error)
        return _back(found)

    return view


def _person_on(shift: DutyShift, public_id: str) -> Person:
    attendance = shift.attendances.filter(person__public_id=public_id).select_related("person").first()
    if attendance is None:
        raise ValidationError({"person": _("choose someone on this shift")})
    return attendance.person


def _log_fields(request: HttpRequest, kind: str) -> dict[str, str]:
    if kind not in ops_03.KINDS:
        raise ValidationError({"kind": _("choose what to log")})
    return {f.name: request.POST.get(f"{kind}-{f.name}", "") for f in ops_03.KINDS[kind].fields}


check_in = _shift_action(lambda u, s, r: services.check_in(actor=u, shift=s), _("Checked in."))
log_write = _shift_action(
    lambda u, s, r: services.log_write(
        actor=u,
        shift=s,
        kind=r.POST.get("kind", ""),
        fields=_log_fields(r, r.POST.get("kind", "")),
        occurred_at=_moment(r.POST.get("occurred_at", ""), "occurred_at"),
        urgent=r.POST.get("urgent") == "on",
    ),
    _("Logged."),
)
incident_raise = _shift_action(
    lambda u, s, r: incidents.incident_raise(
        actor=u,
        shift=s,
        title=r.POST.get("title", ""),
        level=r.POST.get("level", ""),
        place=r.POST.get("place", ""),
        description=r.POST.get("description", ""),
    ),
    _("The incident is logged; its clock runs."),
)
checklist_fill = _shift_action(
    lambda u, s, r: services.checklist_fill(
        actor=u,
        shift=s,
        answers={
            item: r.POST.get(f"item-{i}") == "ok"
            for i, item in enumerate(ops_12.items(rule_params(s.unit, ops_12.RULE_ID) or {"items": []}))
            if r.POST.get(f"item-{i}") in ("ok", "fault")
        },
        notes={
            item: r.POST.get(f"note-{i}", "")
            for i, item in enumerate(ops_12.items(rule_params(s.unit, ops_12.RULE_ID) or {"items": []}))
        },
    ),
    _("Checklist saved."),
)
handover_write = _shift_action(
    lambda u, s, r: services.handover_write(
        actor=u,
        shift=s,
        equipment=r.POST.get("equipment", ""),
        open_issues=r.POST.get("open_issues", "").splitlines(),
        staffing=r.POST.get("staffing", ""),
    ),
    _("Handover written; the incoming officer is asked to accept it."),
)
shift_close = _shift_action(lambda u, s, r: services.shift_close(actor=u, shift=s), _("The duty is closed."))
report_submit = _shift_action(
    lambda u, s, r: services.report_submit(actor=u, shift=s, remarks=r.POST.get("remarks", "")),
    _("The shift report is submitted to the supervisor."),
)
spot_check_issue = _shift_action(
    lambda u, s, r: services.spot_check_issue(
        actor=u,
        shift=s,
        person=_person_on(s, r.POST.get("person", "")),
        method=r.POST.get("method", SpotCheck.Method.CHALLENGE),
        present={"yes": True, "no": False}.get(r.POST.get("present", "")),
        note=r.POST.get("note", ""),
    ),
    _("Spot check recorded."),
)
spot_check_schedule = _shift_action(
    lambda u, s, r: services.spot_check_schedule(
        actor=u,
        shift=s,
        at=_moment(r.POST.get("at", ""), "at") or clock.now(),
        person=_person_on(s, r.POST["person"]) if r.POST.get("person") else None,
    ),
    _("The spot check is scheduled."),
)
absence_report = _shift_action(
    lambda u, s, r: services.absence_report(
        actor=u,
        shift=s,
        person=_person_on(s, r.POST.get("person", "")),
        left_at=_moment(r.POST.get("left_at", ""), "left_at") or clock.now(),
        returned_at=_moment(r.POST.get("returned_at", ""), "returned_at"),
        permitted=r.POST.get("permitted") == "on",
        note=r.POST.get("note", ""),
    ),
    _("Absence from the post recorded."),
)
key_issue = _shift_action(
    lambda u, s, r: services.key_issue(actor=u, shift=s, holder=_person_on(s, r.POST.get("holder", ""))),
    _("Key issued."),
)


@login_required
@require_POST
def handover_accept(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    found = selectors.shift_get(user=user, public_id=public_id)
    handover = Handover.objects.filter(incoming=found).first()
    if handover is None:
        raise Http404("no handover to accept")
    _run(request, lambda: services.handover_accept(actor=user, handover=handover), _("Handover accepted."))
    return _back(found)


@login_required
@require_POST
def spot_check_answer(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    check = selectors.spot_check_get(user=user, public_id=public_id)
    _run(request, lambda: services.spot_check_answer(actor=user, check=check), _("Presence confirmed."))
    return _back(check.shift)


@login_required
@require_POST
def key_return(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    loan = KeyLoan.objects.select_related("shift").filter(public_id=public_id).first()
    if loan is None or not selectors.can_manage(user, loan.shift.unit):
        raise Http404("no such key loan")
    _run(request, lambda: services.key_return(actor=user, loan=loan), _("Key returned."))
    return _back(loan.shift)


@login_required
@require_POST
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    follow_up = FollowUp.objects.select_related("entry__shift").filter(pk=pk).first()
    if follow_up is None or not selectors.log_list(user=user).filter(pk=follow_up.entry_id).exists():
        raise Http404("no such task")
    _run(
        request,
        lambda: services.follow_up_done(actor=user, follow_up=follow_up, handed_to=request.POST.get("handed_to", "")),
        _("Done."),
    )
    return _back(follow_up.entry.shift)


@login_required
def log_entry(request: HttpRequest, public_id: str) -> HttpResponse:
    """One entry with its corrections; the people of the shift (or a manager) correct it here."""
    user = _user(request)
    entry = (
        selectors.log_list(user=user)
        .select_related("shift__unit", "shift__shift_type")
        .filter(public_id=public_id)
        .first()
    )
    if entry is None:
        raise Http404("no such entry")
    if request.method == "POST":
        fields = {f.name: request.POST.get(f.name, "") for f in ops_03.KINDS[entry.kind].fields}
        amended = _run(
            request,
            lambda: services.log_amend(actor=user, entry=entry, fields=fields, reason=request.POST.get("reason", "")),
            _("Correction saved; the original stays in the log."),
        )
        if amended is not None:
            return redirect("duty:log_entry", public_id=amended.public_id)
    original = entry.amends or entry
    return render(
        request,
        "duty/log_entry.html",
        {
            "entry": entry,
            "kind": ops_03.KINDS.get(entry.kind),
            "original": original,
            "corrections": LogEntry.objects.filter(amends=original).order_by("recorded_at"),
            "may_correct": selectors.attendance_of(user, entry.shift) is not None
            or selectors.can_manage(user, entry.shift.unit),
        },
    )


def _log_filtered(request: HttpRequest) -> tuple[Any, dict[str, Any]]:
    user = _user(request)
    entries = selectors.log_list(user=user)
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if query:
        entries = search.search(entries, query)
    if kind in ops_03.KINDS:
        entries = entries.filter(kind=kind)
    for name, lookup in (("from", "occurred_at__date__gte"), ("to", "occurred_at__date__lte")):
        try:
            if request.GET.get(name):
                entries = entries.filter(**{lookup: dt.date.fromisoformat(request.GET[name])})
        except ValueError:
            messages.error(request, _("%(field)s: enter a date like 2026-12-15") % {"field": name})
    entries = entries.select_related("shift__unit", "shift__shift_type", "recorded_by__person").order_by(
        "-occurred_at", "-id"
    )
    return entries, {"q": query, "kind": kind, "from": request.GET.get("from", ""), "to": request.GET.get("to", "")}


@login_required
def log(request: HttpRequest) -> HttpResponse:
    """值班记录: the whole log I may read, searched in Chinese, filtered by kind and dates."""
    entries, filters = _log_filtered(request)
    return render(
        request, "duty/log.html", {"entries": entries[:PAGE], "filters": filters, "kinds": list(ops_03.KINDS.values())}
    )


@login_required
def log_xlsx(request: HttpRequest) -> HttpResponse:
    entries, _filters = _log_filtered(request)
    response = HttpResponse(exports.log_xlsx(entries[:50_000]), content_type=exports.XLSX)
    response["Content-Disposition"] = downloads.disposition(
        downloads.file_name("值班记录", clock.today().isoformat(), extension="xlsx")
    )
    return response


def _incidents_filtered(request: HttpRequest) -> tuple[Any, dict[str, Any]]:
    rows = selectors.incident_list(user=_user(request))
    level = request.GET.get("level", "")
    report = request.GET.get("report", "")
    if level:
        rows = rows.filter(level=level)
    if report in Incident.Report.values:
        rows = rows.filter(report=report)
    return rows.order_by("-raised_at"), {"level": level, "report": report}


@login_required
def incident_register(request: HttpRequest) -> HttpResponse:
    rows, filters = _incidents_filtered(request)
    return render(
        request,
        "duty/incidents.html",
        {"incidents": rows[:PAGE], "filters": filters, "reports": Incident.Report.choices},
    )


@login_required
def incident_xlsx(request: HttpRequest) -> HttpResponse:
    rows, _filters = _incidents_filtered(request)
    response = HttpResponse(exports.incident_xlsx(rows[:50_000]), content_type=exports.XLSX)
    response["Content-Disposition"] = downloads.disposition(
        downloads.file_name("事件登记", clock.today().isoformat(), extension="xlsx")
    )
    return response


@login_required
def incident(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    found = selectors.incident_get(user=user, public_id=public_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "acknowledge":
            _run(request, lambda: incidents.incident_acknowledge(actor=user, incident=found), _("Acknowledged."))
        elif action == "conceal":
            _run(
                request,
                lambda: incidents.incident_conceal(actor=user, incident=found, note=request.POST.get("note", "")),
                _("Recorded as concealed."),
            )
        else:
            _run(
                request,
                lambda: incidents.incident_step(
                    actor=user, incident=found, step=action, text=request.POST.get("text", "")
                ),
                _("Step recorded."),
            )
        return redirect("duty:incident", public_id=found.public_id)
    steps = [(code, label, getattr(found, incidents.STEP_FIELDS[code])) for code, label, _en in ops_04.STEPS]
    next_step = next((code for code, _label, at in steps if at is None), None)
    return render(
        request,
        "duty/incident.html",
        {
            "incident": found,
            "steps": steps,
            "next_step": next_step,
            "events": found.events.select_related("actor__person"),
            "may_act": selectors.attendance_of(user, found.shift) is not None or selectors.can_manage(user, found.unit),
            "manager": selectors.can_manage(user, found.unit),
            "overdue": found.report_due_at is not None
            and found.reported_upward_at is None
            and clock.now() >= found.report_due_at,
        },
    )


@login_required
def report(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    found = selectors.report_list(user=user).filter(public_id=public_id).first()
    if found is None:
        raise Http404("no such report")
    if request.method == "POST":
        _run(
            request,
            lambda: services.report_review(actor=user, report=found, note=request.POST.get("note", "")),
            _("Reviewed and signed."),
        )
        return redirect("duty:report", public_id=found.public_id)
    return render(
        request, "duty/report.html", {"report": found, "manager": selectors.can_manage(user, found.shift.unit)}
    )


@login_required
def daily_report(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    found = DailyReport.objects.select_related("unit", "officer").filter(public_id=public_id).first()
    person = active_person(user)
    if found is None or not (
        (person is not None and found.officer_id == person.pk) or selectors.can_view_unit(user, found.unit)
    ):
        raise Http404("no such report")
    if request.method == "POST":
        _run(
            request,
            lambda: services.daily_report_send(actor=user, report=found, content=request.POST.get("content", "")),
            _("Report sent."),
        )
        return redirect("duty:daily_report", public_id=found.public_id)
    return render(request, "duty/daily_report.html", {"report": found})


@login_required
def person_record(request: HttpRequest, public_id: str) -> HttpResponse:
    """A person's duty record: commendations and derelictions (OPS-11), discipline records, absences, spot checks."""
    user = _user(request)
    person = restrict_people(Person.objects.all(), user, "view").filter(public_id=public_id).first()
    me = active_person(user)
    if person is None or not (selectors.can_manage(user, person.unit) or (me is not None and me.pk == person.pk)):
        raise Http404("no such person")
    if request.method == "POST":
        _run(
            request,
            lambda: services.merit_record(
                actor=user, person=person, kind=request.POST.get("kind", ""), reason=request.POST.get("reason", "")
            ),
            _("Recorded in the duty record."),
        )
        return redirect("duty:person_record", public_id=person.public_id)
    return render(
        request,
        "duty/person_record.html",
        {
            "person": person,
            "merits": DutyMerit.objects.filter(person=person).select_related("recorded_by__person"),
            "discipline": DisciplineRecord.objects.filter(person=person).select_related("shift_type"),
            "absences": PostAbsence.objects.filter(person=person).select_related("shift__shift_type"),
            "checks": SpotCheck.objects.filter(person=person).select_related("shift__shift_type")[:50],
            "manager": selectors.can_manage(user, person.unit) and not (me is not None and me.pk == person.pk),
            "kinds": DutyMerit.Kind.choices,
        },
    )


@login_required
def chain(request: HttpRequest, public_id: str) -> HttpResponse:
    """The unit's escalation chain (OPS-04), set by its managers."""
    user = _user(request)
    unit = restrict_units(Unit.objects.all(), user, "manage").filter(public_id=public_id).first()
    if unit is None:
        raise PermissionDenied
    if request.method == "POST":
        steps = []
        for i in range(10):
            target = request.POST.get(f"target-{i}", "")
            if not target:
                continue
            person = None
            if target == EscalationStep.Target.PERSON:
                person = (
                    restrict_people(Person.objects.all(), user, "manage")
                    .filter(public_id=request.POST.get(f"person-{i}", ""))
                    .first()
                )
            steps.append(
                {
                    "target": target,
                    "person": person,
                    "ack_minutes": request.POST.get(f"ack-{i}", "10"),
                    "repeats": request.POST.get(f"repeats-{i}", "1"),
                }
            )
        _run(request, lambda: incidents.chain_set(actor=user, unit=unit, steps=steps), _("Escalation chain saved."))
        return redirect("duty:chain", public_id=unit.public_id)
    current = incidents.chain_of(unit)
    rows = [*current, *[("", None, 10, 1)] * (10 - len(current))]
    return render(
        request,
        "duty/chain.html",
        {
            "unit": unit,
            "rows": rows,
            "targets": EscalationStep.Target.choices,
            "people": restrict_people(Person.objects.filter(is_active=True), user, "manage").order_by("name")[:300],
        },
    )
