"""The unread badge in the top bar is readable: its text against its background passes WCAG AA (4.5:1)."""

import pytest
from playwright.sync_api import expect

from zhiban.core import clock
from zhiban.notify.models import Notification

pytestmark = pytest.mark.browser

CONTRAST = """(element) => {
  const rgb = (text) => text.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const style = getComputedStyle(element);
  const [a, b] = [luminance(rgb(style.color)), luminance(rgb(style.backgroundColor))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_the_unread_badge_text_has_at_least_aa_contrast(org_tree, chromium) -> None:
    Notification.objects.create(recipient=org_tree["staff_a"].user, subject="值班表已公布", created_at=clock.now())
    with chromium() as tab:
        tab.log_in("staff_a")
        badge = tab.page.locator("#inbox-badge .tag")
        expect(badge).to_be_visible()
        assert badge.evaluate(CONTRAST) >= 4.5
