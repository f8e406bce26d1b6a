"""The loader: five organisations through the services, the rules respected, idempotent and audited."""

from collections import Counter

import pytest
from django.db.models import Count
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhiban.accounts.models import AdminRole, User
from zhiban.accounts.second_factor import requires_second_factor
from zhiban.calendar.models import CalendarDay
from zhiban.core import audit
from zhiban.core.models import AuditEvent
from zhiban.demo.loader import LoadResult, load_demo
from zhiban.demo.plan import DemoPlan
from zhiban.org.models import JobType, Person, PersonKind, RoleAssignment, Unit
from zhiban.policy import selectors as policy_selectors

pytestmark = pytest.mark.django_db

# pack: (units including the organisation, people, staff, guards, cleaners, accounts)
EXPECTED = {
    "bureau": (8, 43, 39, 2, 2, 6),
    "bureau-shifts": (5, 28, 25, 2, 1, 5),
    "maintenance": (8, 36, 33, 1, 1, 5),
    "company-shifts": (6, 28, 23, 3, 2, 5),
    "service-center": (9, 49, 46, 1, 2, 6),
}


def _org(name: str) -> Unit:
    return Unit.objects.get(parent=None, name=name)


def _snapshot() -> dict[str, int]:
    return {
        "units": Unit.objects.count(),
        "people": Person.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "job_types": JobType.objects.count(),
        "users": User.objects.count(),
        "totp": TOTPDevice.objects.count(),
        "linked": Person.objects.exclude(user=None).count(),
        "audit": AuditEvent.objects.count(),
    }


def test_five_organisations_with_the_expected_counts(loaded_demo: tuple[DemoPlan, LoadResult]) -> None:
    plan, result = loaded_demo
    assert result.organisations_created == [org.name for org in plan.organisations]
    for org in plan.organisations:
        unit = _org(org.name)
        assert unit.kind == Unit.Kind.ORGANISATION
        people = Person.objects.filter(unit__path__startswith=unit.path)
        kinds = Counter(people.values_list("kind", flat=True))
        counts = (
            Unit.objects.filter(path__startswith=unit.path).count(),
            people.count(),
            kinds[PersonKind.STAFF],
            kinds[PersonKind.GUARD],
            kinds[PersonKind.CLEANER],
            people.exclude(user=None).count(),
        )
        assert counts == EXPECTED[org.pack], org.pack
    assert Unit.objects.filter(parent=None).count() == 5


def test_every_person_is_in_a_unit_of_their_own_organisation(loaded_demo: tuple[DemoPlan, LoadResult]) -> None:
    plan, _ = loaded_demo
    for org in plan.organisations:
        org_unit = _org(org.name)
        people = Person.objects.filter(employee_number__in=[p.employee_number for p in org.people])
        assert people.count() == len(org.people)
        assert all(p.unit.path.startswith(org_unit.path) for p in people.select_related("unit"))
        by_number = {p.employee_number: p for p in people.select_related("unit", "job_type")}
        for planned in org.people:
            person = by_number[planned.employee_number]
            assert (person.name, person.unit.name, person.title) == (
                planned.name,
                planned.unit,
                planned.title,
            )
            assert person.mobile == planned.mobile
            assert person.grade == planned.grade


def test_units_carry_duty_room_phone_and_fax(loaded_demo: tuple[DemoPlan, LoadResult]) -> None:
    plan, _ = loaded_demo
    for org in plan.organisations:
        unit = _org(org.name)
        assert unit.duty_phone
        assert unit.fax
        assert (unit.duty_phone, unit.fax) == (org.duty_phone, org.fax)
    station = Unit.objects.get(name="城东维护站")
    assert station.parent is not None
    assert (station.kind, station.parent.name, station.duty_phone) == ("station", "东区维护部", "0870-21476110")


def test_org_02_roles_are_held_within_the_organisation(loaded_demo: tuple[DemoPlan, LoadResult]) -> None:
    plan, _ = loaded_demo
    for org in plan.organisations:
        org_unit = _org(org.name)
        assignments = RoleAssignment.objects.filter(person__unit__path__startswith=org_unit.path)
        assert assignments.count() == sum(len(p.roles) for p in org.people)
        assert not assignments.exclude(unit__path__startswith=org_unit.path).exists()
    regional = RoleAssignment.objects.get(role="regional_leader", unit__name="东区维护部")
    assert regional.person.title == "副总经理（分管东区）"
    assert RoleAssignment.objects.filter(role="team_lead").count() == 4
    assert RoleAssignment.objects.filter(role="station_head").count() == 4


def test_org_03_no_guard_cleaner_or_contractor_holds_a_role(loaded_demo: tuple[DemoPlan, LoadResult]) -> None:
    outsiders = Person.objects.exclude(kind=PersonKind.STAFF)
    assert outsiders.filter(kind=PersonKind.GUARD).count() == 9
    assert outsiders.filter(kind=PersonKind.CLEANER).count() == 8
    assert outsiders.filter(kind=PersonKind.CONTRACTOR).count() == 1
    assert not RoleAssignment.objects.filter(person__in=outsiders).exists()
    assert not outsiders.exclude(user=None).exists()
    # Staff, by contrast, all hold roles — but for company leaders the regulations give no duty post.
    without_role = Person.objects.filter(kind=PersonKind.STAFF).annotate(n=Count("roles")).filter(n=0)
    assert sorted(without_role.values_list("title", flat=True)) == ["副总经理", "总经理", "总经理"]


def test_every_privileged_demo_account_has_a_confirmed_totp_device(
    loaded_demo: tuple[DemoPlan, LoadResult],
) -> None:
    plan, _ = loaded_demo
    privileged = [u for u in User.objects.all() if requires_second_factor(u)]
    assert sorted(u.username for u in privileged) == sorted(a.username for a in plan.accounts if a.needs_second_factor)
    assert len(privileged) == 7
    for account in plan.accounts:
        user = User.objects.get(username=account.username)
        devices = TOTPDevice.objects.filter(user=user)
        if not account.needs_second_factor:
            assert not devices.exists()
            continue
        device = devices.get(confirmed=True)
        assert account.totp_base32 is not None
        # The printed secret is what an authenticator app would use: its code verifies.
        assert device.verify_token(TOTP(bytes.fromhex(account.totp_key_hex or "")).token())


def test_demo_accounts_log_in_with_their_printed_password(loaded_demo: tuple[DemoPlan, LoadResult]) -> None:
    plan, _ = loaded_demo
    for account in plan.accounts:
        user = User.objects.get(username=account.username)
        assert user.check_password(account.password), account.username
        assert not user.check_password(account.password + "x")
        assert user.is_active
        assert not user.is_superuser
        assert not user.is_staff
        if account.person_name:
            assert user.person.name == account.person_name


def test_three_admin_accounts_have_distinct_single_admin_roles(loaded_demo: tuple[DemoPlan, LoadResult]) -> None:
    admins = dict(User.objects.exclude(admin_role=AdminRole.NONE).values_list("username", "admin_role"))
    assert admins == {"sysadmin": "system", "secadmin": "security", "auditor": "audit"}
    assert not Person.objects.filter(user__username__in=admins).exists()


def test_the_first_load_audits_every_write_and_the_chain_holds(loaded_demo: tuple[DemoPlan, LoadResult]) -> None:
    _, result = loaded_demo
    expected_created = {
        "units": 36,
        "policies": 5,
        "job_types": 18,
        "people": 184,
        "roles": 230,
        "accounts": 30,
        "totp_devices": 7,
        "calendar_days": 1461,
    }
    assert {kind: result.created[kind] for kind in expected_created} == expected_created
    actions = Counter(AuditEvent.objects.values_list("action", flat=True))
    expected_actions = {
        "org.unit.create": 36,
        "policy.policy.adopt": 5,
        "org.job_type.create": 18,
        "org.person.create": 184,
        "org.role.assign": 230,
        "accounts.user.create": 30,
        "accounts.totp.create": 7,
        "calendar.seed": 1,
    }
    assert {action: actions[action] for action in expected_actions} == expected_actions  # rosters: their own test
    assert audit.verify_chain().ok
    assert CalendarDay.objects.filter(date__year__in=[2024, 2025, 2026, 2027]).count() == 1461


def test_running_it_twice_creates_nothing_and_records_no_audit_event(
    loaded_demo: tuple[DemoPlan, LoadResult],
) -> None:
    plan, _ = loaded_demo
    before = _snapshot()
    again = load_demo(plan)
    assert again.nothing_created
    assert again.organisations_created == []
    assert again.organisations_present == [org.name for org in plan.organisations]
    assert _snapshot() == before


def test_a_second_run_creates_only_what_is_missing(loaded_demo: tuple[DemoPlan, LoadResult]) -> None:
    plan, _ = loaded_demo
    RoleAssignment.objects.filter(role="team_lead", unit__name="话务二班").delete()
    TOTPDevice.objects.filter(user__username="secadmin").delete()
    before = _snapshot()
    again = load_demo(plan)
    assert dict(+again.created) == {"roles": 1, "totp_devices": 1}
    after = _snapshot()
    assert after == before | {"roles": before["roles"] + 1, "totp": before["totp"] + 1, "audit": before["audit"] + 2}
    assert TOTPDevice.objects.get(user__username="secadmin").confirmed


def test_each_demo_organisation_runs_under_its_own_pack(loaded_demo: tuple[DemoPlan, LoadResult]) -> None:
    plan, _ = loaded_demo
    for organisation in plan.organisations:
        unit = Unit.objects.get(parent=None, name=organisation.name)
        live = policy_selectors.policy_for_unit(unit)
        assert live is not None
        assert live.pack == organisation.pack
