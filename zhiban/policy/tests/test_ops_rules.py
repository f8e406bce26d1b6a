"""The duty rules (OPS-01..12, LEAVE-11) as their modules decide, at each limit and just past it. Django-free."""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType
from typing import Any

import pytest

from zhiban.policy.findings import Severity
from zhiban.policy.rules import (
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
    ops_11,
    ops_12,
)

TZ = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 12, 7, 9, 0, tzinfo=TZ)
M = dt.timedelta(minutes=1)


def params(**values: Any) -> MappingProxyType[str, Any]:
    return MappingProxyType(values)


def test_ops_01_missing_check_in_escalates_at_late_after_not_a_minute_before() -> None:
    p = params(late_after=15 * M)
    assert ops_01.late_check_in(ops_01.MissingCheckIn("张三", START, START + 14 * M), p) == []
    [finding] = ops_01.late_check_in(ops_01.MissingCheckIn("张三", START, START + 15 * M), p)
    assert "15分钟后仍未到岗" in finding.message_zh


def test_ops_01_check_in_names_the_leader_when_the_shift_has_one() -> None:
    facts = ops_01.CheckIn("张三", START, START + 24 * 60 * M, START, (), ("张三",), needs_leader=True)
    [refusal] = ops_01.check_in_record(facts, params(late_after=15 * M))
    assert refusal.severity is Severity.ENFORCE
    assert ops_01.check_in_record(facts.__class__(**{**facts.__dict__, "needs_leader": False}), params()) == []


@pytest.mark.parametrize(("kind", "minutes", "recorded"), [("late", 19, False), ("late", 20, True), ("away", 20, True)])
def test_leave_11_twenty_minutes_is_a_breach_nineteen_is_not(kind: Any, minutes: int, recorded: bool) -> None:
    p = params(late_minutes=20, away_minutes=20)
    assert bool(leave_11.discipline_record(leave_11.Breach("张三", kind, minutes), p)) is recorded


def test_leave_11_approved_leave_or_permission_excuses() -> None:
    p = params(late_minutes=20, away_minutes=20)
    assert leave_11.discipline_record(leave_11.Breach("张三", "late", 90, excused=True), p) == []


def test_ops_02_the_packs_sanction_is_recorded_and_permission_records_nothing() -> None:
    absence = ops_02.PostAbsence("张三", START, 30, False, "李四")
    [finding] = ops_02.absence_recorded(absence, params(sanction="major_demerit"))
    assert "记大过" in finding.message_zh
    assert ops_02.absence_recorded(absence.__class__(**{**absence.__dict__, "permitted": True}), params()) == []


def test_ops_03_required_fields_and_nothing_else_for_a_sealed_letter() -> None:
    ok = ops_03.LogEntry("sealed_letter", {"sender": "省委", "register_number": "1", "classification": "机密"})
    assert ops_03.structured_entries(ok, params()) == []
    [refusal] = ops_03.structured_entries(ops_03.LogEntry("sealed_letter", {**ok.fields, "content": "x"}), params())
    assert "不记内容" in refusal.message_zh
    [missing] = ops_03.structured_entries(ops_03.LogEntry("call", {"caller_unit": "x"}), params())
    assert "来电人" in missing.message_zh


def test_ops_03_urgent_meeting_tells_the_secretariat_where_the_pack_says_so() -> None:
    meeting = ops_03.LogEntry("meeting", {}, urgent=True)
    [told] = ops_03.urgent_meeting_notice(meeting, params(urgent_meeting_tells_secretariat=True))
    assert "秘书处" in told.message_zh
    [not_told] = ops_03.urgent_meeting_notice(meeting, params(urgent_meeting_tells_secretariat=False))
    assert "秘书处" not in not_told.message_zh


OPS_04 = params(report_within=60 * M, levels=("一般", "重大"), report_levels=("重大",))


def test_ops_04_the_hour_runs_for_major_levels_only() -> None:
    assert ops_04.report_deadline_at(START, "重大", OPS_04) == START + 60 * M
    assert ops_04.report_deadline_at(START, "一般", OPS_04) is None


@pytest.mark.parametrize(("reported", "kind"), [(60, None), (61, "late")])
def test_ops_04_reported_at_the_hour_is_on_time_a_minute_later_is_late(reported: int, kind: str | None) -> None:
    facts = ops_04.IncidentClock("火灾", "重大", START, START + reported * M, START + 2 * 60 * M)
    findings = ops_04.late_report_recorded(facts, OPS_04)
    assert [f.details["kind"] for f in findings] == ([kind] if kind else [])


def test_ops_04_unreported_past_the_hour_escalates_and_is_missed() -> None:
    before = ops_04.IncidentClock("火灾", "重大", START, None, START + 59 * M)
    at = ops_04.IncidentClock("火灾", "重大", START, None, START + 60 * M)
    assert ops_04.report_deadline(before, OPS_04) == []
    assert ops_04.report_deadline(at, OPS_04)
    assert ops_04.late_report_recorded(at, OPS_04)[0].details["kind"] == "missed"


def test_ops_05_due_at_half_past_four_on_report_days_only() -> None:
    p = params(window_start=dt.time(16), window_end=dt.time(18), due=dt.time(16, 30), holidays_only=True)
    day = START.date()
    assert not ops_05.is_report_day(False, p)
    assert ops_05.is_report_day(True, p)
    before = ops_05.DailyReport(day, True, None, dt.datetime(2026, 12, 7, 16, 29, tzinfo=TZ))
    at = ops_05.DailyReport(day, True, None, dt.datetime(2026, 12, 7, 16, 30, tzinfo=TZ))
    assert ops_05.missed_report(before, p) == []
    assert ops_05.missed_report(at, p)
    assert ops_05.daily_report_due(before, p)[0].details == {"overdue": False}


def test_ops_06_close_waits_for_the_incoming_officer() -> None:
    assert ops_06.incoming_accepts(ops_06.ShiftClose(has_incoming=True, accepted=False), params())
    assert ops_06.incoming_accepts(ops_06.ShiftClose(has_incoming=True, accepted=True), params()) == []
    assert ops_06.incoming_accepts(ops_06.ShiftClose(has_incoming=False, accepted=False), params()) == []
    assert ops_06.roll_call_at(START, params(arrive_early=10 * M)) == START - 10 * M


def test_ops_07_report_overdue_at_submit_within() -> None:
    p = params(submit_within=24 * 60 * M)
    assert ops_07.report_due(ops_07.ShiftReport(START, None, None, START + 24 * 60 * M - M), p) == []
    assert ops_07.report_due(ops_07.ShiftReport(START, None, None, START + 24 * 60 * M), p)


def test_ops_08_answered_at_the_limit_is_in_time_a_second_later_is_missed() -> None:
    p = params(ack_within=10 * M)
    limit = START + 10 * M
    assert not ops_08.is_missed(ops_08.Challenge("张三", START, limit, limit), p)
    late = limit + dt.timedelta(seconds=1)
    assert ops_08.is_missed(ops_08.Challenge("张三", START, late, late), p)
    assert ops_08.missed_challenge(ops_08.Challenge("张三", START, None, limit), p)


def test_ops_09_key_reminded_at_return_within_after_the_duty() -> None:
    p = params(return_within=30 * M)
    end = START + 24 * 60 * M
    assert ops_09.key_not_returned(ops_09.KeyLoan("张三", START, end, None, end + 29 * M), p) == []
    assert ops_09.key_not_returned(ops_09.KeyLoan("张三", START, end, None, end + 30 * M), p)


def test_ops_10_the_board_line_and_a_driver_without_a_phone() -> None:
    p = params(reachable_hours=24, duty_vehicle="8448")
    assert ops_10.board_line(p) == "值班车辆8448，代班司机24小时通讯畅通"
    assert ops_10.driver_reachable(ops_10.StandbyDriver("王五", ""), p)
    assert ops_10.driver_reachable(ops_10.StandbyDriver("王五", "139"), p) == []


def test_ops_11_nobody_records_a_merit_of_their_own() -> None:
    own = ops_11.DutyMerit("张三", ops_11.COMMENDATION, "处置得当", "张三", is_self=True)
    assert ops_11.commendation_and_discipline(own, params())
    other = ops_11.DutyMerit("张三", ops_11.DERELICTION, "脱岗", "李四", is_self=False)
    assert ops_11.dereliction_recorded(other, params()) == []


def test_ops_12_every_item_answered_faults_explained() -> None:
    p = params(items=("通讯设备正常", "门窗关好"))
    assert ops_12.checklist(ops_12.ChecklistResult({"通讯设备正常": True}, {}), p)
    assert ops_12.checklist(ops_12.ChecklistResult({"通讯设备正常": True, "门窗关好": False}, {}), p)
    done = ops_12.ChecklistResult({"通讯设备正常": True, "门窗关好": False}, {"门窗关好": "北窗锁坏"})
    assert ops_12.checklist(done, p) == []
    assert ops_12.failed_items(done, p) == ["门窗关好"]
