"""Browser-test harness: Debian's chromium, driven by Playwright, against pytest-django's live server.

Why the browser is opened with `with chromium() as tab:` instead of a `page` fixture:
Playwright's sync API keeps an asyncio event loop running in the test's thread for as long as it
is open, and Django refuses ORM calls from a thread with a running loop (SynchronousOnlyOperation).
So a test

1. makes its data with the ORM and factories (fixtures such as `org_tree` run before the body),
2. opens the browser in a `with` block and drives it — no ORM calls inside the block,
3. checks the database after the block, when the browser and its loop are gone.

The server side is `live_server`: it answers each request in its own thread, where the ORM works
normally, and sees the test's settings and (through `transactional_db`) its data, on SQLite and on
PostgreSQL alike. A failure inside the block saves a screenshot to `test-results/`.

The browser is never downloaded: it is Debian's `/usr/bin/chromium`. If it is missing the tests
fail (CI installs the package; a skip would hide a broken CI).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import ConsoleMessage, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# The factories' password (zhiban/org/tests/factories.py).
PASSWORD = "correct-horse-9"
TIMEOUT_MS = 15_000  # two shared cores: be patient, but never wait forever

# Runs in every document before the page's own scripts (Playwright injects it past the CSP):
# each CSP violation becomes a console message the test collects.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`csp-violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""

expect.set_options(timeout=TIMEOUT_MS)


@dataclass
class Tab:
    """One browser page on the live server, with what its console said."""

    page: Page
    base_url: str
    results_dir: Path
    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path

    def url_pattern(self, path: str) -> re.Pattern[str]:
        """The exact URL of `path` on the live server (a query string is allowed after it)."""
        return re.compile(re.escape(self.base_url + path) + r"(\?.*)?$")

    def goto(self, path: str) -> None:
        self.page.goto(self.url(path))

    def save_screenshot(self, name: str) -> Path:
        """Keep a picture of the whole page in test-results/ (CI keeps it as an artifact)."""
        path = self.results_dir / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def log_in(self, username: str, password: str = PASSWORD) -> None:
        """Fill the login form (opening the login page unless the form is on this one) and submit it."""
        if self.page.locator("input[name=password]").count() == 0:
            self.goto("/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        with self.page.expect_navigation():
            self.page.click("form button[type=submit]:not([data-lang])")

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.text.startswith("csp-violation:") or "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)
        elif message.type == "error":
            self.console_errors.append(message.text)


def _file_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")


@pytest.fixture
def chromium(live_server: LiveServer, request: pytest.FixtureRequest) -> Callable[..., AbstractContextManager[Tab]]:
    """`with chromium() as tab:` — a fresh headless chromium with one page on the live server.

    `locale` is what the browser asks for in Accept-Language; office PCs say zh-CN.
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"Debian's chromium is missing at {CHROMIUM}: install it with `apt-get install chromium`. "
            "The browser tests never download a browser.",
            pytrace=False,
        )
    results_dir = Path(request.config.rootpath) / "test-results"

    @contextmanager
    def open_tab(*, locale: str = "zh-CN") -> Iterator[Tab]:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(locale=locale)
                context.set_default_timeout(TIMEOUT_MS)
                page = context.new_page()
                tab = Tab(page=page, base_url=live_server.url, results_dir=results_dir)
                page.add_init_script(CSP_LISTENER)
                page.on("console", tab._on_console)
                page.on("pageerror", lambda error: tab.page_errors.append(str(error)))
                try:
                    yield tab
                except BaseException:
                    tab.save_screenshot(f"failed-{_file_name(request.node.nodeid)}")
                    raise
            finally:
                browser.close()

    return open_tab


def _chinese(msgid: str) -> str:
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    if text == msgid or not re.search(r"[\u4e00-\u9fff]", text):
        pytest.fail(f"no zh_Hans translation for msgid {msgid!r} in the compiled catalogues", pytrace=False)
    return text


@pytest.fixture
def chinese() -> Callable[[str], str]:
    """`chinese("Duty board")`: the label's zh_Hans translation, failing clearly if there is none yet.

    Tests look labels up before opening the browser and assert the page shows them, so a rewording
    by the translators does not break the tests but a missing translation does.
    """
    return _chinese
