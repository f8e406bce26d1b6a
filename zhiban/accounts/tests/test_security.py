"""Accounts and security: lockout, idle timeout, second factor, administrator roles, tokens."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhiban.accounts import services
from zhiban.accounts.models import AccessToken, AdminRole, User
from zhiban.core.models import AuditEvent
from zhiban.org.models import Role
from zhiban.org.tests.factories import PersonFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-9"


def login(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_login_with_password_reaches_home() -> None:
    UserFactory.create(username="wang")
    client = Client()
    response = login(client, "wang")
    assert response.status_code == 302
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    assert '<html lang="zh-CN">' in home.content.decode()


def test_fifth_failure_locks_the_account_for_30_minutes() -> None:
    UserFactory.create(username="wang")
    client = Client()
    with time_machine.travel(dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(4):
            assert login(client, "wang", "wrong").status_code == 200
        assert login(client, "wang").status_code == 302  # 4 failures: still allowed
    client = Client()
    with time_machine.travel(dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(5):
            login(client, "wang", "wrong")
        locked = login(client, "wang")
        assert locked.status_code == 429
        assert "locked" in locked.content.decode().lower() or "锁定" in locked.content.decode()
        assert "_auth_user_id" not in client.session
    # The lock lasts 30 minutes from the last attempt; trying while locked restarts it.
    with time_machine.travel(dt.datetime(2026, 11, 28, 10, 29, 59, tzinfo=dt.UTC), tick=False):
        assert login(Client(), "wang").status_code == 429
    with time_machine.travel(dt.datetime(2026, 11, 28, 10, 59, 58, tzinfo=dt.UTC), tick=False):
        assert login(Client(), "wang").status_code == 429
    with time_machine.travel(dt.datetime(2026, 11, 28, 11, 30, 0, tzinfo=dt.UTC), tick=False):
        assert login(Client(), "wang").status_code == 302


def test_idle_session_ends_after_30_minutes() -> None:
    UserFactory.create(username="wang")
    client = Client()
    start = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        login(client, "wang")
        assert client.get(reverse("core:home")).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=30), tick=False):
        assert client.get(reverse("core:home")).status_code == 200  # exactly 30 minutes idle: still in
    with time_machine.travel(start + dt.timedelta(minutes=60, seconds=1), tick=False):
        response = client.get(reverse("core:home"))
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:login") + "?idle=1"
        assert client.get(reverse("core:home")).status_code == 302


@pytest.mark.parametrize("admin_role", [AdminRole.SYSTEM, AdminRole.SECURITY, AdminRole.AUDIT])
def test_administrators_must_pass_a_second_factor(
    admin_role: str, time_machine: time_machine.TimeMachineFixture
) -> None:
    time_machine.move_to(dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC), tick=False)
    UserFactory.create(username="admin", admin_role=admin_role)
    client = Client()
    login(client, "admin")
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:second_factor")
    setup = client.get(reverse("accounts:second_factor"))
    assert "otpauth://" in setup.content.decode() or "totp-secret" in setup.content.decode()
    device = TOTPDevice.objects.get(user__username="admin")
    assert not device.confirmed
    wrong = "000000" if current_code(device) != "000000" else "111111"
    assert client.post(reverse("accounts:second_factor"), {"code": wrong}).status_code == 200
    assert client.get(reverse("core:home")).status_code == 302
    time_machine.shift(5)  # django-otp throttles after a failure; a moment later the right code passes
    assert client.post(reverse("accounts:second_factor"), {"code": current_code(device)}).status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.CONFIDENTIAL_CLERK])
def test_secretariat_and_confidential_clerk_need_a_second_factor(role: str) -> None:
    person = PersonFactory.create(user=UserFactory.create(username="clerk"))
    RoleAssignmentFactory.create(person=person, role=role)
    client = Client()
    login(client, "clerk")
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:second_factor")


def test_duty_officer_needs_no_second_factor() -> None:
    person = PersonFactory.create(user=UserFactory.create(username="duty"))
    RoleAssignmentFactory.create(person=person, role=Role.DUTY_OFFICER)
    client = Client()
    login(client, "duty")
    assert client.get(reverse("core:home")).status_code == 200


def test_administrator_roles_cannot_be_combined() -> None:
    """One field holds the administrator role, so no account can be system and audit at once."""
    user = services.user_create(actor=None, username="ops", password="x-long-password-1", admin_role=AdminRole.SYSTEM)
    services.user_set_admin_role(actor=None, user=user, admin_role=AdminRole.AUDIT)
    user.refresh_from_db()
    assert user.admin_role == AdminRole.AUDIT
    with pytest.raises(ValidationError, match="unknown administrator role"):
        services.user_set_admin_role(actor=None, user=user, admin_role="system,audit")
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        "accounts.user.create",
        "accounts.user.admin_role",
    ]


def test_token_create_authenticate_revoke_expire() -> None:
    user = UserFactory.create()
    token, plain = services.access_token_create(actor=None, user=user, name="OA 对接", second_factor_passed=True)
    assert plain.startswith("zb_")
    assert token.digest != plain
    assert not AccessToken.objects.filter(digest=plain).exists()
    assert services.access_token_authenticate(plain) == user
    assert services.access_token_authenticate(plain + "x") is None
    token.expires_at = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    token.save()
    with time_machine.travel(dt.datetime(2026, 11, 30, 23, 59, tzinfo=dt.UTC), tick=False):
        assert services.access_token_authenticate(plain) == user
    with time_machine.travel(dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC), tick=False):
        assert services.access_token_authenticate(plain) is None
    services.access_token_revoke(actor=user, token=token)
    assert services.access_token_authenticate(plain) is None


def test_token_of_a_deactivated_account_is_refused() -> None:
    user = UserFactory.create()
    _token, plain = services.access_token_create(actor=None, user=user, name="t", second_factor_passed=True)
    user.is_active = False
    user.save()
    assert services.access_token_authenticate(plain) is None


def test_token_pages_show_only_own_tokens_and_cannot_revoke_others() -> None:
    owner, other = UserFactory.create(), UserFactory.create()
    token, _plain = services.access_token_create(actor=None, user=owner, name="mine", second_factor_passed=True)
    client = Client()
    client.force_login(other)
    assert "mine" not in client.get(reverse("accounts:tokens")).content.decode()
    events = AuditEvent.objects.count()
    assert client.post(reverse("accounts:token_revoke", args=[token.public_id])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert AuditEvent.objects.count() == events
    anonymous = Client().get(reverse("accounts:tokens"))
    assert anonymous.status_code == 302


def test_token_created_in_the_ui_is_shown_once() -> None:
    user = UserFactory.create()
    client = Client()
    client.force_login(user)
    page = client.post(reverse("accounts:tokens"), {"name": "脚本"}).content.decode()
    assert 'id="new-token">zb_' in page
    assert 'id="new-token"' not in client.get(reverse("accounts:tokens")).content.decode()


def test_token_command_prints_a_working_token(capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import call_command

    user = UserFactory.create(username="script")
    call_command("token", "create", "script")
    plain = capsys.readouterr().out.strip()
    assert services.access_token_authenticate(plain) == user


def test_user_model_is_ours() -> None:
    assert User._meta.label == "accounts.User"


def test_one_persons_lockout_does_not_lock_colleagues_at_the_same_address() -> None:
    UserFactory.create(username="wang")
    UserFactory.create(username="li")
    for _ in range(5):
        login(Client(), "wang", "wrong")
    assert login(Client(), "wang").status_code == 429
    assert login(Client(), "li").status_code == 302


def test_logins_failures_and_logouts_are_audited() -> None:
    UserFactory.create(username="wang")
    client = Client()
    login(client, "wang", "wrong")
    login(client, "wang")
    client.post(reverse("accounts:logout"))
    events = list(AuditEvent.objects.values_list("action", "summary"))
    assert [action for action, _ in events] == ["accounts.login_failed", "accounts.login", "accounts.logout"]
    assert events[0][1] == {"after": {"username": "wang", "address": "127.0.0.1"}}
