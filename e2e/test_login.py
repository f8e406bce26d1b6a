"""Logging in with a password: the Chinese home page, and the lockout after 5 bad passwords."""

import pytest
from playwright.sync_api import expect

from zhiban.accounts.models import User

pytestmark = pytest.mark.browser

LOCKOUT_ATTEMPTS = 5  # settings.AXES_FAILURE_LIMIT


def test_login_with_password_shows_the_home_page_in_chinese(org_tree, chromium, chinese) -> None:
    labels = [chinese("Duty board"), chinese("Organisation"), chinese("Log out")]
    welcome = chinese("Welcome, %(name)s") % {"name": "head_a"}

    with chromium() as tab:
        tab.goto("/")
        expect(tab.page).to_have_url(tab.url_pattern("/accounts/login/"))
        expect(tab.page.locator("html")).to_have_attribute("lang", "zh-CN")

        tab.log_in("head_a")

        page = tab.page
        expect(page).to_have_url(tab.url("/"))
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        expect(page.locator(".topbar .brand")).to_contain_text("值班")
        expect(page.locator("h1")).to_have_text(welcome)
        for label in labels:
            expect(page.locator(".topbar")).to_contain_text(label)
        expect(page.locator(".topbar")).not_to_contain_text("Duty board")
        expect(page.locator(".topbar .who")).to_have_text("head_a")
        tab.save_screenshot("home-zh-hans")

    assert User.objects.get(username="head_a").last_login is not None


def test_four_bad_passwords_then_the_right_one_logs_in(org_tree, chromium) -> None:
    with chromium() as tab:
        for attempt in range(1, LOCKOUT_ATTEMPTS):
            tab.log_in("staff_a", f"wrong-password-{attempt}")
            expect(tab.page.locator("main [role=alert]")).to_be_visible()
            expect(tab.page.locator("#locked")).to_have_count(0)

        tab.log_in("staff_a")

        expect(tab.page).to_have_url(tab.url("/"))
        expect(tab.page.locator(".topbar .who")).to_have_text("staff_a")

    assert User.objects.get(username="staff_a").last_login is not None


def test_account_locked_after_five_bad_passwords_even_with_the_right_one(org_tree, chromium) -> None:
    with chromium() as tab:
        for attempt in range(1, LOCKOUT_ATTEMPTS):
            tab.log_in("staff_a", f"wrong-password-{attempt}")
            expect(tab.page.locator("#locked")).to_have_count(0)
        tab.log_in("staff_a", "wrong-password-5")
        expect(tab.page.locator("#locked")).to_be_visible()

        tab.log_in("staff_a")  # the 6th attempt, with the right password

        expect(tab.page.locator("#locked")).to_be_visible()
        tab.goto("/")
        expect(tab.page).to_have_url(tab.url_pattern("/accounts/login/"))
        expect(tab.page.locator(".topbar .who")).to_have_count(0)

    assert User.objects.get(username="staff_a").last_login is None
