"""The duty log (OPS-03): structured entries, follow-ups, freezing and amendments, Chinese search."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhiban.duty import search, selectors, services
from zhiban.duty.models import FollowUp, LogEntry
from zhiban.duty.tests.helpers import audit_count, inbox_subjects, minutes, override
from zhiban.policy.errors import RuleViolationError

CALL = {
    "caller_unit": "市应急局",
    "caller_name": "王科长",
    "phone": "0571-87654321",
    "content": "城南变电站停电",
    "handling": "已报带班领导",
}


def test_ops_03_a_call_needs_every_field_the_text_lists(on_duty: dict[str, Any]) -> None:
    before = audit_count()
    with pytest.raises(RuleViolationError) as refused:
        services.log_write(
            actor=on_duty["staff_a"].user, shift=on_duty["shift"], kind="call", fields={**CALL, "phone": ""}
        )
    assert "联系电话" in str(refused.value)
    assert "OPS-03" in refused.value.codes[0]
    assert not LogEntry.objects.exists()
    assert audit_count() == before
    entry = services.log_write(actor=on_duty["staff_a"].user, shift=on_duty["shift"], kind="call", fields=CALL)
    assert entry.fields["caller_name"] == "王科长"


def test_ops_03_a_sealed_letter_holds_the_register_facts_only(on_duty: dict[str, Any]) -> None:
    letter = {"sender": "省委办公厅", "register_number": "机-2026-118", "classification": "机密★10年"}
    with pytest.raises(RuleViolationError, match="不记内容"):
        services.log_write(
            actor=on_duty["staff_a"].user,
            shift=on_duty["shift"],
            kind="sealed_letter",
            fields={**letter, "content": "…"},
        )
    entry = services.log_write(
        actor=on_duty["staff_a"].user, shift=on_duty["shift"], kind="sealed_letter", fields=letter
    )
    task = FollowUp.objects.get(entry=entry)
    assert task.task == "原封呈送领导"
    assert task.due_at.hour == 0
    assert task.due_at.minute == 30


def test_ops_03_urgent_meeting_notice_reaches_the_leader_and_the_secretariat(on_duty: dict[str, Any]) -> None:
    meeting = {
        "meeting_name": "防汛紧急会议",
        "meeting_time": "今天15时",
        "place": "三楼会议室",
        "attendees": "各处室负责人",
    }
    services.log_write(
        actor=on_duty["staff_a"].user, shift=on_duty["shift"], kind="meeting", fields=meeting, urgent=True
    )
    assert any("防汛紧急会议" in s for s in inbox_subjects(on_duty["leader"]))
    assert any("防汛紧急会议" in s for s in inbox_subjects(on_duty["secretary"]))
    assert FollowUp.objects.get().task == "立即通知参会人员"


def test_ops_03_urgent_meeting_skips_the_secretariat_where_the_pack_says_so(on_duty: dict[str, Any]) -> None:
    override(on_duty, "OPS-03", "urgent_meeting_tells_secretariat", False)
    meeting = {"meeting_name": "防汛紧急会议", "meeting_time": "15时", "place": "三楼", "attendees": "全体"}
    services.log_write(
        actor=on_duty["staff_a"].user, shift=on_duty["shift"], kind="meeting", fields=meeting, urgent=True
    )
    assert any("防汛紧急会议" in s for s in inbox_subjects(on_duty["leader"]))
    assert not any("防汛紧急会议" in s for s in inbox_subjects(on_duty["secretary"]))


def test_ops_03_only_people_on_the_shift_and_checked_in_write(duty: dict[str, Any]) -> None:
    duty["travel"].move_to(duty["shift"].starts_at)
    with pytest.raises(ValidationError, match="到岗"):
        services.log_write(actor=duty["staff_a"].user, shift=duty["shift"], kind="call", fields=CALL)
    with pytest.raises(PermissionDenied):
        services.log_write(actor=duty["staff_b"].user, shift=duty["shift"], kind="call", fields=CALL)
    assert not LogEntry.objects.exists()


def _close(tree: dict[str, Any]) -> None:
    """Hand over, have it accepted, fill the checklist and close the 7th's shift."""
    shift = tree["shift"]
    services.checklist_fill(
        actor=tree["staff_a"].user, shift=shift, answers={"通讯设备正常": True, "值班室设施完好": True}, notes={}
    )
    handover = services.handover_write(actor=tree["staff_a"].user, shift=shift, equipment="正常", open_issues=[])
    tree["travel"].move_to(shift.ends_at - minutes(5))
    services.check_in(actor=tree["colleague"].user, shift=tree["next_shift"])
    services.handover_accept(actor=tree["colleague"].user, handover=handover)
    services.shift_close(actor=tree["staff_a"].user, shift=shift)


def test_ops_03_entries_freeze_when_the_shift_closes_and_a_correction_keeps_the_original(
    on_duty: dict[str, Any],
) -> None:
    entry = services.log_write(actor=on_duty["staff_a"].user, shift=on_duty["shift"], kind="call", fields=CALL)
    _close(on_duty)
    with pytest.raises(ValidationError, match="封存"):
        services.log_write(actor=on_duty["staff_a"].user, shift=on_duty["shift"], kind="call", fields=CALL)
    with pytest.raises(ValidationError):
        services.log_amend(actor=on_duty["staff_a"].user, entry=entry, fields={**CALL, "phone": "0571-1"}, reason="")
    amended = services.log_amend(
        actor=on_duty["staff_a"].user, entry=entry, fields={**CALL, "phone": "0571-11111111"}, reason="电话记错"
    )
    entry.refresh_from_db()
    assert entry.fields["phone"] == "0571-87654321"  # the original stays as written
    assert amended.amends == entry
    assert amended.fields["phone"] == "0571-11111111"
    with pytest.raises(PermissionDenied):
        services.log_amend(actor=on_duty["staff_b"].user, entry=entry, fields=CALL, reason="x")


def _write(tree: dict[str, Any], content: str, phone: str = "0571-87654321") -> LogEntry:
    return services.log_write(
        actor=tree["staff_a"].user,
        shift=tree["shift"],
        kind="call",
        fields={**CALL, "content": content, "phone": phone},
    )


def test_ops_03_search_finds_one_and_two_character_words(on_duty: dict[str, Any]) -> None:
    fire = _write(on_duty, "仓库发生火灾，已报119")
    outage = _write(on_duty, "城南停电两小时")
    other = _write(on_duty, "询问值班安排", phone="13912345678")
    entries = LogEntry.objects.all()
    assert set(search.search(entries, "火灾")) == {fire}
    assert set(search.search(entries, "火")) == {fire}
    assert set(search.search(entries, "停电")) == {outage}
    assert set(search.search(entries, "值班")) == {other}
    assert set(search.search(entries, "两")) == {outage}
    assert set(search.search(entries, "电")) == {fire, outage, other}  # 来电: every call
    assert set(search.search(entries, "1391")) == {other}  # a phone number by its beginning
    assert set(search.search(entries, "城南停电")) == {outage}
    assert set(search.search(entries, "南停电两")) == {outage}
    assert set(search.search(entries, "停电城南")) == set()  # the pairs are there, the phrase is not
    assert set(search.search(entries, "水灾")) == set()


def test_ops_03_search_sees_only_what_the_reader_may_see(on_duty: dict[str, Any]) -> None:
    _write(on_duty, "仓库发生火灾")
    assert search.search(selectors.log_list(user=on_duty["staff_a"].user), "火灾").count() == 1
    assert search.search(selectors.log_list(user=on_duty["outsider"].user), "火灾").count() == 0
    assert search.search(selectors.log_list(user=on_duty["staff_b"].user), "火灾").count() == 0


def test_ops_03_log_entry_time_must_lie_in_the_shift(on_duty: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        services.log_write(
            actor=on_duty["staff_a"].user,
            shift=on_duty["shift"],
            kind="call",
            fields=CALL,
            occurred_at=on_duty["shift"].starts_at + minutes(600),
        )
