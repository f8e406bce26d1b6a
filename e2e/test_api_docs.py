"""The API documentation (/api/docs) renders its operations in the browser from the app's own static files: an
office network may be offline, and the app's CSP blocks CDNs."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_api_docs_render_the_operations_offline_under_the_csp(chromium) -> None:
    with chromium() as tab:
        requested: list[str] = []
        tab.page.on("request", lambda request: requested.append(request.url))
        tab.goto("/api/docs")
        expect(tab.page.locator(".opblock").first).to_be_visible()
        expect(tab.page.locator(".opblock-summary-path", has_text="/api/v1/leave").first).to_be_visible()
        assert all(url.startswith(tab.base_url) for url in requested), [
            u for u in requested if not u.startswith(tab.base_url)
        ]
        assert tab.csp_violations == []
        assert tab.page_errors == []
