"""API /api/v1/inbox: a bearer token sees and marks only its own person's notifications."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhiban.accounts import services as account_services
from zhiban.core import clock
from zhiban.core.models import AuditEvent
from zhiban.notify.models import Notification

pytestmark = pytest.mark.django_db


def bearer(person: Any) -> dict[str, str]:
    _token, plain = account_services.access_token_create(
        actor=None, user=person.user, name="test", second_factor_passed=True
    )
    return {"Authorization": f"Bearer {plain}"}


def make(person: Any, subject: str, *, read: bool = False) -> Notification:
    return Notification.objects.create(
        recipient=person.user, subject=subject, created_at=clock.now(), read_at=clock.now() if read else None
    )


def unread_ids() -> set[str]:
    return set(Notification.objects.filter(read_at__isnull=True).values_list("public_id", flat=True))


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/v1/inbox"), ("post", "/api/v1/inbox/read-all"), ("post", "/api/v1/inbox/ntf_x/read")],
)
def test_anonymous_and_wrong_tokens_are_refused(org_tree: dict, method: str, path: str) -> None:
    make(org_tree["staff_a"], "s")
    before = unread_ids()
    client = Client()
    assert getattr(client, method)(path).status_code == 401
    assert getattr(client, method)(path, headers={"Authorization": "Bearer zb_wrong"}).status_code == 401
    assert unread_ids() == before


def test_list_is_own_items_unread_first(org_tree: dict) -> None:
    staff_a = org_tree["staff_a"]
    make(staff_a, "旧的未读")
    make(staff_a, "已读", read=True)
    make(staff_a, "新的未读")
    make(org_tree["staff_b"], "别人的")
    body = Client().get("/api/v1/inbox", headers=bearer(staff_a)).json()
    assert [item["subject"] for item in body["items"]] == ["新的未读", "旧的未读", "已读"]
    assert body["count"] == 3
    unread = Client().get("/api/v1/inbox", {"unread": "true"}, headers=bearer(staff_a)).json()
    assert [item["subject"] for item in unread["items"]] == ["新的未读", "旧的未读"]


def test_list_query_count_does_not_grow(org_tree: dict) -> None:
    staff_a = org_tree["staff_a"]
    headers = bearer(staff_a)
    make(staff_a, "一")
    Client().get("/api/v1/inbox", headers=headers)  # the token's first use records last_used_at
    with CaptureQueriesContext(connection) as few:
        Client().get("/api/v1/inbox", headers=headers)
    for n in range(20):
        make(staff_a, f"{n}")
    with CaptureQueriesContext(connection) as many:
        Client().get("/api/v1/inbox", headers=headers)
    assert len(many) == len(few)


@pytest.mark.parametrize("who", ["staff_b", "head_b", "head_a"])
def test_another_persons_item_is_not_found_and_stays_unread(org_tree: dict, who: str) -> None:
    mine = make(org_tree["staff_a"], "staff_a 的")
    headers = bearer(org_tree[who])
    before = (unread_ids(), AuditEvent.objects.count())
    assert Client().get("/api/v1/inbox", headers=headers).json()["items"] == []
    assert Client().post(f"/api/v1/inbox/{mine.public_id}/read", headers=headers).status_code == 404
    assert Client().post("/api/v1/inbox/read-all", headers=headers).json() == {"marked": 0}
    assert (unread_ids(), AuditEvent.objects.count()) == before


def test_mark_read_and_read_all(org_tree: dict) -> None:
    staff_a = org_tree["staff_a"]
    headers = bearer(staff_a)
    one, _two, _three = make(staff_a, "一"), make(staff_a, "二"), make(staff_a, "三")
    theirs = make(org_tree["staff_b"], "别人的")
    response = Client().post(f"/api/v1/inbox/{one.public_id}/read", headers=headers)
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert Client().post("/api/v1/inbox/read-all", headers=headers).json() == {"marked": 2}
    assert unread_ids() == {theirs.public_id}
