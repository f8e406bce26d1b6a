"""A real HTTP server on a free local port playing a WeCom, a DingTalk and a Feishu group robot and an SMS gateway.

Each endpoint checks a request the way the real service does — the WeCom key in the address, DingTalk's `timestamp`
and `sign` query parameters, Feishu's `timestamp` and `sign` body fields, both within an hour of now, the gateway's
bearer token — and answers with the service's own reply shapes and codes. A test may queue replies to serve first
(`force`), to play a server error or a rate limit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

WECOM_PATH = "/cgi-bin/webhook/send"
DINGTALK_PATH = "/robot/send"
FEISHU_PATH = "/open-apis/bot/v2/hook/"
SMS_PATH = "/sms/v1/messages"

WECOM_OK = {"errcode": 0, "errmsg": "ok"}
WECOM_BAD_KEY = {"errcode": 93000, "errmsg": "invalid webhook url, hint: [1733000000_1_abc], from ip: 127.0.0.1"}
WECOM_BAD_MESSAGE = {"errcode": 40008, "errmsg": "invalid message type, hint: [1733000000_2_abc]"}
WECOM_RATE_LIMIT = {"errcode": 45009, "errmsg": "api freq out of limit, hint: [1733000000_3_abc]"}
DINGTALK_OK = {"errcode": 0, "errmsg": "ok"}
DINGTALK_BAD_TOKEN = {"errcode": 300001, "errmsg": "token is not exist"}
DINGTALK_BAD_SIGN = {"errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/doc#/faq]"}
DINGTALK_RATE_LIMIT = {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}
FEISHU_OK = {"code": 0, "data": {}, "msg": "success"}
FEISHU_BAD_TOKEN = {"code": 19001, "data": {}, "msg": "param invalid: incoming webhook access token invalid"}
FEISHU_BAD_SIGN = {
    "code": 19021,
    "data": {},
    "msg": "sign match fail or timestamp is not within one hour from current time",
}
FEISHU_BAD_MESSAGE = {"code": 9499, "data": {}, "msg": "Bad Request"}


@dataclass(frozen=True)
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


class RobotServer:
    wecom_key = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
    dingtalk_token = "dt0c2b7f5e9a41d3b8"
    dingtalk_secret = "SEC3f1b2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8"
    feishu_hook = "3b2e6c0d-8f4a-4e1b-9c7d-5a6f7e8d9c0b"
    feishu_secret = "fE1sHuS1gnK3yExample"
    sms_token = "gw-token-7d1c9a0e4b6f2a83"

    def __init__(self) -> None:
        self.received: list[Received] = []
        self._forced: list[tuple[int, Any]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread: threading.Thread | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def wecom_url(self) -> str:
        return f"{self.base}{WECOM_PATH}?key={self.wecom_key}"

    @property
    def dingtalk_url(self) -> str:
        return f"{self.base}{DINGTALK_PATH}?access_token={self.dingtalk_token}"

    @property
    def feishu_url(self) -> str:
        return f"{self.base}{FEISHU_PATH}{self.feishu_hook}"

    @property
    def sms_url(self) -> str:
        return f"{self.base}{SMS_PATH}"

    def force(self, status: int, body: Any) -> None:
        """Serve this reply to the next request, before any check (in the order forced)."""
        with self._lock:
            self._forced.append((status, body))

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="robot-server", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # What each service answers to a request that passed the forced replies.
    def answer(self, request: Received) -> tuple[int, Any]:
        with self._lock:
            if self._forced:
                return self._forced.pop(0)
        if request.path == WECOM_PATH:
            return self._wecom(request)
        if request.path == DINGTALK_PATH:
            return self._dingtalk(request)
        if request.path.startswith(FEISHU_PATH):
            return self._feishu(request)
        if request.path == SMS_PATH:
            return self._sms(request)
        return 404, {"error": "not found"}

    def _wecom(self, request: Received) -> tuple[int, Any]:
        if request.query.get("key") != self.wecom_key:
            return 200, WECOM_BAD_KEY
        body = request.body if isinstance(request.body, dict) else {}
        kind = body.get("msgtype")
        content = (body.get(kind) or {}).get("content", "") if kind in ("markdown", "text") else ""
        if not content or len(content.encode()) > 4096:
            return 200, WECOM_BAD_MESSAGE
        return 200, WECOM_OK

    def _dingtalk(self, request: Received) -> tuple[int, Any]:
        if request.query.get("access_token") != self.dingtalk_token:
            return 200, DINGTALK_BAD_TOKEN
        timestamp, sign = request.query.get("timestamp", ""), request.query.get("sign", "")
        if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > 3600 * 1000:
            return 200, DINGTALK_BAD_SIGN
        expected = base64.b64encode(
            hmac.new(
                self.dingtalk_secret.encode(), f"{timestamp}\n{self.dingtalk_secret}".encode(), hashlib.sha256
            ).digest()
        ).decode()
        if sign != expected:  # parse_qs has already undone the URL encoding
            return 200, DINGTALK_BAD_SIGN
        body = request.body if isinstance(request.body, dict) else {}
        markdown = body.get("markdown") or {}
        if body.get("msgtype") != "markdown" or not markdown.get("title") or not markdown.get("text"):
            return 200, {"errcode": 40035, "errmsg": "缺少参数 json"}
        return 200, DINGTALK_OK

    def _feishu(self, request: Received) -> tuple[int, Any]:
        if request.path != f"{FEISHU_PATH}{self.feishu_hook}":
            return 200, FEISHU_BAD_TOKEN
        body = request.body if isinstance(request.body, dict) else {}
        timestamp, sign = str(body.get("timestamp", "")), str(body.get("sign", ""))
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 3600:
            return 200, FEISHU_BAD_SIGN
        key = f"{timestamp}\n{self.feishu_secret}".encode()
        if sign != base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode():
            return 200, FEISHU_BAD_SIGN
        if body.get("msg_type") != "text" or not (body.get("content") or {}).get("text"):
            return 200, FEISHU_BAD_MESSAGE
        return 200, FEISHU_OK

    def _sms(self, request: Received) -> tuple[int, Any]:
        if request.headers.get("authorization") != f"Bearer {self.sms_token}":
            return 401, {"error": "unauthorised"}
        body = request.body if isinstance(request.body, dict) else {}
        if not body.get("to") or not body.get("text"):
            return 400, {"error": "to and text are required"}
        return 200, {"id": f"gw-{len(self.received)}", "status": "accepted"}


def _handler_for(server: RobotServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body = json.loads(raw.decode("utf-8"))
            except ValueError:
                body = None
            request = Received(
                path=parts.path,
                query={name: values[-1] for name, values in parse_qs(parts.query).items()},
                headers={name.lower(): value for name, value in self.headers.items()},
                body=body,
            )
            with server._lock:
                server.received.append(request)
            status, reply = server.answer(request)
            data = json.dumps(reply, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the tests read `received`, not the log

    return Handler
