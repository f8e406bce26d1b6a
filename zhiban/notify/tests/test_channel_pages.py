"""The pages and API of units' robots and SMS gateways and of undelivered messages: only those who manage a unit see
and change its channels and messages (another unit's are "not found"), secrets and tokens are never shown back, and
every change is audited; anyone else is refused and nothing changes."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhiban.accounts import services as account_services
from zhiban.accounts.models import AdminRole
from zhiban.accounts.tests.clients import verified_client
from zhiban.core.models import AuditEvent
from zhiban.core.worker import Worker
from zhiban.notify import services
from zhiban.notify.models import OutboxMessage, UnitChannel
from zhiban.notify.tests.robot_server import RobotServer
from zhiban.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.UTC)
DINGTALK_URL = "https://oapi.dingtalk.com/robot/send?access_token=9f8e7d6c5b4a39281706f5e4d3c2b1a0"
DINGTALK_SECRET = "SEC1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b"


@pytest.fixture(autouse=True)
def _settings(settings: Any) -> None:
    settings.NOTIFY_MAX_ATTEMPTS = 3


def client_for(user: Any) -> Client:
    """Signed in, with the second factor passed for those who need it (administrators)."""
    return verified_client(user)


def bearer(user: Any) -> dict[str, str]:
    _token, plain = account_services.access_token_create(actor=None, user=user, name="t", second_factor_passed=True)
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def channels(org_tree: dict) -> dict[str, UnitChannel]:
    return {
        "a": services.unit_channel_create(
            actor=None,
            unit=org_tree["dept_a"],
            kind="dingtalk",
            label="办公室值班群",
            url=DINGTALK_URL,
            secret=DINGTALK_SECRET,
        ),
        "b": services.unit_channel_create(
            actor=None,
            unit=org_tree["dept_b"],
            kind="wecom",
            label="财务处群",
            url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e",
        ),
    }


@pytest.fixture
def failed(org_tree: dict, channels: dict) -> OutboxMessage:
    """dept_a's robot message, failed for good on a bad signature (against a real local DingTalk robot)."""
    robot_server = RobotServer()
    robot_server.start()
    try:
        services.unit_channel_update(
            actor=None, channel=channels["a"], url=robot_server.dingtalk_url, secret="SECwrong"
        )
        with time_machine.travel(T0, tick=False):
            (message,) = services.notify_unit(unit=org_tree["dept_a"], subject="值班表已发布")
            Worker(name="w").run_once()
    finally:
        robot_server.stop()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    return message


def state() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int]:
    return (
        sorted(UnitChannel.objects.values_list("public_id", "label", "url", "secret", "enabled")),
        sorted(OutboxMessage.objects.values_list("public_id", "status", "attempts")),
        AuditEvent.objects.count(),
    )


def new_channel_form(unit: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "unit": unit.public_id,
        "kind": "feishu",
        "label": "飞书值班群",
        "url": "https://open.feishu.cn/open-apis/bot/v2/hook/3b2e6c0d-8f4a-4e1b-9c7d-5a6f7e8d9c0b",
        "secret": "fE1sHuS1gnK3yExampleSecret",
        "enabled": "on",
        **overrides,
    }


def test_anonymous_visitors_are_sent_to_log_in_and_change_nothing(
    org_tree: dict, channels: dict, failed: OutboxMessage
) -> None:
    before = state()
    client = Client()
    for url in (
        reverse("notify:channels"),
        reverse("notify:channel_create"),
        reverse("notify:channel_edit", args=[channels["a"].public_id]),
        reverse("notify:delivery_problems"),
        reverse("notify:delivery_retry", args=[failed.public_id]),
    ):
        for response in (client.get(url), client.post(url, new_channel_form(org_tree["dept_a"]))):
            assert response.status_code in (302, 405)
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("accounts:login"))
    assert state() == before


@pytest.mark.parametrize("who", ["staff_a", "security", "audit"])
def test_people_who_manage_no_unit_are_refused_and_change_nothing(
    org_tree: dict, channels: dict, failed: OutboxMessage, who: str
) -> None:
    if who in ("security", "audit"):  # 三员分立: the security and audit administrators manage no unit
        user = UserFactory.create(username=who, admin_role=AdminRole.SECURITY if who == "security" else AdminRole.AUDIT)
    else:
        user = org_tree[who].user
    client, token = client_for(user), bearer(user)
    before = state()
    assert client.get(reverse("notify:channels")).status_code == 403
    assert client.get(reverse("notify:channel_create")).status_code == 403
    assert client.post(reverse("notify:channel_create"), new_channel_form(org_tree["dept_a"])).status_code == 403
    edit = reverse("notify:channel_edit", args=[channels["a"].public_id])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"label": "改名", "enabled": ""}).status_code == 404
    assert client.get(reverse("notify:delivery_problems")).status_code == 403
    assert client.post(reverse("notify:delivery_retry", args=[failed.public_id])).status_code == 404
    assert reverse("notify:channels") not in client.get(reverse("notify:inbox")).content.decode()
    for path in ("/api/v1/inbox/unit-channels", "/api/v1/inbox/delivery-problems"):
        response = Client().get(path, headers=token)
        assert response.status_code == 200
        assert response.json()["items"] == []
    assert state() == before


def test_another_departments_head_sees_nothing_of_this_department_and_changes_nothing(
    org_tree: dict, channels: dict, failed: OutboxMessage
) -> None:
    client, token = client_for(org_tree["head_b"].user), bearer(org_tree["head_b"].user)
    before = state()
    page = client.get(reverse("notify:channels")).content.decode()
    assert "财务处群" in page
    assert "办公室值班群" not in page
    edit = reverse("notify:channel_edit", args=[channels["a"].public_id])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"label": "改名", "url": "https://evil.example.test/", "enabled": "on"}).status_code == 404
    response = client.post(reverse("notify:channel_create"), new_channel_form(org_tree["dept_a"]))
    assert response.status_code == 200  # the form again: dept_a is not a unit they may choose
    assert "unit" in response.context["form"].errors
    problems = client.get(reverse("notify:delivery_problems")).content.decode()
    assert "值班表已发布" not in problems
    assert client.post(reverse("notify:delivery_retry", args=[failed.public_id])).status_code == 404
    api = Client().get("/api/v1/inbox/unit-channels", headers=token).json()
    assert [item["label"] for item in api["items"]] == ["财务处群"]
    problems_api = Client().get("/api/v1/inbox/delivery-problems", headers=token).json()
    assert problems_api["items"] == []
    assert state() == before


def test_a_head_configures_a_robot_and_its_secret_is_never_shown_back(org_tree: dict) -> None:
    client = client_for(org_tree["head_a"].user)
    form = new_channel_form(org_tree["station_a"])
    response = client.post(reverse("notify:channel_create"), form)
    assert response.status_code == 302
    channel = UnitChannel.objects.get()
    assert (channel.unit, channel.kind, channel.label, channel.url, channel.secret, channel.enabled) == (
        org_tree["station_a"],
        "feishu",
        "飞书值班群",
        form["url"],
        form["secret"],
        True,
    )
    event = AuditEvent.objects.get(action="notify.unit_channel.create")
    assert event.actor == org_tree["head_a"].user
    for shown in (
        client.get(reverse("notify:channels")).content.decode(),
        client.get(reverse("notify:channel_edit", args=[channel.public_id])).content.decode(),
        str(event.summary),
        str(Client().get("/api/v1/inbox/unit-channels", headers=bearer(org_tree["head_a"].user)).json()),
    ):
        assert form["secret"] not in shown
        assert "3b2e6c0d-8f4a-4e1b-9c7d" not in shown  # the hook's token in its address
        assert "https://open.feishu.cn/…9c0b" in shown
        assert "…cret" in shown


def test_editing_keeps_what_is_left_blank_and_can_disable(org_tree: dict, channels: dict) -> None:
    channel = channels["a"]
    client = client_for(org_tree["head_a"].user)
    edit = reverse("notify:channel_edit", args=[channel.public_id])
    assert client.post(edit, {"label": "办公室群", "url": "", "secret": ""}).status_code == 302
    channel.refresh_from_db()
    assert (channel.label, channel.url, channel.secret, channel.enabled) == (
        "办公室群",
        DINGTALK_URL,
        DINGTALK_SECRET,
        False,
    )
    assert client.post(edit, {"label": "办公室群", "clear_secret": "on", "enabled": "on"}).status_code == 302
    channel.refresh_from_db()
    assert (channel.secret, channel.enabled) == ("", True)
    events = AuditEvent.objects.filter(action="notify.unit_channel.update", object_id=channel.public_id)
    assert [(e.summary["after"]["enabled"], e.summary["after"]["secret_changed"]) for e in events] == [
        (False, False),
        (True, True),
    ]
    before = state()
    assert client.post(edit, {"label": "办公室群", "enabled": "on"}).status_code == 302  # nothing changed
    assert state() == before


def test_a_wecom_robot_takes_no_secret_and_a_gateway_needs_one(org_tree: dict) -> None:
    client = client_for(org_tree["head_a"].user)
    before = state()
    wecom = new_channel_form(
        org_tree["dept_a"], kind="wecom", url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
    )
    assert "secret" in client.post(reverse("notify:channel_create"), wecom).context["form"].errors
    gateway = new_channel_form(org_tree["dept_a"], kind="sms_gateway", url="https://sms.example.test/", secret="")
    assert "secret" in client.post(reverse("notify:channel_create"), gateway).context["form"].errors
    not_http = new_channel_form(org_tree["dept_a"], url="file:///etc/passwd")
    assert "url" in client.post(reverse("notify:channel_create"), not_http).context["form"].errors
    assert state() == before


def test_the_head_sees_the_failure_with_its_error_and_sends_it_again(
    org_tree: dict, channels: dict, failed: OutboxMessage
) -> None:
    client = client_for(org_tree["head_a"].user)
    page = client.get(reverse("notify:delivery_problems")).content.decode()
    assert "值班表已发布" in page
    assert "errcode 310000: sign not match" in page
    assert "值班表已发布" not in client.get(reverse("notify:delivery_problems") + "?state=retrying").content.decode()
    (item,) = Client().get("/api/v1/inbox/delivery-problems", headers=bearer(org_tree["head_a"].user)).json()["items"]
    assert item["public_id"] == failed.public_id
    assert (item["channel"], item["status"], item["attempts"], item["unit"], item["robot"], item["recipient"]) == (
        "dingtalk",
        "failed",
        1,
        org_tree["dept_a"].public_id,
        channels["a"].public_id,
        None,
    )
    assert item["last_error"].startswith("PermanentDeliveryError: errcode 310000")
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        assert client.post(reverse("notify:delivery_retry", args=[failed.public_id])).status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.next_attempt_at) == (
        OutboxMessage.Status.PENDING,
        0,
        T0 + dt.timedelta(hours=1),
    )
    assert AuditEvent.objects.filter(action="notify.message.retry", object_id=failed.public_id).count() == 1
    before = state()
    again = client.post(reverse("notify:delivery_retry", args=[failed.public_id]), follow=True)
    assert "only a message that failed is sent again" in again.content.decode()  # it is waiting now
    assert state() == before


def test_the_system_administrator_sees_every_units_channels(org_tree: dict, channels: dict) -> None:
    admin = UserFactory.create(username="sysadmin", admin_role=AdminRole.SYSTEM)
    page = client_for(admin).get(reverse("notify:channels")).content.decode()
    assert "办公室值班群" in page
    assert "财务处群" in page


def test_the_inbox_links_the_channel_pages_for_those_who_manage(org_tree: dict) -> None:
    page = client_for(org_tree["head_a"].user).get(reverse("notify:inbox")).content.decode()
    assert reverse("notify:channels") in page
    assert reverse("notify:delivery_problems") in page


def test_the_api_refuses_anonymous_callers(org_tree: dict) -> None:
    for path in ("/api/v1/inbox/unit-channels", "/api/v1/inbox/delivery-problems"):
        assert Client().get(path).status_code == 401
    assert (
        Client().get("/api/v1/inbox/delivery-problems?state=lost", headers=bearer(org_tree["head_a"].user)).status_code
        == 422
    )


def test_the_undelivered_list_costs_the_same_queries_however_many_rows(org_tree: dict, channels: dict) -> None:
    staff_a = org_tree["staff_a"]

    def fail(count: int) -> None:
        for n in range(count):
            for robot, recipient, channel in ((channels["a"], None, "dingtalk"), (None, staff_a.user, "sms")):
                OutboxMessage.objects.create(
                    robot=robot,
                    recipient=recipient,
                    channel=channel,
                    subject=f"第{n}条",
                    created_at=T0,
                    next_attempt_at=T0,
                    status=OutboxMessage.Status.FAILED,
                    attempts=3,
                    last_error="PermanentDeliveryError: errcode 310000: sign not match",
                )

    client = client_for(org_tree["head_a"].user)
    token = bearer(org_tree["head_a"].user)
    fail(1)
    # The first request of a session, and of a token, read and write more (second factor, token last used).
    client.get(reverse("notify:delivery_problems"))
    Client().get("/api/v1/inbox/delivery-problems", headers=token)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("notify:delivery_problems")).status_code == 200
    with CaptureQueriesContext(connection) as few_api:
        assert len(Client().get("/api/v1/inbox/delivery-problems", headers=token).json()["items"]) == 2
    fail(20)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("notify:delivery_problems")).content.decode().count("第") == 42
    with CaptureQueriesContext(connection) as many_api:
        assert len(Client().get("/api/v1/inbox/delivery-problems", headers=token).json()["items"]) == 42
    assert len(many) == len(few)
    assert len(many_api) == len(few_api)
