"""notify() writes outbox rows in the caller's transaction, per person's channels; reading and
channel choices are the person's own and audited."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhiban.core import clock
from zhiban.core.models import AuditEvent
from zhiban.core.worker import Worker
from zhiban.notify import services
from zhiban.notify.models import ChannelPreference, Notification, OutboxMessage
from zhiban.org.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def opt_in_email(person: Any) -> None:
    services.channel_preference_set(actor=person.user, user=person.user, channel="email", enabled=True)


def test_outbox_rows_follow_each_persons_channels(org_tree: dict) -> None:
    staff_a, staff_b = org_tree["staff_a"], org_tree["staff_b"]
    opt_in_email(staff_a)
    audit_before = AuditEvent.objects.count()
    with transaction.atomic():
        messages = services.notify(recipients=[staff_a, staff_b.user], subject="排班已发布", body="请查看三月值班表。")
    assert sorted((getattr(m.recipient, "username", None), m.channel) for m in messages) == [
        ("staff_a", "email"),
        ("staff_a", "inbox"),
        ("staff_b", "inbox"),
    ]
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count() == 3
    # notify() does not audit: the calling service records the change it reports.
    assert AuditEvent.objects.count() == audit_before


def approval_that_fails_after_notifying(person: Any) -> None:
    with transaction.atomic():
        services.notify(recipients=[person], subject="调班已批准", body="……")
        raise RuntimeError("the approval failed after notifying")


def test_rolled_back_change_sends_nothing(org_tree: dict, smtp_server: Any) -> None:
    staff_a = org_tree["staff_a"]
    staff_a.email = "staff_a@example.test"
    staff_a.save()
    opt_in_email(staff_a)
    with pytest.raises(RuntimeError):
        approval_that_fails_after_notifying(staff_a)
    assert not OutboxMessage.objects.exists()
    Worker(name="w").run_once()
    assert not Notification.objects.exists()
    assert smtp_server.envelopes == []


def test_explicit_channels_still_respect_the_persons_choice(org_tree: dict) -> None:
    staff_a, staff_b = org_tree["staff_a"], org_tree["staff_b"]
    opt_in_email(staff_a)
    messages = services.notify(recipients=[staff_a, staff_b], subject="s", channels=["email"])
    assert [(getattr(m.recipient, "username", None), m.channel) for m in messages] == [("staff_a", "email")]


def test_people_without_an_account_and_inactive_accounts_are_skipped(org_tree: dict) -> None:
    no_account = PersonFactory.create(unit=org_tree["station_a"])
    staff_b = org_tree["staff_b"]
    staff_b.user.is_active = False
    staff_b.user.save()
    assert services.notify(recipients=[no_account, staff_b], subject="s") == []
    assert not OutboxMessage.objects.exists()


def test_dedupe_key_does_not_send_the_same_thing_twice(org_tree: dict) -> None:
    staff_a, staff_b = org_tree["staff_a"], org_tree["staff_b"]
    first = services.notify(recipients=[staff_a], subject="s", dedupe_key="roster-7-published")
    second = services.notify(recipients=[staff_a, staff_b], subject="s", dedupe_key="roster-7-published")
    assert len(first) == 1
    assert [getattr(m.recipient, "username", None) for m in second] == ["staff_b"]
    assert OutboxMessage.objects.count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"subject": "  \n "}, "subject"),
        ({"subject": "s", "link": "https://elsewhere.example/"}, "link"),
        ({"subject": "s", "link": "//elsewhere.example/"}, "link"),
        ({"subject": "s", "channels": ["fax"]}, "channels"),
    ],
)
def test_bad_input_is_refused_naming_the_field(org_tree: dict, kwargs: dict, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        services.notify(recipients=[org_tree["staff_a"]], **kwargs)
    assert field in error.value.message_dict
    assert not OutboxMessage.objects.exists()


def test_long_subject_is_shortened_and_newlines_removed(org_tree: dict) -> None:
    (message,) = services.notify(recipients=[org_tree["staff_a"]], subject="第一行\n" + "长" * 300)
    assert "\n" not in message.subject
    assert len(message.subject) == 200
    assert message.subject.endswith("…")


def make_notification(person: Any, subject: str = "s") -> Notification:
    return Notification.objects.create(recipient=person.user, subject=subject, created_at=clock.now())


def test_mark_read_is_audited_once_and_only_for_the_recipient(org_tree: dict) -> None:
    staff_a, head_b = org_tree["staff_a"], org_tree["head_b"]
    notification = make_notification(staff_a)
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.notification_mark_read(actor=head_b.user, notification=notification)
    notification.refresh_from_db()
    assert notification.read_at is None
    assert AuditEvent.objects.count() == before
    services.notification_mark_read(actor=staff_a.user, notification=notification)
    services.notification_mark_read(actor=staff_a.user, notification=notification)  # already read: no change
    notification.refresh_from_db()
    assert notification.read_at is not None
    events = AuditEvent.objects.filter(action="notify.notification.read")
    assert [event.object_id for event in events] == [notification.public_id]


def test_mark_all_read_touches_only_the_actors_notifications(org_tree: dict) -> None:
    staff_a, staff_b = org_tree["staff_a"], org_tree["staff_b"]
    mine = [make_notification(staff_a) for _ in range(3)]
    theirs = make_notification(staff_b)
    assert services.notification_mark_all_read(actor=staff_a.user) == 3
    assert services.notification_mark_all_read(actor=staff_a.user) == 0
    assert all(Notification.objects.get(pk=n.pk).read_at is not None for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    event = AuditEvent.objects.get(action="notify.notification.read_all")
    assert event.summary["after"]["count"] == 3


def test_channel_preferences_are_the_persons_own_and_the_inbox_stays_on(org_tree: dict) -> None:
    staff_a, head_a = org_tree["staff_a"], org_tree["head_a"]
    with pytest.raises(PermissionDenied):
        services.channel_preference_set(actor=head_a.user, user=staff_a.user, channel="email", enabled=True)
    with pytest.raises(ValidationError, match="always on"):
        services.channel_preference_set(actor=staff_a.user, user=staff_a.user, channel="inbox", enabled=False)
    with pytest.raises(ValidationError, match="unknown notification channel"):
        services.channel_preference_set(actor=staff_a.user, user=staff_a.user, channel="pager", enabled=True)
    assert not ChannelPreference.objects.exists()
    services.channel_preference_set(actor=staff_a.user, user=staff_a.user, channel="email", enabled=True)
    services.channel_preference_set(actor=staff_a.user, user=staff_a.user, channel="email", enabled=True)
    assert ChannelPreference.objects.get(user=staff_a.user, channel="email").enabled
    event = AuditEvent.objects.get(action="notify.preference.update")
    assert event.summary == {"before": {"email": False}, "after": {"email": True}}
