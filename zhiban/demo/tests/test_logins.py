"""The printed credentials work through the real login page, and the second factor is not switched off."""

import base64
import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP

from zhiban.demo.loader import LoadResult
from zhiban.demo.plan import AccountPlan, DemoPlan

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str) -> None:
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content[:500]


def _account(plan: DemoPlan, username: str) -> AccountPlan:
    return next(a for a in plan.accounts if a.username == username)


def test_a_duty_officer_logs_in_with_the_printed_password_alone(loaded_demo: tuple[DemoPlan, LoadResult]) -> None:
    plan, _ = loaded_demo
    officer = _account(plan, "service.zhaochunzhen")
    assert not officer.needs_second_factor
    client = Client()
    _login(client, officer.username, officer.password)
    assert client.get(reverse("core:home")).status_code == 200


def test_the_scheduler_needs_the_printed_totp_secret(loaded_demo: tuple[DemoPlan, LoadResult]) -> None:
    plan, _ = loaded_demo
    scheduler = _account(plan, "bureau.yangli")
    assert scheduler.needs_second_factor
    assert scheduler.totp_base32 is not None
    client = Client()
    _login(client, scheduler.username, scheduler.password)
    home = client.get(reverse("core:home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("accounts:second_factor"))
    page = client.get(reverse("accounts:second_factor"))
    assert scheduler.totp_base32.encode() not in page.content  # confirmed device: no set-up secret shown again
    wrong = client.post(reverse("accounts:second_factor"), {"code": "000000"})
    assert wrong.status_code == 200
    assert client.get(reverse("core:home")).status_code == 302
    # A failure throttles the device for a moment (django-otp); the right code is accepted after it.
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5), tick=False):
        code = TOTP(base64.b32decode(scheduler.totp_base32)).token()
        assert client.post(reverse("accounts:second_factor"), {"code": f"{code:06d}"}).status_code == 302
        assert client.get(reverse("core:home")).status_code == 200


def test_a_wrong_demo_password_is_refused(loaded_demo: tuple[DemoPlan, LoadResult]) -> None:
    plan, _ = loaded_demo
    admin = _account(plan, "sysadmin")
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "sysadmin", "password": admin.password[:-1]})
    assert response.status_code == 200
    assert client.get(reverse("core:home")).status_code == 302
