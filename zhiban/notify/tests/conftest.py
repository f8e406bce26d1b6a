"""A real SMTP server on a free local port (aiosmtpd), with the mailer settings pointing at it; a real HTTP server
playing the group robots and the SMS gateway (`robot_server.py`)."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from zhiban.notify.tests.robot_server import RobotServer


class Collect:
    """Keeps every message the server accepts."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class LocalSmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.handler = Collect()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def envelopes(self) -> list[Envelope]:
        return self.handler.envelopes

    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(envelope.original_content or b"", policy=email.policy.default)
            for envelope in self.envelopes
        ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[LocalSmtpServer]:
    """Started; a test may `stop()` it to see delivery fail and `start()` it again on the same port."""
    server = LocalSmtpServer(free_port())
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
        }
    }
    settings.DEFAULT_FROM_EMAIL = "zhiban@example.test"
    server.start()
    yield server
    server.stop()


@pytest.fixture
def robot_server() -> Iterator[RobotServer]:
    """Started on 127.0.0.1 and a free port; stopped after the test."""
    server = RobotServer()
    server.start()
    yield server
    server.stop()
