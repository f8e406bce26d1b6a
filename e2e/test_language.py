"""The language buttons in the top bar switch the interface, and the choice sticks."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_language_buttons_switch_to_english_and_the_choice_sticks(org_tree, chromium, chinese) -> None:
    people_in_chinese = chinese("People")

    with chromium(locale="zh-CN") as tab:  # the browser keeps asking for Chinese
        tab.log_in("head_a")
        page = tab.page
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

        page.click("button[data-lang=en]")

        expect(page).to_have_url(tab.url("/"))  # back on the page the button was pressed on
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator(".topbar nav")).to_contain_text("Duty board")
        expect(page.locator(".topbar nav")).to_contain_text("Organisation")
        expect(page.locator(".topbar")).to_contain_text("Log out")
        expect(page.locator("button[data-lang=en]")).to_be_disabled()

        tab.goto("/org/people/")

        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("main h1")).to_have_text("People")
        expect(page.locator(".topbar nav")).to_contain_text("Duty board")

        page.click("button[data-lang=zh-hans]")

        expect(page).to_have_url(tab.url("/org/people/"))
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        expect(page.locator("main h1")).to_have_text(people_in_chinese)
        expect(page.locator(".topbar nav")).not_to_contain_text("Duty board")
