"""The worker delivers the outbox after commit: inbox items, email over real SMTP, retries with
backoff while the server is down, FAILED after NOTIFY_MAX_ATTEMPTS or at once when hopeless."""

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from zhiban.core import claims
from zhiban.core.worker import Worker
from zhiban.notify import delivery, services
from zhiban.notify.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _retry_settings(settings: Any) -> None:
    settings.WORKER_RETRY_BASE_SECONDS = 60
    settings.WORKER_RETRY_MAX_SECONDS = 3600
    settings.WORKER_STALE_SECONDS = 600
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.ZHIBAN_BASE_URL = "https://zhiban.example.test"


@pytest.fixture
def staff_a(org_tree: dict) -> Any:
    person = org_tree["staff_a"]
    person.email = "zhang.san@example.test"
    person.save()
    services.channel_preference_set(actor=person.user, user=person.user, channel="email", enabled=True)
    return person


def send(person: Any, **kwargs: Any) -> list[OutboxMessage]:
    defaults = {"subject": "值班提醒：3月2日白班", "body": "您明天值白班，请于8:30前到岗签到。", "link": "/board/"}
    with time_machine.travel(T0, tick=False):
        return services.notify(recipients=[person], **{**defaults, **kwargs})


def test_inbox_channel_creates_the_notification_once(staff_a: Any, smtp_server: Any) -> None:
    send(staff_a, channels=["inbox"])
    with time_machine.travel(T0, tick=False):
        assert Worker(name="w").run_once() >= 1
    message = OutboxMessage.objects.get(channel="inbox")
    assert (message.status, message.sent_at, message.address) == (OutboxMessage.Status.SENT, T0, "inbox")
    notification = Notification.objects.get()
    assert (notification.recipient, notification.subject, notification.link) == (
        staff_a.user,
        "值班提醒：3月2日白班",
        "/board/",
    )
    assert notification.source == message
    assert notification.read_at is None
    # Delivering the same message again (a worker that lost its claim) adds nothing.
    assert delivery.deliver_message(message.pk, worker="late") == "lost"
    assert Notification.objects.count() == 1


def test_email_arrives_at_the_smtp_server_in_utf8(staff_a: Any, smtp_server: Any) -> None:
    send(staff_a, channels=["email"])
    with time_machine.travel(T0, tick=False):
        Worker(name="w").run_once()
    message = OutboxMessage.objects.get(channel="email")
    assert (message.status, message.address, message.attempts) == (
        OutboxMessage.Status.SENT,
        "zhang.san@example.test",
        1,
    )
    (envelope,) = smtp_server.envelopes
    assert envelope.rcpt_tos == ["zhang.san@example.test"]
    assert envelope.mail_from == "zhiban@example.test"
    (mail,) = smtp_server.messages()
    assert mail["Subject"] == "值班提醒：3月2日白班"
    assert mail["To"] == "zhang.san@example.test"
    body = mail.get_body().get_content()
    assert "您明天值白班，请于8:30前到岗签到。" in body
    assert "https://zhiban.example.test/board/" in body
    assert mail.get_body().get_content_charset() == "utf-8"


def test_account_email_is_used_when_the_person_record_has_none(org_tree: dict, smtp_server: Any) -> None:
    staff_b = org_tree["staff_b"]
    staff_b.user.email = "account@example.test"
    staff_b.user.save()
    services.channel_preference_set(actor=staff_b.user, user=staff_b.user, channel="email", enabled=True)
    send(staff_b, channels=["email"])
    with time_machine.travel(T0, tick=False):
        Worker(name="w").run_once()
    assert [envelope.rcpt_tos for envelope in smtp_server.envelopes] == [["account@example.test"]]


def test_email_retries_while_the_server_is_down_then_succeeds(staff_a: Any, smtp_server: Any) -> None:
    smtp_server.stop()
    send(staff_a, channels=["email"])
    message = OutboxMessage.objects.get()
    with time_machine.travel(T0, tick=False) as traveller:
        Worker(name="w").run_once()
        message.refresh_from_db()
        assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, 1)
        assert message.next_attempt_at == T0 + dt.timedelta(seconds=60)
        assert "Connection" in message.last_error or "refused" in message.last_error
        traveller.move_to(T0 + dt.timedelta(seconds=59))
        Worker(name="w").run_once()
        message.refresh_from_db()
        assert message.attempts == 1  # not due yet
        traveller.move_to(T0 + dt.timedelta(seconds=60))
        Worker(name="w").run_once()
        message.refresh_from_db()
        assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, 2)
        assert message.next_attempt_at == T0 + dt.timedelta(seconds=60 + 120)
        smtp_server.start()
        traveller.move_to(message.next_attempt_at)
        Worker(name="w").run_once()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxMessage.Status.SENT, 3, "")
    assert len(smtp_server.envelopes) == 1


def test_email_fails_after_notify_max_attempts(staff_a: Any, smtp_server: Any) -> None:
    smtp_server.stop()
    send(staff_a, channels=["email"])
    message = OutboxMessage.objects.get()
    assert message.max_attempts == 3
    with time_machine.travel(T0, tick=False) as traveller:
        for attempt in (1, 2):
            Worker(name="w").run_once()
            message.refresh_from_db()
            assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, attempt)
            traveller.move_to(message.next_attempt_at)
        Worker(name="w").run_once()
        message.refresh_from_db()
        assert (message.status, message.attempts) == (OutboxMessage.Status.FAILED, 3)
        assert message.last_error
        traveller.move_to(T0 + dt.timedelta(days=1))
        smtp_server.start()
        Worker(name="w").run_once()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert smtp_server.envelopes == []


def test_no_email_address_fails_at_once_without_retrying(org_tree: dict, smtp_server: Any) -> None:
    staff_b = org_tree["staff_b"]
    services.channel_preference_set(actor=staff_b.user, user=staff_b.user, channel="email", enabled=True)
    send(staff_b)
    with time_machine.travel(T0, tick=False):
        Worker(name="w").run_once()
    email = OutboxMessage.objects.get(channel="email")
    assert (email.status, email.attempts) == (OutboxMessage.Status.FAILED, 1)
    assert "staff_b has no email address" in email.last_error
    assert OutboxMessage.objects.get(channel="inbox").status == OutboxMessage.Status.SENT


def test_stale_outbox_claim_is_reclaimed(staff_a: Any, smtp_server: Any) -> None:
    send(staff_a, channels=["inbox"])
    claimed = claims.claim_due(OutboxMessage, due_field="next_attempt_at", worker="dead#1", now=T0, limit=5)
    assert len(claimed) == 1
    with time_machine.travel(T0 + dt.timedelta(seconds=599), tick=False):
        Worker(name="alive").run_once()
    assert not Notification.objects.exists()
    with time_machine.travel(T0 + dt.timedelta(seconds=601), tick=False):
        Worker(name="alive").run_once()
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxMessage.Status.SENT, 2)
    assert message.claimed_by.startswith("alive#")
    assert Notification.objects.count() == 1


def test_worker_once_command_delivers_the_outbox(staff_a: Any, smtp_server: Any) -> None:
    send(staff_a)
    call_command("worker", "--once", stdout=io.StringIO())
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxMessage.Status.SENT}
    assert Notification.objects.filter(recipient=staff_a.user).count() == 1
    assert len(smtp_server.envelopes) == 1
