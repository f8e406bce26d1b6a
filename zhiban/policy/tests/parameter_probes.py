"""Facts and functions that show each rule parameter at work (`test_every_parameter_changes_an_outcome.py`).

PROBE_FACTS: rule ID → facts the engine evaluates under each policy; PROBE_FUNCTIONS: rule ID → functions of the
rule's parameters that services call (deadlines, windows, …). Each entry should sit at a limit the parameter moves.

Every probe uses the rule module's own facts classes and functions (the ones the services build and call), so a
parameter passes only when the rule module really reads it. Parameters read only outside the rule modules (in Django
services or templates) have no probe here on purpose: a probe that looked the value up itself would pass whether or
not the product reads it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from zhiban.policy.rules import (
    cal_02,
    cal_03,
    leave_03,
    leave_04,
    leave_05,
    leave_08,
    leave_11,
    ops_01,
    ops_02,
    ops_03,
    ops_04,
    ops_05,
    ops_06,
    ops_07,
    ops_08,
    ops_09,
    ops_10,
    ops_12,
    org_01,
    org_02,
    org_03,
    ros_01,
    ros_03,
    ros_04,
    ros_05,
    ros_06,
    ros_07,
    ros_08,
    sec_00,
    sec_01,
    sec_02,
    sub_01,
    sub_02,
    swap_02,
    swap_04,
    swap_08,
)
from zhiban.policy.rules._labels import PERSON_KINDS, ROLES, UNIT_KINDS
from zhiban.policy.tests._leave_facts import SHANGHAI, at, leave

Probe = Callable[[Mapping[str, Any]], object]

# ── ORG ──────────────────────────────────────────────────────────────────────

# ORG-01: every unit kind placed at the top and under every kind of parent, so each `top_level_kinds` /
# `under_<kind>` list decides which placements are refused.
ORG_01 = [
    org_01.UnitPlacement(f"新{UNIT_KINDS[kind][0]}", kind, parent, f"上级{UNIT_KINDS[parent][0]}" if parent else "")
    for parent in org_01.PARAMETER_FOR_PARENT
    for kind in UNIT_KINDS
]

# ORG-02: every role given at a unit of every kind, so each `<role>_at` list decides which grants are refused.
ORG_02 = [org_02.RolePlacement("王五", role, kind, f"某{UNIT_KINDS[kind][0]}") for role in ROLES for kind in UNIT_KINDS]

# ORG-03: a candidate of every person kind, so `allowed_person_kinds` decides who may stand duty.
ORG_03 = [org_03.DutyCandidate(f"候选人{kind}", kind) for kind in PERSON_KINDS]

# ── CAL ──────────────────────────────────────────────────────────────────────

_WEEKEND = tuple(
    cal_02.DayFact(dt.date(2026, 11, 5) + dt.timedelta(days=i), working)
    for i, working in enumerate((True, True, False, False, True))  # Thursday … Monday
)
# CAL-02 `work_start` / `work_end`: a weekend nobody covers; the gap reported runs from Friday's end of work to
# Monday's start of work, so moving either time moves the warning.
CAL_02 = [cal_02.DutyCoverage(_WEEKEND, ())]


def _ordinary_saturday(params: Mapping[str, Any]) -> str:
    """CAL-02 `six_day_week`: an ordinary Saturday is a working day or a rest day (roster.selectors.day_kinds)."""
    return cal_02.duty_day_kind(cal_02.DayFact(dt.date(2026, 11, 7), False), params)


# CAL-03: seasonal shifts on the first day of summer and of winter with that season's times (the pack's defaults),
# so the season dates (`summer_starts`, `winter_starts`) and each season's times decide whether they match.
CAL_03 = [
    cal_03.SeasonalShift(dt.date(2026, 5, 1), "holiday_day", dt.time(8, 0), dt.time(20, 0)),
    cal_03.SeasonalShift(dt.date(2026, 10, 1), "night", dt.time(19, 0), dt.time(8, 0)),
]

# ── ROS ──────────────────────────────────────────────────────────────────────

# ROS-01 `senior_per_shift`: a shift of two seats with one senior-grade person on them.
ROS_01 = [ros_01.ShiftGrades("早班", dt.date(2026, 11, 9), seniors=1, headcount=2)]


def _publish_deadline(params: Mapping[str, Any]) -> dt.datetime:
    """ROS-03 `publish_by`, `lead_days`: when a roster starting Monday 9 November must be published."""
    return ros_03.deadline(dt.date(2026, 11, 9), params, SHANGHAI)


def _fairness_window(params: Mapping[str, Any]) -> dt.date:
    """ROS-04 `fairness_period`: where the fairness period of a roster starting 9 November begins."""
    return ros_04.window_start(dt.date(2026, 11, 9), params)


# ROS-04 `max_spread`: two people two weekend duties apart.
ROS_04 = [ros_04.DutySpread("综合科", {"王五": {"weekend": 3}, "赵六": {"weekend": 1}})]

# ROS-05 `show_phones`: the board names someone without a phone.
ROS_05 = [ros_05.DutyBoard("一站", (), (ros_05.BoardPerson("王五", has_phone=False),))]

# ROS-07 `same_month`, `expires_at_month_end`: on 1 November, a day of October's rest not yet taken.
ROS_07 = [ros_07.MonthEnd(dt.date(2026, 11, 1), (ros_07.OpenCredit("王五", dt.date(2026, 10, 3), Decimal("1")),))]


def _rest_credits(params: Mapping[str, Any]) -> tuple[Decimal, ...]:
    """ROS-07 `credited_duties`: the rest a weekday, a weekend and a holiday duty earn."""
    return tuple(ros_07.credit_days(kind, "duty", params) for kind in ("workday", "rest_day", "holiday"))


# ROS-08 `rate_<category>`: a weekend, a holiday and an after-hours duty, each recorded with its allowance.
ROS_08 = [
    ros_08.Duty("王五", dt.date(2026, 11, 7), "rest_day", "rest_day"),
    ros_08.Duty("王五", dt.date(2026, 10, 1), "holiday", "rest_day"),
    ros_08.Duty("王五", dt.date(2026, 11, 5), "workday", "after_hours"),
]

# ── LEAVE ────────────────────────────────────────────────────────────────────

# LEAVE-02 `max_days`: a leave of eight calendar days, one past a week.
LEAVE_02 = [leave(calendar_days=8, ends_at=at(17, 17), working_days=Decimal("6"))]

# LEAVE-03: approvals at each pack's limits.
LEAVE_03 = [
    # `approver`: a one-day leave the department head approved.
    leave_03.LeaveApprovals("王五", "personal", Decimal("1"), ("department_head",)),
    # `station_head_max_days`: 2.5 days approved by the station head (and consented by the manager).
    leave_03.LeaveApprovals("王五", "personal", Decimal("2.5"), ("station_head", "department_head")),
    # `manager_consent`: a one-day leave the station head approved, with no manager's consent.
    leave_03.LeaveApprovals("王五", "personal", Decimal("1"), ("station_head",)),
    # `cs_director_max_days`: 1.5 days approved by the CS director alone.
    leave_03.LeaveApprovals("王五", "personal", Decimal("1.5"), ("cs_director",)),
    # `approval_wait_hours`: a step that has waited exactly 24 hours.
    leave_03.ApprovalWait("王五请假", "处室负责人审批", at(1), at(2)),
]

# LEAVE-04 `max_on_leave`: approving a leave while one other person of the station is on leave the same days.
LEAVE_04 = [
    leave_04.StationLeave(
        "王五", "一站", at(10), at(11, 17), "approval", approved=(leave_04.OtherLeave("赵六", at(10), at(10, 17)),)
    )
]

# LEAVE-05 `min_days_ahead` (maintenance): a leave asked exactly two days ahead.
LEAVE_05 = [leave(filed_at=at(8))]


def _late(params: Mapping[str, Any]) -> tuple[bool, bool]:
    """LEAVE-05 `personal_days_ahead`, `special_before_shift` (service-center): whether a personal leave asked one
    day ahead, and a special leave asked one hour before its first shift, are late (leave.services.leave_file)."""
    personal = leave(filed_at=at(9))
    special = leave(special=True, first_duty_starts_at=at(10, 8), filed_at=at(10, 7))
    return leave_05.is_late(personal, params), leave_05.is_late(special, params)


# LEAVE-08 `certificate_from_days`: one day of sick leave whose certificate is due today and not in.
LEAVE_08 = [leave_08.CertificateDue("王五", "sick", Decimal("1"), dt.date(2026, 12, 12), dt.date(2026, 12, 12), False)]

# LEAVE-09 `exception_before`: leave from a 20:00 night shift asked at 12:30 that day.
LEAVE_09 = [
    leave(night_duty_days=(dt.date(2026, 12, 10),), night_duty_starts=(at(10, 20),), filed_at=at(10, 12, 30)),
]

# LEAVE-10 `exception_days_ahead`: a holiday exception for National Day asked two days ahead.
LEAVE_10 = [
    leave(
        starts_at=at(1, 8, month=10),
        ends_at=at(1, 20, month=10),
        filed_at=at(29, month=9),
        calendar_days=1,
        working_days=Decimal("1"),
        holiday_exception=True,
        holiday_duty_days=(dt.date(2026, 10, 1),),
    )
]

# ── SUB ──────────────────────────────────────────────────────────────────────

# SUB-01 `report_to_secretariat`: a substitution that takes effect an hour after the duty began.
SUB_01 = [sub_01.Substitution("王五", "赵六", "12月10日值班", at(10, 9), approved=True, at=at(10, 10))]

# SUB-02 `same_department_only`: a substitute from another department.
SUB_02 = [sub_02.SubstituteChoice("王五", "赵六", "办公室", "财务处")]

# ── SWAP ─────────────────────────────────────────────────────────────────────

# SWAP-02 `max_per_month`: a third swap in a month for someone with two already.
SWAP_02 = [swap_02.MonthlySwaps("王五", dt.date(2026, 11, 1), earlier=2)]

# SWAP-04 `same_job_type`, `max_grade_gap`: operators two grades apart, and two job types of one grade.
SWAP_04 = [
    swap_04.SwapPair("王五", "话务员", 1, "赵六", "话务员", 3),
    swap_04.SwapPair("王五", "话务员", 2, "钱七", "维修工程师", 2),
]

# SWAP-08 `remind_after_days`: a return opened exactly 14 days ago and not yet scheduled.
SWAP_08 = [swap_08.OpenReturn("王五", "赵六", "10月3日白班", dt.date(2026, 10, 1), dt.date(2026, 10, 15))]


def _first_reminder(params: Mapping[str, Any]) -> dt.date:
    """SWAP-08 `remind_after_days`: when the reminder job (swaps.services) first looks at a return opened today."""
    return swap_08.next_check(
        swap_08.OpenReturn("王五", "赵六", "10月3日白班", dt.date(2026, 10, 1), dt.date(2026, 10, 1)), params
    )


PROBE_FACTS: dict[str, list[object]] = {
    "ORG-01": list(ORG_01),
    "ORG-02": list(ORG_02),
    "ORG-03": list(ORG_03),
    "CAL-02": list(CAL_02),
    "CAL-03": list(CAL_03),
    "ROS-01": list(ROS_01),
    "ROS-04": list(ROS_04),
    "ROS-05": list(ROS_05),
    "ROS-07": list(ROS_07),
    "ROS-08": list(ROS_08),
    "LEAVE-02": list(LEAVE_02),
    "LEAVE-03": list(LEAVE_03),
    "LEAVE-04": list(LEAVE_04),
    "LEAVE-05": list(LEAVE_05),
    "LEAVE-08": list(LEAVE_08),
    "LEAVE-09": list(LEAVE_09),
    "LEAVE-10": list(LEAVE_10),
    "SUB-01": list(SUB_01),
    "SUB-02": list(SUB_02),
    "SWAP-02": list(SWAP_02),
    "SWAP-04": list(SWAP_04),
    "SWAP-08": list(SWAP_08),
}

PROBE_FUNCTIONS: dict[str, list[Probe]] = {
    "CAL-02": [_ordinary_saturday],
    # ROS-03 `compiled_by` (roster.selectors.compiled_by): who compiles the roster.
    "ROS-03": [_publish_deadline, ros_03.compiler],
    # ROS-06 `paper` / `show_mobile` (roster.exports.printing.month_sheets): the sheet's paper and phone lines.
    "ROS-06": [ros_06.sheet_layout],
    # LEAVE-03 `counted_in` (leave.rules.is_shift_work): leave counted in duty days or working days.
    "LEAVE-03": [leave_03.counts_duty_days],
    # ROS-04 `points_<category>` (roster.generation.points): the point table generation balances.
    "ROS-04": [_fairness_window, ros_04.points],
    # ROS-07 `expires_at_month_end` (roster.compensation.services): whether open rest expires at month end.
    "ROS-07": [_rest_credits, ros_07.expires],
    "LEAVE-05": [_late],
    "SWAP-08": [_first_reminder],
}


# ── OPS and LEAVE-11: the duty ─────────────────────────────────────────────────────────────────────────────────

_START = dt.datetime(2026, 12, 7, 8, 30, tzinfo=SHANGHAI)


def _ops_01_escalation(params: Mapping[str, Any]) -> object:
    return ops_01.escalate_at(_START, params)


def _ops_04_clock(params: Mapping[str, Any]) -> object:
    return [
        (level, ops_04.report_deadline_at(_START, level, params))
        for level in ["一般", "较大", "重大", "特别重大", "其他"]
    ]


def _ops_05_report(params: Mapping[str, Any]) -> object:
    day = _START.date()
    return (
        ops_05.is_report_day(False, params),
        ops_05.window(day, SHANGHAI, params),
        ops_05.due_at(day, SHANGHAI, params),
    )


def _ops_06_roll_call(params: Mapping[str, Any]) -> object:
    return ops_06.roll_call_at(_START, params)


def _ops_07_due(params: Mapping[str, Any]) -> object:
    return ops_07.submit_by(_START, params)


def _ops_08_due(params: Mapping[str, Any]) -> object:
    return ops_08.answer_by(_START, params)


def _ops_09_due(params: Mapping[str, Any]) -> object:
    return ops_09.return_by(_START, params)


_OPS_FACTS: dict[str, list[object]] = {
    # LEAVE-11: lateness and absence at each limit and one minute short of it.
    "LEAVE-11": [
        leave_11.Breach("张三", kind, minutes) for kind in (leave_11.LATE, leave_11.AWAY) for minutes in range(15, 26)
    ],
    "OPS-02": [ops_02.PostAbsence("张三", _START, 30, False, "李四")],
    "OPS-03": [
        ops_03.LogEntry(
            "meeting",
            {"meeting_name": "会", "meeting_time": "9时", "place": "会议室", "attendees": "全体"},
            urgent=True,
        )
    ],
    "OPS-10": [ops_10.StandbyDriver("王五", "")],
    "OPS-12": [ops_12.ChecklistResult({"通讯设备正常": True}, {})],
}
_OPS_FUNCTIONS: dict[str, list[Probe]] = {
    "OPS-01": [_ops_01_escalation],
    "OPS-02": [ops_02.sanction],
    "OPS-03": [ops_03.tells_secretariat],
    "OPS-04": [_ops_04_clock, ops_04.levels],
    "OPS-05": [_ops_05_report],
    "OPS-06": [_ops_06_roll_call],
    "OPS-07": [_ops_07_due],
    "OPS-08": [_ops_08_due],
    "OPS-09": [_ops_09_due],
    "OPS-10": [ops_10.board_line],
    "OPS-12": [ops_12.items],
}
PROBE_FACTS.update(_OPS_FACTS)
PROBE_FUNCTIONS.update(_OPS_FUNCTIONS)

# ── SEC ──────────────────────────────────────────────────────────────────────

_SEC_SINCE = dt.datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI)


def _sec_02_due(params: Mapping[str, Any]) -> object:
    return sec_02.due_back(_SEC_SINCE, params)


PROBE_FACTS.update(
    {
        "SEC-00": [
            sec_00.CarrierRecord(sec_00.REGISTER_FIELDS, 0, "top_secret", 30),
            sec_00.CarrierRecord(sec_00.REGISTER_FIELDS, 0, "secret", 20),
            sec_00.CarrierRecord(sec_00.REGISTER_FIELDS, 0, "confidential", 10),
        ],
        "SEC-02": [sec_02.OutWithReader("12号", "乙", _SEC_SINCE, _SEC_SINCE + dt.timedelta(days=3))],
    }
)
PROBE_FUNCTIONS.update({"SEC-00": [sec_00.max_years], "SEC-01": [sec_01.classifications], "SEC-02": [_sec_02_due]})
