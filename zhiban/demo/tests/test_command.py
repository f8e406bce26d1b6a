"""`zhiban demo` and `zhiban demo --accounts`: what they print, and that they refuse a real installation."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from zhiban.accounts.models import User
from zhiban.core.models import AuditEvent
from zhiban.demo.listing import WARNING
from zhiban.demo.loader import DemoRefused, load_demo
from zhiban.demo.plan import build_plan
from zhiban.org import services as org_services
from zhiban.org.models import Person, Unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_rosters")]


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("demo", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_demo_prints_every_account_with_password_roles_and_totp() -> None:
    plan = build_plan()
    out, _ = _run()
    assert "Demo loaded in" in out
    assert "created 36 units" in out
    assert "184 people" in out
    assert WARNING in out
    for account in plan.accounts:
        line = next(line for line in out.splitlines() if line.split()[:1] == [account.username])
        assert account.password in line
        for role in account.roles:
            assert str(role) in out
        if account.needs_second_factor:
            assert f"TOTP secret (base32): {account.totp_base32}" in out
            assert f"TOTP URI: {account.otpauth_uri}" in out
        else:
            assert f"zhiban%3A{account.username}?" not in out
    assert "administrator role: security" in out
    assert User.objects.count() == 30


def test_demo_twice_says_nothing_was_created_and_changes_nothing() -> None:
    _run()
    events = AuditEvent.objects.count()
    out, _ = _run()
    assert out.startswith("Demo already loaded: nothing to create")
    assert "bureau.yangli" in out  # the list is printed again for the newcomer
    assert AuditEvent.objects.count() == events


def test_accounts_option_prints_the_list_without_loading() -> None:
    out, err = _run("--accounts")
    assert "not loaded in this database yet" in err
    assert all(account.password in out for account in build_plan().accounts)
    assert (Unit.objects.count(), User.objects.count(), AuditEvent.objects.count()) == (0, 0, 0)
    _run()
    out_after, err_after = _run("--accounts")
    assert out_after == out
    assert err_after == ""


def test_refuses_to_load_beside_a_real_organisation_and_changes_nothing() -> None:
    org_services.unit_create(actor=None, name="某市某局", kind="organisation", policy_pack="bureau")
    events = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="already holds 某市某局 and no demo organisation"):
        _run()
    with pytest.raises(DemoRefused):
        load_demo()
    assert (Unit.objects.count(), Person.objects.count(), User.objects.count()) == (1, 0, 0)
    assert AuditEvent.objects.count() == events
    out, _ = _run("--force")
    assert "Demo loaded" in out
    assert Unit.objects.filter(parent=None).count() == 6


def test_loads_again_beside_an_organisation_added_after_the_demo() -> None:
    load_demo()
    org_services.unit_create(actor=None, name="某市某局", kind="organisation", policy_pack="bureau")
    out, _ = _run()
    assert out.startswith("Demo already loaded: nothing to create")
