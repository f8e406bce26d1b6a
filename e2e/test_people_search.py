"""htmx under the strict CSP: the people search filters the table as you type, with no violation."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_people_search_filters_rows_with_htmx_and_no_csp_violation(org_tree, chromium) -> None:
    with chromium() as tab:
        tab.log_in("head_a")
        tab.goto("/org/people/")
        page = tab.page
        rows = page.locator("#people-rows tr")
        expect(rows).to_have_count(2)  # head_a and staff_a; head_b and staff_b are another department's
        expect(page.locator("#people-rows")).not_to_contain_text("staff_b")

        with page.expect_response(lambda r: "/org/people/?q=staff" in r.url) as search:
            page.locator("#people-search").press_sequentially("staff")

        assert search.value.request.headers.get("hx-request") == "true"
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("staff_a")
        expect(page).to_have_url(tab.url("/org/people/"))  # swapped in place, no navigation

        with page.expect_response(lambda r: "q=nobody" in r.url):
            page.locator("#people-search").fill("nobody")
        expect(rows).to_have_count(1)
        expect(page.locator("#people-rows td[colspan='6']")).to_be_visible()

        assert tab.csp_violations == []
        assert tab.page_errors == []

        # The listener works: an inline style is refused and reported.
        with page.expect_console_message(lambda m: m.text.startswith("csp-violation:")):
            page.evaluate(
                "() => { const s = document.createElement('style');"
                " s.textContent = 'body { color: red; }'; document.head.appendChild(s); }"
            )
        assert any("style-src" in violation for violation in tab.csp_violations)
