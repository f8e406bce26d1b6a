"""Browser tests: Debian's chromium driven by Playwright against a live zhiban server."""
