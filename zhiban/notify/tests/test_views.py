"""Inbox pages: anonymous users are sent to log in; everyone sees and changes only their own
notifications (another's is "not found" and stays unread); htmx partials; channel settings."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhiban.core import clock
from zhiban.core.models import AuditEvent
from zhiban.notify.context_processors import inbox as inbox_context
from zhiban.notify.models import ChannelPreference, Notification

pytestmark = pytest.mark.django_db


def client_for(person: Any) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def make(person: Any, subject: str, *, read: bool = False) -> Notification:
    return Notification.objects.create(
        recipient=person.user,
        subject=subject,
        body="正文",
        created_at=clock.now(),
        read_at=clock.now() if read else None,
    )


def state() -> tuple[list[tuple[str, bool]], int, int]:
    rows = sorted((n.public_id, n.read_at is None) for n in Notification.objects.all())
    return rows, ChannelPreference.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize("url_name", ["notify:inbox", "notify:badge", "notify:preferences"])
def test_anonymous_is_sent_to_login(org_tree: dict, url_name: str) -> None:
    response = Client().get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_anonymous_posts_change_nothing(org_tree: dict) -> None:
    notification = make(org_tree["staff_a"], "调班通知")
    before = state()
    client = Client()
    for url in (
        reverse("notify:read", args=[notification.public_id]),
        reverse("notify:read_all"),
        reverse("notify:preferences"),
    ):
        response = client.post(url, {"channel_email": "on"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert state() == before


@pytest.mark.parametrize("who", ["staff_b", "head_b", "head_a"])
def test_others_see_nothing_of_a_persons_inbox_and_change_nothing(org_tree: dict, who: str) -> None:
    """An unprivileged colleague, another department's head, even the person's own head."""
    mine = make(org_tree["staff_a"], "staff_a 的调班通知")
    before = state()
    client = client_for(org_tree[who])
    page = client.get(reverse("notify:inbox")).content.decode()
    assert "staff_a 的调班通知" not in page
    assert client.post(reverse("notify:read", args=[mine.public_id])).status_code == 404
    client.post(reverse("notify:read_all"))
    assert state() == before


def test_inbox_lists_own_items_unread_first(org_tree: dict) -> None:
    staff_a = org_tree["staff_a"]
    make(staff_a, "旧的未读")
    make(staff_a, "已读的", read=True)
    make(staff_a, "新的未读")
    make(org_tree["staff_b"], "别人的")
    page = client_for(staff_a).get(reverse("notify:inbox")).content.decode()
    assert "别人的" not in page
    assert page.index("新的未读") < page.index("旧的未读") < page.index("已读的")
    assert "2 条未读" in page


def test_unread_only_filter(org_tree: dict) -> None:
    staff_a = org_tree["staff_a"]
    make(staff_a, "未读一")
    make(staff_a, "已读一", read=True)
    page = client_for(staff_a).get(reverse("notify:inbox"), {"unread": "1"}).content.decode()
    assert "未读一" in page
    assert "已读一" not in page


def test_inbox_query_count_does_not_grow_with_the_list(org_tree: dict) -> None:
    staff_a = org_tree["staff_a"]
    client = client_for(staff_a)
    make(staff_a, "一")
    client.get(reverse("notify:inbox"))  # the session's first view records when it was seen
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notify:inbox"))
    for n in range(30):
        make(staff_a, f"第{n}条")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("notify:inbox"))
    assert len(many) == len(few)


def test_htmx_mark_read_returns_the_row_and_tells_the_badge(org_tree: dict) -> None:
    staff_a = org_tree["staff_a"]
    notification = make(staff_a, "交接班提醒")
    response = client_for(staff_a).post(
        reverse("notify:read", args=[notification.public_id]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "inbox-changed"
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="notification-{notification.public_id}" class="read">')
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_plain_post_mark_read_redirects_to_the_inbox(org_tree: dict) -> None:
    staff_a = org_tree["staff_a"]
    notification = make(staff_a, "交接班提醒")
    response = client_for(staff_a).post(reverse("notify:read", args=[notification.public_id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notify:inbox")
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_get_cannot_mark_read(org_tree: dict) -> None:
    staff_a = org_tree["staff_a"]
    notification = make(staff_a, "交接班提醒")
    assert client_for(staff_a).get(reverse("notify:read", args=[notification.public_id])).status_code == 405
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_htmx_mark_all_read_returns_the_list(org_tree: dict) -> None:
    staff_a, staff_b = org_tree["staff_a"], org_tree["staff_b"]
    make(staff_a, "一")
    make(staff_a, "二")
    theirs = make(staff_b, "别人的")
    response = client_for(staff_a).post(reverse("notify:read_all"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Trigger"] == "inbox-changed"
    assert "<table>" in response.content.decode()
    assert not Notification.objects.filter(recipient=staff_a.user, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_badge_counts_own_unread(org_tree: dict) -> None:
    staff_a = org_tree["staff_a"]
    make(staff_a, "一")
    make(staff_a, "二", read=True)
    make(org_tree["staff_b"], "别人的")
    html = client_for(staff_a).get(reverse("notify:badge")).content.decode()
    assert "1 条未读" in html
    make(staff_a, "三")
    assert "2 条未读" in client_for(staff_a).get(reverse("notify:badge")).content.decode()


def test_context_processor_counts_lazily_and_only_own(org_tree: dict, rf: Any) -> None:
    staff_a = org_tree["staff_a"]
    make(staff_a, "一")
    make(org_tree["staff_b"], "别人的")
    request = rf.get("/")
    request.user = staff_a.user
    with CaptureQueriesContext(connection) as queries:
        context = inbox_context(request)
    assert len(queries) == 0
    assert context["inbox_unread_count"]() == 1
    assert Template("{% if n %}{{ n }}{% endif %}").render(Context({"n": context["inbox_unread_count"]})) == "1"
    request.user = AnonymousUser()
    assert inbox_context(request) == {"inbox_unread_count": 0}


def test_preferences_page_turns_email_on_and_off(org_tree: dict) -> None:
    staff_a = org_tree["staff_a"]
    staff_a.email = "zhang.san@example.test"
    staff_a.save()
    client = client_for(staff_a)
    page = client.get(reverse("notify:preferences")).content.decode()
    assert "zhang.san@example.test" in page
    assert 'name="channel_email">' in page  # unchecked: email is opt-in
    response = client.post(reverse("notify:preferences"), {"channel_email": "on"})
    assert response.status_code == 302
    assert ChannelPreference.objects.get(user=staff_a.user, channel="email").enabled
    assert 'name="channel_email" checked>' in client.get(reverse("notify:preferences")).content.decode()
    client.post(reverse("notify:preferences"), {})
    assert not ChannelPreference.objects.get(user=staff_a.user, channel="email").enabled
    assert AuditEvent.objects.filter(action="notify.preference.update").count() == 2


def test_preferences_page_says_when_there_is_no_address(org_tree: dict) -> None:
    page = client_for(org_tree["staff_b"]).get(reverse("notify:preferences")).content.decode()
    assert "ask your administrator" in page or "请管理员" in page
