"""The demo's duty today: in each organisation the shift running now is checked in, with a few entries in its log and,
where the pack has incidents, one handled within authority — so `/duty/` shows a shift in progress."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError

from zhiban.accounts.models import User
from zhiban.core import clock
from zhiban.demo.plan import DemoPlan
from zhiban.duty import incidents, services, shifts
from zhiban.duty.models import Attendance, DutyShift, LogEntry
from zhiban.duty.policy import params as rule_params
from zhiban.org.models import Unit
from zhiban.policy.rules import ops_04
from zhiban.roster.models import Post

CALLS = (
    {
        "caller_unit": "市应急管理局",
        "caller_name": "王科长",
        "phone": "0571-87012345",
        "content": "询问今晚值班安排及带班领导联系方式",
        "handling": "已告知带班领导姓名和电话",
    },
    {
        "caller_unit": "城南供电所",
        "caller_name": "李工",
        "phone": "13805710023",
        "content": "城南片区计划停电两小时检修",
        "handling": "已记录，通知办公室做好准备",
    },
)
VISITOR = {"visitor_name": "赵先生", "content": "来访反映小区路灯不亮", "handling": "已登记，转交有关部门"}


def _running(organisation: Unit, now: dt.datetime) -> list[DutyShift]:
    return list(
        DutyShift.objects.filter(unit__path__startswith=organisation.path, starts_at__lte=now, ends_at__gt=now)
        .select_related("unit", "shift_type")
        .order_by("starts_at")
    )


def _log_and_incident(writer: User, shift: DutyShift, created: Counter[str]) -> None:
    for fields in CALLS:
        services.log_write(actor=writer, shift=shift, kind="call", fields=fields)
    services.log_write(actor=writer, shift=shift, kind="visitor", fields=VISITOR)
    created["log entries"] += 3
    params = rule_params(shift.unit, ops_04.RULE_ID)
    if params is not None:
        incidents.incident_raise(
            actor=writer,
            shift=shift,
            title="三楼走廊烟感报警",
            level=ops_04.levels(params)[0],
            place="办公楼三楼",
            description="烟感误报，已复位，无人员伤亡",
        )
        created["incidents"] += 1


def load_duty(plan: DemoPlan, created: Counter[str]) -> str:
    now = clock.now()
    today = clock.today()
    shifts.prepare(today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    shown = []
    for organisation_plan in plan.organisations:
        organisation = Unit.objects.filter(name=organisation_plan.name, parent__isnull=True).first()
        if organisation is None:
            continue
        for shift in _running(organisation, now)[:1]:
            if LogEntry.objects.filter(shift=shift).exists():
                shown.append(shift.unit.name)
                continue
            officers = list(Attendance.objects.filter(shift=shift).select_related("person__user").order_by("post"))
            writer = None
            for attendance in officers:
                user = attendance.person.user
                if user is None:
                    continue
                try:
                    services.check_in(actor=user, shift=shift)
                except (PermissionDenied, ValidationError):
                    continue
                created["check-ins"] += 1
                if attendance.post == Post.DUTY_OFFICER and writer is None:
                    writer = user
            if writer is None:
                continue
            try:
                _log_and_incident(writer, shift, created)
            except (PermissionDenied, ValidationError):
                continue
            shown.append(shift.unit.name)
    return "duty: " + ("shifts in progress at " + "、".join(shown) if shown else "no shift running now")
