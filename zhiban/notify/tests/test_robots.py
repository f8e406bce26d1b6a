"""A unit's group robots (WeCom, DingTalk, Feishu) get its notices through the outbox: delivered by the worker after
commit to a real local server that checks each service's signature and answers in its reply shapes; retried with
backoff on a server error or a rate limit; failed at once on a bad signature or address, with the error kept."""

import base64
import datetime as dt
import hashlib
import hmac
from typing import Any
from urllib.parse import quote_plus

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction

from zhiban.core.worker import Worker
from zhiban.notify import robots, services
from zhiban.notify.models import OutboxMessage, UnitChannel
from zhiban.notify.tests.conftest import free_port
from zhiban.notify.tests.robot_server import RobotServer

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.UTC)
SUBJECT = "值班表已发布：办公室 3月"
BODY = "3月值班表第1版已发布。\n请各位核对本人班次。"


@pytest.fixture(autouse=True)
def _retry_settings(settings: Any) -> None:
    settings.WORKER_RETRY_BASE_SECONDS = 60
    settings.WORKER_RETRY_MAX_SECONDS = 3600
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.ZHIBAN_BASE_URL = "https://zhiban.example.test"


def robot(unit: Any, kind: str, url: str, secret: str = "", label: str = "") -> UnitChannel:
    return services.unit_channel_create(
        actor=None, unit=unit, kind=kind, label=label or f"{kind} 群", url=url, secret=secret
    )


def announce(unit: Any, **kwargs: Any) -> list[OutboxMessage]:
    with time_machine.travel(T0, tick=False):
        return services.notify_unit(unit=unit, subject=SUBJECT, body=BODY, link="/roster/", **kwargs)


def run_worker(at: dt.datetime = T0) -> None:
    with time_machine.travel(at, tick=False):
        Worker(name="w").run_once()


def test_wecom_robot_posts_markdown_to_its_group(org_tree: dict, robot_server: RobotServer) -> None:
    hook = robot(org_tree["dept_a"], "wecom", robot_server.wecom_url)
    (message,) = announce(org_tree["dept_a"])
    assert (message.channel, message.robot, message.recipient) == ("wecom", hook, None)
    assert robot_server.received == []  # nothing leaves before the worker runs
    run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.sent_at, message.address) == (
        OutboxMessage.Status.SENT,
        1,
        T0,
        "wecom 群",
    )
    (request,) = robot_server.received
    assert request.query == {"key": RobotServer.wecom_key}
    assert request.headers["content-type"] == "application/json; charset=utf-8"
    assert request.body == {
        "msgtype": "markdown",
        "markdown": {
            "content": f"**{SUBJECT}**\n{BODY}\n[查看详情](https://zhiban.example.test/roster/)",
        },
    }


def test_dingtalk_robot_signs_the_address_with_its_secret(org_tree: dict, robot_server: RobotServer) -> None:
    robot(org_tree["dept_a"], "dingtalk", robot_server.dingtalk_url, secret=RobotServer.dingtalk_secret)
    (message,) = announce(org_tree["dept_a"])
    run_worker()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT, message.last_error
    (request,) = robot_server.received
    timestamp = str(int(T0.timestamp() * 1000))
    string_to_sign = f"{timestamp}\n{RobotServer.dingtalk_secret}".encode()
    sign = base64.b64encode(hmac.new(RobotServer.dingtalk_secret.encode(), string_to_sign, hashlib.sha256).digest())
    assert request.query == {
        "access_token": RobotServer.dingtalk_token,
        "timestamp": timestamp,
        "sign": sign.decode(),
    }
    assert request.body == {
        "msgtype": "markdown",
        "markdown": {
            "title": SUBJECT,
            "text": f"#### {SUBJECT}\n\n3月值班表第1版已发布。\n\n请各位核对本人班次。\n\n"
            "[查看详情](https://zhiban.example.test/roster/)",
        },
    }


def test_dingtalk_sign_is_url_encoded_in_the_address() -> None:
    timestamp = str(int(T0.timestamp() * 1000))
    sign = robots.dingtalk_sign("SECxyz", timestamp)
    url = robots.dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=x", "SECxyz", T0)
    assert url == f"https://oapi.dingtalk.com/robot/send?access_token=x&timestamp={timestamp}&sign={quote_plus(sign)}"


def test_feishu_robot_signs_the_body_with_its_secret(org_tree: dict, robot_server: RobotServer) -> None:
    robot(org_tree["dept_a"], "feishu", robot_server.feishu_url, secret=RobotServer.feishu_secret)
    (message,) = announce(org_tree["dept_a"])
    run_worker()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT, message.last_error
    (request,) = robot_server.received
    timestamp = str(int(T0.timestamp()))
    key = f"{timestamp}\n{RobotServer.feishu_secret}".encode()
    assert request.body == {
        "timestamp": timestamp,
        "sign": base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode(),
        "msg_type": "text",
        "content": {"text": f"{SUBJECT}\n{BODY}\nhttps://zhiban.example.test/roster/"},
    }


@pytest.mark.parametrize(
    ("kind", "url", "secret", "code"),
    [
        ("dingtalk", "dingtalk_url", "SECnot-the-robots-secret", "errcode 310000: sign not match"),
        ("feishu", "feishu_url", "not-the-robots-secret", "code 19021: sign match fail"),
    ],
)
def test_a_bad_signature_fails_at_once_with_the_robots_answer_kept(
    org_tree: dict, robot_server: RobotServer, kind: str, url: str, secret: str, code: str
) -> None:
    robot(org_tree["dept_a"], kind, getattr(robot_server, url), secret=secret)
    (message,) = announce(org_tree["dept_a"])
    run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.FAILED, 1)
    assert message.last_error.startswith(f"PermanentDeliveryError: {code}")
    run_worker(T0 + dt.timedelta(days=1))
    assert len(robot_server.received) == 1  # never tried again


def test_a_wrong_wecom_key_fails_at_once(org_tree: dict, robot_server: RobotServer) -> None:
    robot(org_tree["dept_a"], "wecom", robot_server.wecom_url.replace(RobotServer.wecom_key, "revoked-key"))
    (message,) = announce(org_tree["dept_a"])
    run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.FAILED, 1)
    assert "errcode 93000: invalid webhook url" in message.last_error
    assert "revoked-key" not in message.last_error  # the address's token is never written into the error


def test_a_server_error_is_retried_with_backoff_then_succeeds(org_tree: dict, robot_server: RobotServer) -> None:
    robot(org_tree["dept_a"], "dingtalk", robot_server.dingtalk_url, secret=RobotServer.dingtalk_secret)
    (message,) = announce(org_tree["dept_a"])
    robot_server.force(500, {"errcode": -1, "errmsg": "系统繁忙"})
    run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, 1)
    assert message.next_attempt_at == T0 + dt.timedelta(seconds=60)
    assert message.last_error == "TemporaryDeliveryError: errcode -1: 系统繁忙"
    run_worker(T0 + dt.timedelta(seconds=59))
    assert len(robot_server.received) == 1  # not due yet
    run_worker(T0 + dt.timedelta(seconds=60))  # signed anew at the new time, which the robot checks
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxMessage.Status.SENT, 2, "")
    assert message.sent_at == T0 + dt.timedelta(seconds=60)
    assert robot_server.received[1].query["timestamp"] == str(int(T0.timestamp() * 1000) + 60_000)


def test_a_plain_http_500_without_a_result_code_is_retried(org_tree: dict, robot_server: RobotServer) -> None:
    robot(org_tree["dept_a"], "feishu", robot_server.feishu_url, secret=RobotServer.feishu_secret)
    (message,) = announce(org_tree["dept_a"])
    robot_server.force(502, "<html>Bad Gateway</html>")
    run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, 1)
    assert message.last_error.startswith("TemporaryDeliveryError: HTTP 502")


@pytest.mark.parametrize(
    ("kind", "url", "secret", "limited"),
    [
        ("wecom", "wecom_url", "", {"errcode": 45009, "errmsg": "api freq out of limit"}),
        ("dingtalk", "dingtalk_url", RobotServer.dingtalk_secret, {"errcode": 130101, "errmsg": "send too fast"}),
        ("feishu", "feishu_url", RobotServer.feishu_secret, {"code": 11232, "msg": "frequency limited", "data": {}}),
    ],
)
def test_a_rate_limit_is_retried(
    org_tree: dict, robot_server: RobotServer, kind: str, url: str, secret: str, limited: dict
) -> None:
    robot(org_tree["dept_a"], kind, getattr(robot_server, url), secret=secret)
    (message,) = announce(org_tree["dept_a"])
    robot_server.force(200, limited)
    run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, 1)
    assert message.last_error.startswith("TemporaryDeliveryError:")
    run_worker(message.next_attempt_at)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT, message.last_error


def test_an_unreachable_robot_fails_after_max_attempts(org_tree: dict) -> None:
    robot(org_tree["dept_a"], "wecom", f"http://127.0.0.1:{free_port()}/cgi-bin/webhook/send?key=k")
    (message,) = announce(org_tree["dept_a"])
    at = T0
    for attempt in (1, 2):
        run_worker(at)
        message.refresh_from_db()
        assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, attempt)
        assert "could not reach the server" in message.last_error
        at = message.next_attempt_at
    run_worker(at)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.FAILED, 3)
    assert "could not reach the server" in message.last_error


def test_an_address_that_is_no_robot_fails_at_once(org_tree: dict, robot_server: RobotServer) -> None:
    robot(org_tree["dept_a"], "dingtalk", robot_server.sms_url)  # the gateway: 401 {"error": …}, no errcode
    (message,) = announce(org_tree["dept_a"])
    run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.FAILED, 1)
    assert message.last_error.startswith("PermanentDeliveryError: HTTP 401")


def test_a_rolled_back_change_sends_nothing(org_tree: dict, robot_server: RobotServer) -> None:
    robot(org_tree["dept_a"], "wecom", robot_server.wecom_url)

    class Refused(Exception):
        pass

    def change_that_is_refused() -> None:
        with transaction.atomic():
            assert len(announce(org_tree["dept_a"])) == 1
            raise Refused

    with pytest.raises(Refused):
        change_that_is_refused()
    run_worker()
    assert not OutboxMessage.objects.exists()
    assert robot_server.received == []


def test_each_enabled_robot_of_the_unit_gets_the_notice_once_per_key(org_tree: dict, robot_server: RobotServer) -> None:
    dept_a = org_tree["dept_a"]
    wecom = robot(dept_a, "wecom", robot_server.wecom_url)
    feishu = robot(dept_a, "feishu", robot_server.feishu_url, secret=RobotServer.feishu_secret)
    services.unit_channel_update(
        actor=None, channel=robot(dept_a, "dingtalk", robot_server.dingtalk_url), enabled=False
    )
    robot(org_tree["dept_b"], "wecom", robot_server.wecom_url)  # another department's group
    first = announce(dept_a, dedupe_key="roster.published:7")
    assert {message.robot for message in first} == {wecom, feishu}
    assert announce(dept_a, dedupe_key="roster.published:7") == []
    run_worker()
    assert sorted(request.path.split("/")[1] for request in robot_server.received) == ["cgi-bin", "open-apis"]


def test_a_stations_notice_reaches_the_robots_above_it_only_when_asked(
    org_tree: dict, robot_server: RobotServer
) -> None:
    org_robot = robot(org_tree["org"], "wecom", robot_server.wecom_url)
    dept_robot = robot(org_tree["dept_a"], "feishu", robot_server.feishu_url, secret=RobotServer.feishu_secret)
    robot(org_tree["dept_b"], "wecom", robot_server.wecom_url)
    assert announce(org_tree["station_a"]) == []
    both = announce(org_tree["station_a"], include_ancestors=True)
    assert {message.robot for message in both} == {org_robot, dept_robot}


def test_a_robot_disabled_after_the_notice_was_queued_is_not_posted_to(
    org_tree: dict, robot_server: RobotServer
) -> None:
    hook = robot(org_tree["dept_a"], "wecom", robot_server.wecom_url)
    (message,) = announce(org_tree["dept_a"])
    services.unit_channel_update(actor=None, channel=hook, enabled=False)
    run_worker()
    message.refresh_from_db()
    assert (message.status, message.last_error) == (
        OutboxMessage.Status.FAILED,
        "PermanentDeliveryError: the robot wecom 群 is disabled",
    )
    assert robot_server.received == []


def test_robots_are_not_channels_people_choose_or_are_sent_on(org_tree: dict) -> None:
    staff_a = org_tree["staff_a"]
    with pytest.raises(ValidationError, match="belongs to units"):
        services.channel_preference_set(actor=staff_a.user, user=staff_a.user, channel="wecom", enabled=True)
    with pytest.raises(ValidationError, match="unknown notification channel"):
        services.notify(recipients=[staff_a], subject="s", channels=["dingtalk"])
    assert {message.channel for message in services.notify(recipients=[staff_a], subject="s")} == {"inbox"}


def test_a_long_notice_is_cut_to_what_wecom_accepts(org_tree: dict, robot_server: RobotServer) -> None:
    robot(org_tree["dept_a"], "wecom", robot_server.wecom_url)
    with time_machine.travel(T0, tick=False):
        services.notify_unit(unit=org_tree["dept_a"], subject=SUBJECT, body="值班" * 3000)
    run_worker()
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT
    content = robot_server.received[0].body["markdown"]["content"]
    assert len(content.encode()) <= 4096
    assert content.endswith("…")
