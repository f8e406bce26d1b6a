"""Group robots (群机器人) of WeCom (企业微信), DingTalk (钉钉) and Feishu (飞书): each one's message format, its
signature, and what its reply means. A unit's notices reach its robots as outbox rows written by
`services.notify_unit`; the worker delivers them here, after commit, retrying with backoff.

A robot answers HTTP 200 with a result code: `errcode` (WeCom, DingTalk) or `code` (Feishu), 0 when the message was
posted. A rate limit or a busy server is worth retrying; any other code (bad signature, unknown token, keyword or IP
not allowed, bad message) needs an administrator, so the message fails at once with the code kept.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from typing import Any
from urllib.parse import urlencode

from zhiban.core import clock
from zhiban.notify.channels import Channel, PermanentDeliveryError, absolute_link, register_channel
from zhiban.notify.models import OutboxMessage, UnitChannel
from zhiban.notify.outbound import Reply, TemporaryDeliveryError, post_json, raise_for_http_status

Kind = UnitChannel.Kind
ROBOT_KINDS = (Kind.WECOM, Kind.DINGTALK, Kind.FEISHU)
LINK_TEXT = "查看详情"

# Result codes worth retrying: the server is busy (-1) or the robot's rate limit was hit (20 messages a minute
# for WeCom and DingTalk, 100 a minute and 5 a second for Feishu).
RETRYABLE_CODES: dict[str, frozenset[int]] = {
    Kind.WECOM: frozenset({-1, 45009}),
    Kind.DINGTALK: frozenset({-1, 130101, 410100}),
    Kind.FEISHU: frozenset({-1, 11232}),
}
# What each accepts (the body limits of the robots' documentation, with room to spare).
MAX_BYTES = {Kind.WECOM: 4000, Kind.DINGTALK: 18000, Kind.FEISHU: 18000}


def clip(text: str, max_bytes: int) -> str:
    """`text` cut to at most `max_bytes` of UTF-8, marked with an ellipsis when cut."""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[: max_bytes - 3].decode("utf-8", errors="ignore") + "…"


def wecom_payload(subject: str, body: str, url: str) -> dict[str, Any]:
    """企业微信: markdown, `{"msgtype": "markdown", "markdown": {"content": …}}` (at most 4096 bytes)."""
    lines = [f"**{subject}**", body, f"[{LINK_TEXT}]({url})" if url else ""]
    content = clip("\n".join(line for line in lines if line), MAX_BYTES[Kind.WECOM])
    return {"msgtype": "markdown", "markdown": {"content": content}}


def dingtalk_payload(subject: str, body: str, url: str) -> dict[str, Any]:
    """钉钉: markdown with a title (what the chat list shows); a paragraph per line."""
    paragraphs = [f"#### {subject}", *[line for line in body.splitlines() if line.strip()]]
    if url:
        paragraphs.append(f"[{LINK_TEXT}]({url})")
    text = clip("\n\n".join(paragraphs), MAX_BYTES[Kind.DINGTALK])
    return {"msgtype": "markdown", "markdown": {"title": subject, "text": text}}


def feishu_payload(subject: str, body: str, url: str) -> dict[str, Any]:
    """飞书: plain text, `{"msg_type": "text", "content": {"text": …}}`."""
    text = clip("\n".join(part for part in (subject, body, url) if part), MAX_BYTES[Kind.FEISHU])
    return {"msg_type": "text", "content": {"text": text}}


def dingtalk_sign(secret: str, timestamp_ms: str) -> str:
    """钉钉 加签: Base64(HMAC-SHA256(key=secret, message=f"{timestamp}\\n{secret}")), timestamp in milliseconds."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def dingtalk_signed_url(url: str, secret: str, now: dt.datetime) -> str:
    """The webhook URL with `timestamp` and the URL-encoded `sign` appended (valid for an hour)."""
    timestamp = str(int(now.timestamp() * 1000))
    query = urlencode({"timestamp": timestamp, "sign": dingtalk_sign(secret, timestamp)})
    return f"{url}{'&' if '?' in url else '?'}{query}"


def feishu_sign(secret: str, timestamp_s: str) -> str:
    """飞书 签名校验: Base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", message=empty)), timestamp in seconds."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def payload_and_url(robot: UnitChannel, subject: str, body: str, link: str, now: dt.datetime) -> tuple[str, dict]:
    """What to post where for this robot: its message format, signed when it has a secret."""
    url = absolute_link(link) if link else ""
    if robot.kind == Kind.WECOM:
        return robot.url, wecom_payload(subject, body, url)
    if robot.kind == Kind.DINGTALK:
        target = dingtalk_signed_url(robot.url, robot.secret, now) if robot.secret else robot.url
        return target, dingtalk_payload(subject, body, url)
    if robot.kind == Kind.FEISHU:
        payload = feishu_payload(subject, body, url)
        if robot.secret:
            timestamp = str(int(now.timestamp()))
            payload = {"timestamp": timestamp, "sign": feishu_sign(robot.secret, timestamp), **payload}
        return robot.url, payload
    raise PermanentDeliveryError(f"{robot.kind} is not a group robot")


def result_code(kind: str, body: Any) -> tuple[int | None, str]:
    """The robot's result code and message from its JSON reply; (None, "") when it has none."""
    if not isinstance(body, dict):
        return None, ""
    if kind == Kind.FEISHU:
        # The current reply is {"code", "msg", "data"}; older hooks answered {"StatusCode", "StatusMessage"}.
        code = body.get("code", body.get("StatusCode"))
        text = body.get("msg", body.get("StatusMessage", ""))
    else:
        code, text = body.get("errcode"), body.get("errmsg", "")
    try:
        return (int(code) if code is not None else None), str(text or "")
    except (TypeError, ValueError):
        return None, ""


def judge_reply(kind: str, reply: Reply) -> None:
    """Return when the robot posted the message; raise a temporary or a permanent failure otherwise."""
    code, text = result_code(kind, reply.body)
    if code is None:
        raise_for_http_status(reply)
        raise PermanentDeliveryError(f"the reply carries no result code, so this is not a {kind} robot's address")
    if code == 0:
        raise_for_http_status(reply)
        return
    name = "code" if kind == Kind.FEISHU else "errcode"
    detail = f"{name} {code}: {text[:300]}"
    if code in RETRYABLE_CODES[kind] or reply.status >= 500 or reply.status == 429:
        raise TemporaryDeliveryError(detail)
    raise PermanentDeliveryError(detail)


def deliver_to_robot(message: OutboxMessage) -> str:
    robot = message.robot
    if robot is None or robot.kind != message.channel:
        raise PermanentDeliveryError(f"message {message.public_id} names no {message.channel} robot")
    if not robot.enabled:
        raise PermanentDeliveryError(f"the robot {robot.label} is disabled")
    target, payload = payload_and_url(robot, message.subject, message.body, message.link, clock.now())
    judge_reply(robot.kind, post_json(target, payload))
    return robot.label


WECOM = register_channel(Channel(Kind.WECOM.value, Kind.WECOM.label, deliver_to_robot, for_people=False))
DINGTALK = register_channel(Channel(Kind.DINGTALK.value, Kind.DINGTALK.label, deliver_to_robot, for_people=False))
FEISHU = register_channel(Channel(Kind.FEISHU.value, Kind.FEISHU.label, deliver_to_robot, for_people=False))
