"""SMS: a person's messages go through the SMS gateway of their unit (or the nearest unit above it) to a real local
gateway that checks the bearer token; replies the gateway forwards, signed with its secret, reach the registered
reply handlers; unsigned, stale or unknown ones are refused and nothing is written."""

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from zhiban.core.models import AuditEvent
from zhiban.core.worker import Worker
from zhiban.notify import services, sms
from zhiban.notify.models import OutboxMessage, SmsReply, UnitChannel
from zhiban.notify.tests.robot_server import RobotServer
from zhiban.org.models import Person

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.UTC)
GATEWAY_SECRET = RobotServer.sms_token


@pytest.fixture(autouse=True)
def _settings(settings: Any) -> None:
    settings.WORKER_RETRY_BASE_SECONDS = 60
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.ZHIBAN_BASE_URL = "https://zhiban.example.test"


def gateway(unit: Any, url: str, secret: str = GATEWAY_SECRET, label: str = "短信平台") -> UnitChannel:
    return services.unit_channel_create(actor=None, unit=unit, kind="sms_gateway", label=label, url=url, secret=secret)


@pytest.fixture
def staff_a(org_tree: dict) -> Person:
    person = org_tree["staff_a"]
    person.mobile = "+86 138-0013-8000"
    person.save()
    services.channel_preference_set(actor=person.user, user=person.user, channel="sms", enabled=True)
    return person


def text_to(person: Person, **kwargs: Any) -> list[OutboxMessage]:
    with time_machine.travel(T0, tick=False):
        return services.notify(
            recipients=[person], subject="抽查：请回复", body="请回复1确认在岗。", channels=["sms"], **kwargs
        )


def run_worker(at: dt.datetime = T0) -> None:
    with time_machine.travel(at, tick=False):
        Worker(name="w").run_once()


# Out: the sms channel.


def test_sms_goes_through_the_gateway_of_the_organisation(
    org_tree: dict, staff_a: Person, robot_server: RobotServer
) -> None:
    gateway(org_tree["org"], robot_server.sms_url)
    (message,) = text_to(staff_a)
    run_worker()
    message.refresh_from_db()
    assert (message.status, message.address, message.attempts) == (OutboxMessage.Status.SENT, "13800138000", 1)
    (request,) = robot_server.received
    assert request.headers["authorization"] == f"Bearer {GATEWAY_SECRET}"
    assert request.body == {
        "to": "13800138000",
        "text": "抽查：请回复\n请回复1确认在岗。",
        "message_id": message.public_id,
    }


def test_the_nearest_gateway_above_the_person_is_used(
    org_tree: dict, staff_a: Person, robot_server: RobotServer
) -> None:
    gateway(org_tree["org"], f"{robot_server.base}/not-this-one")
    gateway(org_tree["dept_a"], robot_server.sms_url)
    gateway(org_tree["dept_b"], f"{robot_server.base}/nor-this-one")
    text_to(staff_a)
    run_worker()
    assert [request.path for request in robot_server.received] == ["/sms/v1/messages"]
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


def test_sms_is_opt_in_unless_mandatory(org_tree: dict, robot_server: RobotServer) -> None:
    staff_b = org_tree["staff_b"]
    staff_b.mobile = "13900139000"
    staff_b.save()
    assert text_to(staff_b) == []  # not chosen
    (message,) = text_to(staff_b, mandatory=True)
    assert message.channel == "sms"
    with pytest.raises(ValidationError, match="names its channels"):
        services.notify(recipients=[staff_b], subject="s", mandatory=True)


def test_a_gateway_that_refuses_the_token_fails_the_message_at_once(
    org_tree: dict, staff_a: Person, robot_server: RobotServer
) -> None:
    gateway(org_tree["org"], robot_server.sms_url, secret="not-the-gateways-token")
    (message,) = text_to(staff_a)
    run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.FAILED, 1)
    assert message.last_error == 'PermanentDeliveryError: HTTP 401: {"error": "unauthorised"}'


def test_a_gateway_error_is_retried_then_succeeds(org_tree: dict, staff_a: Person, robot_server: RobotServer) -> None:
    gateway(org_tree["org"], robot_server.sms_url)
    (message,) = text_to(staff_a)
    robot_server.force(503, {"error": "busy"})
    run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (
        OutboxMessage.Status.PENDING,
        1,
        T0 + dt.timedelta(seconds=60),
    )
    assert message.last_error == 'TemporaryDeliveryError: HTTP 503: {"error": "busy"}'
    run_worker(T0 + dt.timedelta(seconds=60))
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxMessage.Status.SENT, 2, "")
    assert len(robot_server.received) == 2


def test_no_gateway_or_no_mobile_fails_at_once(org_tree: dict, staff_a: Person, robot_server: RobotServer) -> None:
    (message,) = text_to(staff_a)
    run_worker()
    message.refresh_from_db()
    assert (message.status, message.last_error) == (
        OutboxMessage.Status.FAILED,
        "PermanentDeliveryError: no SMS gateway is configured for 一站 or a unit above it",
    )
    gateway(org_tree["org"], robot_server.sms_url)
    staff_b = org_tree["staff_b"]
    staff_b.mobile = ""
    staff_b.save()
    (message,) = text_to(staff_b, mandatory=True)
    run_worker()
    message.refresh_from_db()
    assert (message.status, message.last_error) == (
        OutboxMessage.Status.FAILED,
        "PermanentDeliveryError: staff_b has no mobile number on file",
    )
    assert robot_server.received == []


def test_phone_numbers_compare_without_formatting_or_country_code() -> None:
    assert {sms.normalise_phone(n) for n in ("+86 138-0013-8000", "008613800138000", "138 0013 8000")} == {
        "13800138000"
    }
    assert sms.normalise_phone("010-6512 3456") == "01065123456"


def test_one_enabled_gateway_per_unit(org_tree: dict, robot_server: RobotServer) -> None:
    first = gateway(org_tree["org"], robot_server.sms_url)
    with pytest.raises(ValidationError, match="already has an enabled SMS gateway"):
        gateway(org_tree["org"], robot_server.sms_url, label="备用短信平台")
    spare = services.unit_channel_create(
        actor=None,
        unit=org_tree["org"],
        kind="sms_gateway",
        label="备用短信平台",
        url=robot_server.sms_url,
        secret="spare-token",
        enabled=False,
    )
    with pytest.raises(ValidationError, match="needs a secret"):
        services.unit_channel_update(actor=None, channel=spare, secret="")
    services.unit_channel_update(actor=None, channel=first, enabled=False)
    services.unit_channel_update(actor=None, channel=spare, enabled=True)
    assert sms.gateway_for(org_tree["station_a"]) == spare


# In: replies forwarded by the gateway.


@pytest.fixture
def handled() -> Iterator[list[tuple[Person, str, dt.datetime]]]:
    """A reply handler that takes replies saying 1 (as a spot check would), registered for the test."""
    calls: list[tuple[Person, str, dt.datetime]] = []

    def spot_check(person: Person, text: str, received_at: dt.datetime) -> bool:
        calls.append((person, text, received_at))
        return text.strip() == "1"

    sms.register_sms_reply_handler(spot_check)
    yield calls
    sms.unregister_sms_reply_handler(spot_check)


def post_reply(
    gateway: UnitChannel,
    payload: Any,
    *,
    secret: str = GATEWAY_SECRET,
    at: dt.datetime = T0,
    signed_at: dt.datetime | None = None,
    signature: str | None = None,
) -> Any:
    body = json.dumps(payload, ensure_ascii=False).encode()
    timestamp = str(int((signed_at or at).timestamp()))
    headers = {
        sms.TIMESTAMP_HEADER: timestamp,
        sms.SIGNATURE_HEADER: signature if signature is not None else sms.reply_signature(secret, timestamp, body),
    }
    with time_machine.travel(at, tick=False):
        return Client(enforce_csrf_checks=True).post(
            reverse("notify:sms_reply", args=[gateway.public_id]),
            data=body,
            content_type="application/json",
            headers=headers,
        )


def written() -> tuple[int, int]:
    return SmsReply.objects.count(), AuditEvent.objects.count()


REPLY = {"from": "+8613800138000", "text": "1", "received_at": "2026-03-02T16:31:05+08:00", "id": "gw-msg-1"}


def test_a_signed_reply_reaches_the_handler(org_tree: dict, staff_a: Person, handled: list) -> None:
    gw = gateway(org_tree["org"], "https://sms.example.test/send")
    response = post_reply(gw, REPLY)
    assert response.status_code == 200
    reply = SmsReply.objects.get()
    assert response.json() == {"reply": reply.public_id, "handled": True, "duplicate": False}
    assert handled == [(staff_a, "1", dt.datetime(2026, 3, 2, 8, 31, 5, tzinfo=dt.UTC))]
    assert (reply.person, reply.phone, reply.text, reply.external_id) == (staff_a, "13800138000", "1", "gw-msg-1")
    assert reply.handled_by.endswith("spot_check")
    event = AuditEvent.objects.get(action="notify.sms_reply.receive")
    assert (event.actor, event.object_id) == (staff_a.user, reply.public_id)


def test_a_reply_no_handler_takes_is_kept_unhandled(org_tree: dict, staff_a: Person, handled: list) -> None:
    gw = gateway(org_tree["org"], "https://sms.example.test/send")
    response = post_reply(gw, {"from": "13800138000", "text": "收到"})
    assert response.json()["handled"] is False
    assert len(handled) == 1
    reply = SmsReply.objects.get()
    assert (reply.handled_by, reply.received_at) == ("", T0)


def test_a_reply_forwarded_twice_is_handled_once(org_tree: dict, staff_a: Person, handled: list) -> None:
    gw = gateway(org_tree["org"], "https://sms.example.test/send")
    first = post_reply(gw, REPLY).json()
    again = post_reply(gw, REPLY, at=T0 + dt.timedelta(seconds=30)).json()
    assert again == {**first, "duplicate": True}
    assert len(handled) == 1
    assert SmsReply.objects.count() == 1


@pytest.mark.parametrize(
    "forgery",
    [
        {"secret": "not-the-gateways-secret"},
        {"signature": ""},
        {"signature": "sha256=" + "0" * 64},
        {"signed_at": T0 - dt.timedelta(minutes=6)},  # replayed
        {"signed_at": T0 + dt.timedelta(minutes=6)},
    ],
    ids=["other-secret", "unsigned", "wrong-signature", "stale", "future"],
)
def test_a_reply_not_signed_by_the_gateway_is_refused_and_nothing_is_handled(
    org_tree: dict, staff_a: Person, handled: list, forgery: dict
) -> None:
    gw = gateway(org_tree["org"], "https://sms.example.test/send")
    before = written()
    response = post_reply(gw, REPLY, **forgery)
    assert response.status_code == 403
    assert response.json() == {"error": "refused"}
    assert handled == []
    assert written() == before


def test_a_reply_to_a_disabled_or_unknown_gateway_is_refused(org_tree: dict, staff_a: Person, handled: list) -> None:
    gw = gateway(org_tree["org"], "https://sms.example.test/send")
    services.unit_channel_update(actor=None, channel=gw, enabled=False)
    robot = services.unit_channel_create(
        actor=None, unit=org_tree["org"], kind="feishu", label="群", url="https://open.feishu.cn/x", secret="s"
    )
    before = written()
    assert post_reply(gw, REPLY).status_code == 403
    assert post_reply(robot, REPLY, secret="s").status_code == 403  # a robot takes no replies
    assert handled == []
    assert written() == before


@pytest.mark.parametrize(
    "sender",
    ["13700000000", "13800138000"],
    ids=["nobody-has-it", "someone-outside-the-gateways-units"],
)
def test_a_reply_from_an_unknown_number_is_refused(org_tree: dict, staff_a: Person, handled: list, sender: str) -> None:
    gw = gateway(org_tree["dept_b"], "https://sms.example.test/send")  # staff_a is in dept_a
    before = written()
    response = post_reply(gw, {**REPLY, "from": sender})
    assert response.status_code == 404
    assert handled == []
    assert written() == before


def test_a_number_two_people_share_is_nobodys(org_tree: dict, staff_a: Person, handled: list) -> None:
    staff_b = org_tree["staff_b"]
    staff_b.mobile = "13800138000"
    staff_b.save()
    gw = gateway(org_tree["org"], "https://sms.example.test/send")
    assert post_reply(gw, REPLY).status_code == 404
    assert handled == []


@pytest.mark.parametrize(
    "payload",
    [
        {"text": "1"},
        {"from": "13800138000"},
        {"from": 13800138000, "text": "1"},
        ["13800138000", "1"],
        {"from": "13800138000", "text": "1", "received_at": "2026-03-02T16:31:05"},
    ],
    ids=["no-sender", "no-text", "number-not-string", "not-an-object", "naive-time"],
)
def test_a_signed_body_that_does_not_parse_is_a_400(
    org_tree: dict, staff_a: Person, handled: list, payload: Any
) -> None:
    gw = gateway(org_tree["org"], "https://sms.example.test/send")
    before = written()
    assert post_reply(gw, payload).status_code == 400
    assert handled == []
    assert written() == before


def test_the_reply_address_takes_only_posts(org_tree: dict) -> None:
    gw = gateway(org_tree["org"], "https://sms.example.test/send")
    assert Client().get(reverse("notify:sms_reply", args=[gw.public_id])).status_code == 405


def test_a_failing_handler_rolls_the_reply_back(org_tree: dict, staff_a: Person) -> None:
    def broken(person: Person, text: str, received_at: dt.datetime) -> bool:
        raise RuntimeError("the duty module is broken")

    sms.register_sms_reply_handler(broken)
    try:
        gw = gateway(org_tree["org"], "https://sms.example.test/send")
        before = written()
        client_error = None
        try:
            post_reply(gw, REPLY)
        except RuntimeError as error:  # the test client re-raises what a view raised (a 500 for the gateway)
            client_error = error
        assert str(client_error) == "the duty module is broken"
        assert written() == before
    finally:
        sms.unregister_sms_reply_handler(broken)
