"""ROS-03 — publish by the pack's deadline (late is flagged), published rosters change only by request (P3 一.2)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from zhiban.policy.engine import ResolvedPolicy, evaluate
from zhiban.policy.findings import Severity
from zhiban.policy.packs import builtin_packs, get_pack
from zhiban.policy.rules.ros_03 import (
    PublishNotice,
    PublishTiming,
    RosterChange,
    change_only_by_request,
    deadline,
    notify_on_publish,
    publish_deadline,
    publish_on_time,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BUREAU = ResolvedPolicy(pack=get_pack("bureau"), version=4)
PARAMS = BUREAU.parameters("ROS-03")
DEC_1 = dt.datetime(2026, 12, 1, tzinfo=SHANGHAI)


@pytest.mark.parametrize("publish_by", ["end_of_previous_month", "before_first_of_month"])
def test_ros_03_deadline_is_the_first_of_the_month(publish_by: str) -> None:
    assert deadline(dt.date(2026, 12, 10), {"publish_by": publish_by}, SHANGHAI) == DEC_1


def test_ros_03_deadline_before_the_duty_day_with_lead_days() -> None:
    params = ResolvedPolicy(pack=get_pack("maintenance"), version=1).parameters("ROS-03")
    assert deadline(dt.date(2026, 12, 10), params, SHANGHAI) == dt.datetime(2026, 12, 9, tzinfo=SHANGHAI)
    assert deadline(dt.date(2026, 12, 10), {"publish_by": "before_duty_day"}, SHANGHAI) == dt.datetime(
        2026, 12, 10, tzinfo=SHANGHAI
    )


def test_ros_03_publish_at_the_deadline_is_on_time_and_a_minute_past_is_late() -> None:
    on_time = PublishTiming("综合处 2026-12", due=DEC_1, at=DEC_1)
    assert publish_on_time(on_time, PARAMS) == []
    (reminder,) = publish_deadline(on_time, PARAMS)
    assert reminder.severity is Severity.REMIND
    late = PublishTiming("综合处 2026-12", due=DEC_1, at=DEC_1 + dt.timedelta(minutes=1))
    (finding,) = publish_on_time(late, PARAMS)
    assert finding.severity is Severity.WARN
    assert finding.message_zh == "综合处 2026-12值班表逾期公布（期限2026-12-01 00:00）"
    assert publish_deadline(late, PARAMS) == []


def test_ros_03_late_publication_is_a_cited_warning_not_a_refusal() -> None:
    late = PublishTiming("综合处 2026-12", due=DEC_1, at=DEC_1 + dt.timedelta(minutes=1))
    outcome = evaluate(BUREAU, ["ROS-03"], late)
    assert outcome.ok
    (warning,) = outcome.warnings
    assert warning.code == "ROS-03.publish_on_time"
    assert warning.citation.clause == "一.2"


def test_ros_03_draft_edits_pass_and_a_published_roster_is_not_edited_in_place() -> None:
    assert change_only_by_request(RosterChange("p", published=False, channel="edit"), PARAMS) == []
    (finding,) = change_only_by_request(RosterChange("p", published=True, channel="edit"), PARAMS)
    assert finding.refuses
    assert finding.details == {"channel": "edit"}


@pytest.mark.parametrize("channel", ["swap", "substitution", "leave"])
def test_ros_03_requests_may_change_a_published_roster(channel: str) -> None:
    assert change_only_by_request(RosterChange("p", published=True, channel=channel), PARAMS) == []


def test_ros_03_correction_with_a_reason_passes_and_without_one_is_refused() -> None:
    assert change_only_by_request(RosterChange("p", True, "correction", reason="病假"), PARAMS) == []
    (finding,) = change_only_by_request(RosterChange("p", True, "correction", reason="  "), PARAMS)
    assert finding.message_en == "the roster p is published; a correction needs a reason"


@pytest.mark.parametrize("pack_id", sorted(builtin_packs()))
def test_ros_03_engine_refusal_cites_pack_clause_and_version(pack_id: str) -> None:
    policy = ResolvedPolicy(pack=get_pack(pack_id), version=7)
    outcome = evaluate(policy, ["ROS-03"], RosterChange("p", published=True, channel="edit"))
    (violation,) = outcome.violations
    assert violation.code == "ROS-03.change_only_by_request"
    assert violation.citation.pack_id == pack_id
    assert violation.citation.policy_version == 7


def test_ros_03_notify_on_publish_records_someone_left_out() -> None:
    assert notify_on_publish(PublishNotice("p", on_roster=3, notified=3), PARAMS) == []
    (finding,) = notify_on_publish(PublishNotice("p", on_roster=3, notified=2), PARAMS)
    assert finding.severity is Severity.RECORD
