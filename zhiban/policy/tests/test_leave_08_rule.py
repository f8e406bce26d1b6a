"""LEAVE-08 — sick leave of a day or more needs a certificate, handed in on the first day back; an
emergency is phoned to the team lead before the shift (P7 请假 五)."""

import datetime as dt
from decimal import Decimal

from zhiban.policy.engine import evaluate
from zhiban.policy.findings import Severity
from zhiban.policy.rules.leave_08 import (
    CertificateDates,
    CertificateDue,
    certificate_due,
    dates_continuous,
    emergency_phoned,
    needs_certificate,
)

from ._leave_facts import at, leave, policy

SERVICE = policy("service-center")
PARAMS = SERVICE.parameters("LEAVE-08")
BACK = dt.date(2026, 12, 12)


def test_leave_08_a_full_day_of_sick_leave_needs_a_certificate_half_a_day_does_not() -> None:
    assert needs_certificate("sick", Decimal("1"), PARAMS)
    assert not needs_certificate("sick", Decimal("0.5"), PARAMS)
    assert not needs_certificate("personal", Decimal("3"), PARAMS)


def test_leave_08_reminds_from_the_first_day_back_until_the_certificate_is_in() -> None:
    assert (
        certificate_due(CertificateDue("王五", "sick", Decimal("1"), BACK, BACK - dt.timedelta(days=1), False), PARAMS)
        == []
    )
    (reminder,) = certificate_due(CertificateDue("王五", "sick", Decimal("1"), BACK, BACK, False), PARAMS)
    assert reminder.severity is Severity.REMIND
    assert reminder.message_zh == "王五病假1天（满1天须持医疗证明），证明应于2026-12-12返岗第一天交给班长，尚未提交"
    assert certificate_due(CertificateDue("王五", "sick", Decimal("1"), BACK, BACK, True), PARAMS) == []
    assert certificate_due(CertificateDue("王五", "sick", Decimal("0.5"), BACK, BACK, False), PARAMS) == []


def test_leave_08_reminder_cites_the_clause() -> None:
    outcome = evaluate(SERVICE, ["LEAVE-08"], CertificateDue("王五", "sick", Decimal("2"), BACK, BACK, False))
    assert [n.code for n in outcome.notes] == ["LEAVE-08.certificate_due"]
    assert outcome.notes[0].citation.clause == "客服部请假制度汇编 五"


def test_leave_08_records_the_emergency_phone_call_before_or_after_the_shift() -> None:
    shift = at(10, 8)
    before = leave(kind="sick", emergency=True, phoned_at=shift, first_duty_starts_at=shift)
    (record,) = emergency_phoned(before, PARAMS)
    assert record.details["before_shift"] is True
    after = leave(kind="sick", emergency=True, phoned_at=shift + dt.timedelta(minutes=1), first_duty_starts_at=shift)
    (record,) = emergency_phoned(after, PARAMS)
    assert record.details["before_shift"] is False
    assert emergency_phoned(leave(kind="sick"), PARAMS) == []


def test_leave_08_certificate_dates_continuous_over_the_sick_leave_or_refused_naming_the_gap() -> None:
    first, last = dt.date(2026, 12, 10), dt.date(2026, 12, 12)
    params = policy("service-center").parameters("LEAVE-08")
    assert dates_continuous(CertificateDates("王五", first, last, first, last), params) == []
    assert dates_continuous(CertificateDates("王五", first, last, first - dt.timedelta(1), last), params) == []
    (short,) = dates_continuous(CertificateDates("王五", first, last, first, last - dt.timedelta(1)), params)
    assert short.rule_id == "LEAVE-08"
    assert short.message_zh == (
        "王五病假为2026-12-10至2026-12-12，证明时间须连续，证明（2026-12-10至2026-12-11）未覆盖2026-12-12"
    )
    (late_start,) = dates_continuous(CertificateDates("王五", first, last, first + dt.timedelta(1), last), params)
    assert late_start.details["gaps"] == [["2026-12-10", "2026-12-10"]]
    (elsewhere,) = dates_continuous(
        CertificateDates("王五", first, last, dt.date(2026, 12, 1), dt.date(2026, 12, 2)), params
    )
    assert elsewhere.details["gaps"] == [["2026-12-10", "2026-12-12"]]
