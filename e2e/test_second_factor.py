"""A privileged account sets up TOTP on first login before it sees anything; a wrong code is refused."""

import base64
import datetime as dt
import time

import pytest
import time_machine
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from zhiban.accounts.models import AdminRole
from zhiban.org.tests.factories import UserFactory

pytestmark = pytest.mark.browser


def code_now(key: bytes, drift: int = 0) -> str:
    """The RFC 6238 code an authenticator app shows now (30-second steps, 6 digits)."""
    totp = TOTP(key, drift=drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def wrong_code(key: bytes) -> str:
    """A 6-digit code that none of the steps the server accepts (now ± 1) would produce."""
    accepted = {code_now(key, drift) for drift in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


def test_privileged_account_sets_up_totp_and_then_reaches_home(chromium) -> None:
    user = UserFactory(username="sysadmin", admin_role=AdminRole.SYSTEM)

    # The clock is moved, never slept on: django-otp refuses every code for 1 s after a failure.
    with time_machine.travel(dt.datetime.now(tz=dt.UTC), tick=True) as traveller, chromium() as tab:
        page = tab.page
        tab.log_in("sysadmin")
        expect(page).to_have_url(tab.url("/accounts/second-factor/"))
        key = base64.b32decode(page.locator("#totp-secret").inner_text().strip())

        tab.goto("/org/people/")  # nothing else opens before the second factor
        expect(page).to_have_url(tab.url("/accounts/second-factor/"))

        page.fill("input[name=code]", wrong_code(key))
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        expect(page).to_have_url(tab.url("/accounts/second-factor/"))
        expect(page.locator("main [role=alert]")).to_be_visible()
        expect(page.locator("#totp-secret")).to_have_text(base64.b32encode(key).decode())

        traveller.shift(dt.timedelta(seconds=60))
        page.fill("input[name=code]", code_now(key))
        with page.expect_navigation():
            page.click("main form button[type=submit]")

        expect(page).to_have_url(tab.url("/"))
        expect(page.locator(".role-banner")).to_be_visible()
        tab.goto("/org/people/")
        expect(page).to_have_url(tab.url("/org/people/"))

    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    assert device.throttling_failure_count == 0
