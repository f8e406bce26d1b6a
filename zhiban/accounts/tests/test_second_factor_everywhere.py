"""The second factor guards every page and every token; after it, `next` stays on this site; background polls do
not keep an idle session alive, and a page view does not rewrite the session row each time."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhiban.accounts import services
from zhiban.accounts.middleware import BACKGROUND_HEADER
from zhiban.accounts.models import AccessToken, AdminRole
from zhiban.accounts.tests.clients import verified_client
from zhiban.core.models import AuditEvent
from zhiban.org.models import Role
from zhiban.org.tests.factories import PersonFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-9"
START = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


def password_only(username: str) -> Client:
    client = Client()
    assert client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD}).status_code == 302
    return client


def bearer(plain: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {plain}"}


@pytest.mark.parametrize("admin_role", [AdminRole.SYSTEM, AdminRole.SECURITY, AdminRole.AUDIT])
def test_with_the_password_alone_an_administrator_reaches_no_accounts_page(admin_role: str) -> None:
    UserFactory.create(username="admin", admin_role=admin_role)
    client = password_only("admin")
    for name in ("accounts:tokens", "accounts:security"):
        response = client.get(reverse(name))
        assert (response.status_code, response["Location"]) == (302, reverse("accounts:second_factor")), name


def test_with_the_password_alone_no_token_is_made_and_nothing_is_recorded() -> None:
    admin = UserFactory.create(username="admin", admin_role=AdminRole.SYSTEM)
    client = password_only("admin")
    events = AuditEvent.objects.count()
    response = client.post(reverse("accounts:tokens"), {"name": "偷来的"})
    assert response["Location"] == reverse("accounts:second_factor")
    assert not AccessToken.objects.filter(user=admin).exists()
    assert AuditEvent.objects.count() == events


def test_with_the_password_alone_the_security_administrator_unlocks_nobody() -> None:
    UserFactory.create(username="wang")
    for _ in range(5):
        Client().post(reverse("accounts:login"), {"username": "wang", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="wang").exists()
    UserFactory.create(username="secadmin", admin_role=AdminRole.SECURITY)
    client = password_only("secadmin")
    events = AuditEvent.objects.count()
    response = client.post(reverse("accounts:unlock"), {"username": "wang"})
    assert response["Location"] == reverse("accounts:second_factor")
    assert AccessAttempt.objects.filter(username="wang").exists()
    assert AuditEvent.objects.count() == events


def test_a_privileged_account_gets_no_token_without_its_second_factor() -> None:
    admin = UserFactory.create(admin_role=AdminRole.SYSTEM)
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.access_token_create(actor=admin, user=admin, name="t", second_factor_passed=False)
    assert not AccessToken.objects.exists()
    assert AuditEvent.objects.count() == events


def test_after_the_second_factor_the_ui_token_works_in_the_api() -> None:
    admin = UserFactory.create(admin_role=AdminRole.SYSTEM)
    client = verified_client(admin)
    page = client.post(reverse("accounts:tokens"), {"name": "OA"}).content.decode()
    plain = page.split('id="new-token">', 1)[1].split("<", 1)[0]
    assert AccessToken.objects.get(user=admin).second_factor_passed
    assert Client().get("/api/v1/units", headers=bearer(plain)).status_code == 200


def test_a_token_made_before_the_account_needed_a_second_factor_stops_working() -> None:
    user = UserFactory.create()
    person = PersonFactory.create(user=user)
    _token, plain = services.access_token_create(actor=user, user=user, name="t", second_factor_passed=False)
    assert services.access_token_authenticate(plain) == user
    RoleAssignmentFactory.create(person=person, role=Role.SECRETARIAT)
    assert services.access_token_authenticate(plain) is None
    assert Client().get("/api/v1/units", headers=bearer(plain)).status_code == 401


def _second_factor_client(time_machine: time_machine.TimeMachineFixture) -> tuple[Client, TOTPDevice]:
    time_machine.move_to(START, tick=False)
    admin = UserFactory.create(username="admin", admin_role=AdminRole.SYSTEM)
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    return password_only("admin"), device


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "https:evil.example", "/\\evil.example", "javascript:alert(1)"],
)
def test_after_the_second_factor_next_never_leaves_the_site(
    target: str, time_machine: time_machine.TimeMachineFixture
) -> None:
    client, device = _second_factor_client(time_machine)
    response = client.post(reverse("accounts:second_factor") + "?next=" + target, {"code": _code(device)})
    assert (response.status_code, response["Location"]) == (302, reverse("core:home"))


def test_after_the_second_factor_next_on_this_site_is_followed(time_machine: time_machine.TimeMachineFixture) -> None:
    client, device = _second_factor_client(time_machine)
    response = client.post(reverse("accounts:second_factor") + "?next=/roster/", {"code": _code(device)})
    assert response["Location"] == "/roster/"


def test_background_polls_do_not_keep_an_idle_session_alive() -> None:
    UserFactory.create(username="wang")
    with time_machine.travel(START, tick=False):
        client = password_only("wang")
        assert client.get(reverse("core:home")).status_code == 200
    poll = {BACKGROUND_HEADER: "1"}
    for minute in range(1, 31):  # the inbox badge asks every minute for half an hour
        with time_machine.travel(START + dt.timedelta(minutes=minute), tick=False):
            assert client.get(reverse("notify:badge"), headers=poll).status_code == 200
    with time_machine.travel(START + dt.timedelta(minutes=30, seconds=1), tick=False):
        response = client.get(reverse("notify:badge"), headers=poll)
        assert response["Location"] == reverse("accounts:login") + "?idle=1"


def test_a_page_view_keeps_the_session_alive_and_writes_the_session_at_most_once_a_minute() -> None:
    UserFactory.create(username="wang")
    with time_machine.travel(START, tick=False):
        client = password_only("wang")
        client.get(reverse("core:home"))
        first = client.session["zhiban_last_seen"]
    with time_machine.travel(START + dt.timedelta(seconds=59), tick=False):
        client.get(reverse("core:home"))
        assert client.session["zhiban_last_seen"] == first
    with time_machine.travel(START + dt.timedelta(seconds=60), tick=False):
        client.get(reverse("core:home"))
        assert client.session["zhiban_last_seen"] == first + 60
    with time_machine.travel(START + dt.timedelta(minutes=31), tick=False):
        assert client.get(reverse("core:home")).status_code == 200  # 30 minutes after the last view: still in
