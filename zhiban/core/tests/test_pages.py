"""Home, board, module placeholders and the audit trail: who may see what."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from zhiban.accounts.models import AdminRole
from zhiban.accounts.tests.clients import verified_client
from zhiban.core import audit
from zhiban.core.navigation import MODULES
from zhiban.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/board/", "/audit/", "/m/roster/"])
def test_anonymous_is_sent_to_login(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_every_module_is_in_the_navigation_and_unbuilt_ones_say_so(org_tree: dict) -> None:
    client = Client()
    client.force_login(org_tree["staff_a"].user)
    home = client.get("/").content.decode()
    for module in MODULES:
        if module.slug == "audit":
            assert reverse("core:audit") not in home  # the audit trail is the audit administrator's
        else:
            assert escape(str(module.label)) in home
    unbuilt = [m for m in MODULES if m.url_name is None]
    assert unbuilt, "some modules are not built yet"
    for module in unbuilt:
        page = client.get(reverse("core:module", args=[module.slug]))
        assert page.status_code == 200
        assert 'id="not-built"' in page.content.decode()


def test_board_is_shown_to_signed_in_users(org_tree: dict) -> None:
    client = Client()
    client.force_login(org_tree["staff_a"].user)
    assert client.get("/board/").status_code == 200


def test_audit_trail_is_for_the_audit_administrator_only(org_tree: dict, client: Client) -> None:
    with transaction.atomic():
        audit.record(actor=None, action="test.secret", object_type="thing")
    for user in (org_tree["head_a"].user, UserFactory.create(admin_role=AdminRole.SYSTEM)):
        verified_client(user, client)
        response = client.get("/audit/")
        assert response.status_code == 403
        assert b"test.secret" not in response.content
    verified_client(UserFactory.create(admin_role=AdminRole.AUDIT), client)
    response = client.get("/audit/")
    assert response.status_code == 200
    assert b"test.secret" in response.content


def test_audit_verify_command_exit_status(tmp_path) -> None:
    with transaction.atomic():
        audit.record(actor=None, action="test.write", object_type="thing")
    call_command("audit", "checkpoint")
    call_command("audit", "verify")
    from zhiban.core.models import AuditChainHead

    AuditChainHead.objects.filter(id=1).update(sequence=5)
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit", "verify")


def test_chinese_is_the_default_whatever_the_browser_asks(org_tree: dict) -> None:
    client = Client()
    client.force_login(org_tree["staff_a"].user)
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="zh-CN">' in page
    assert "值日牌" in page
    client.cookies["django_language"] = "en"
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Duty board" in page


def test_no_navigation_before_the_second_factor() -> None:
    admin = UserFactory.create(admin_role=AdminRole.AUDIT)
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("accounts:second_factor")).content.decode()
    assert reverse("org:unit_list") not in page
    verified_client(admin, client)
    home = client.get("/").content.decode()
    assert reverse("org:unit_list") in home
    assert reverse("core:audit") in home
