"""The security administrator's page: locked accounts and unlocking; nobody else may use it."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from zhiban.accounts.models import AdminRole
from zhiban.accounts.tests.clients import verified_client
from zhiban.core.models import AuditEvent
from zhiban.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def lock(username: str) -> None:
    for _ in range(5):
        Client().post(reverse("accounts:login"), {"username": username, "password": "wrong"})


def test_security_admin_sees_and_unlocks_a_locked_account() -> None:
    UserFactory.create(username="wang")
    lock("wang")
    admin = verified_client(UserFactory.create(admin_role=AdminRole.SECURITY))
    page = admin.get(reverse("accounts:security")).content.decode()
    assert "wang" in page
    assert admin.post(reverse("accounts:unlock"), {"username": "wang"}).status_code == 302
    assert not AccessAttempt.objects.filter(username="wang").exists()
    assert AuditEvent.objects.filter(action="accounts.user.unlock").count() == 1
    ok = Client().post(reverse("accounts:login"), {"username": "wang", "password": "correct-horse-9"})
    assert ok.status_code == 302


@pytest.mark.parametrize("admin_role", [AdminRole.SYSTEM, AdminRole.AUDIT, AdminRole.NONE])
def test_others_cannot_see_or_unlock(admin_role: str, org_tree: dict) -> None:
    UserFactory.create(username="wang")
    lock("wang")
    client = verified_client(UserFactory.create(admin_role=admin_role))
    events = AuditEvent.objects.count()
    assert client.get(reverse("accounts:security")).status_code == 403
    assert client.post(reverse("accounts:unlock"), {"username": "wang"}).status_code == 403
    assert AccessAttempt.objects.filter(username="wang").exists()
    assert AuditEvent.objects.count() == events
    head = Client()
    assert org_tree["head_b"].user is not None
    head.force_login(org_tree["head_b"].user)
    assert head.get(reverse("accounts:security")).status_code == 403
    assert Client().get(reverse("accounts:security")).status_code == 302
