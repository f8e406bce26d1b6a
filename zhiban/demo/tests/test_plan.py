"""The demo plan: deterministic, consistent with the rules (ORG-03), readable logins, valid passwords."""

import re
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password

from zhiban.accounts.models import AdminRole, User
from zhiban.demo.plan import DATA_DIR, PACK_ORDER, DemoDataError, build_plan, demo_password
from zhiban.org.models import PersonKind, Role


def test_the_plan_is_the_same_every_time() -> None:
    assert build_plan() == build_plan()
    assert demo_password("bureau.wangfang") == demo_password("bureau.wangfang")
    assert demo_password("bureau.wangfang") != demo_password("bureau.wangfei")


def test_one_organisation_per_policy_pack() -> None:
    plan = build_plan()
    assert [org.pack for org in plan.organisations] == list(PACK_ORDER)
    assert PACK_ORDER == ("bureau", "bureau-shifts", "maintenance", "company-shifts", "service-center")
    assert len({org.name for org in plan.organisations}) == 5


def test_names_employee_numbers_and_mobiles_are_unique_and_plausible() -> None:
    people = [p for org in build_plan().organisations for p in org.people]
    assert len(people) == 184
    assert len({p.employee_number for p in people}) == len(people)
    assert len({p.name for p in people}) == len(people)
    assert len({p.mobile for p in people}) == len(people)
    assert all(re.fullmatch(r"1[3-9]\d{9}", p.mobile) for p in people)
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", p.name) for p in people)
    assert len({p.name[0] for p in people}) >= 40  # varied surnames, not a wall of 王


def test_org_03_outsiders_in_the_plan_hold_no_role_and_no_account() -> None:
    people = [p for org in build_plan().organisations for p in org.people]
    outsiders = [p for p in people if p.kind != PersonKind.STAFF]
    assert {p.kind for p in outsiders} == {PersonKind.GUARD, PersonKind.CLEANER, PersonKind.CONTRACTOR}
    assert all(not p.roles and p.account is None for p in outsiders)


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_org_03_refuses_a_guard_with_a_duty_role_in_the_data(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    path = data / "bureau.toml"
    text = path.read_text()
    guard_block = 'title = "保安"\nkind = "guard"\njob_type = "guard"\ncount = 2\n'
    assert guard_block in text
    # At the limit: the same person as staff may hold the duty role.
    path.write_text(text.replace(guard_block, guard_block.replace('kind = "guard"', 'roles = ["duty_officer"]')))
    assert build_plan(data).organisations[0].people
    # Just past it: a guard may not.
    path.write_text(text.replace(guard_block, guard_block + 'roles = ["duty_officer"]\n'))
    with pytest.raises(DemoDataError, match=r"bureau\.toml: people\[\d+\] \(保安\): ORG-03"):
        build_plan(data)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('roles = ["standby_driver"]', 'roles = ["chauffeur"]', "unknown role 'chauffeur'"),
        ('unit = "机要室"', 'unit = "档案室"', "unknown unit '档案室'"),
        ("regional_leader@东区维护部", "regional_leader@北区维护部", "unknown unit '北区维护部'"),
        ('job_type = "driver"\nroles', 'job_type = "pilot"\nroles', "job type 'pilot' is not declared"),
    ],
)
def test_inconsistent_data_is_refused_naming_file_and_entry(tmp_path: Path, old: str, new: str, message: str) -> None:
    data = _copy_data(tmp_path)
    for path in data.glob("*.toml"):
        if old in path.read_text():
            path.write_text(path.read_text().replace(old, new, 1))
            break
    else:
        pytest.fail(f"{old!r} is in no data file")
    with pytest.raises(DemoDataError, match=re.escape(message)):
        build_plan(data)


def test_usernames_are_readable_ascii_prefixed_by_organisation() -> None:
    plan = build_plan()
    prefixes = {"bureau": "bureau", "bureau-shifts": "organ", "maintenance": "maint"}
    prefixes |= {"company-shifts": "company", "service-center": "service"}
    for org in plan.organisations:
        assert 5 <= len(org.accounts) <= 6
        for account in org.accounts:
            assert re.fullmatch(rf"{prefixes[org.pack]}\.[a-z]+\d*", account.username), account.username
    usernames = [a.username for a in plan.accounts]
    assert len(usernames) == len(set(usernames)) == 30


def test_each_organisation_has_a_representative_set_of_accounts() -> None:
    roles = {org.pack: {r.role for a in org.accounts for r in a.roles} for org in build_plan().organisations}
    assert {Role.SECRETARIAT, Role.DEPARTMENT_HEAD, Role.DUTY_LEADER, Role.CONFIDENTIAL_CLERK} <= roles["bureau"]
    assert {Role.SECRETARIAT, Role.DEPARTMENT_HEAD, Role.DUTY_LEADER} <= roles["bureau-shifts"]
    assert {Role.REGIONAL_LEADER, Role.DEPARTMENT_HEAD, Role.STATION_HEAD} <= roles["maintenance"]
    assert {Role.DEPARTMENT_HEAD, Role.CONFIDENTIAL_CLERK} <= roles["company-shifts"]
    assert {Role.CENTRE_DIRECTOR, Role.CS_DIRECTOR, Role.TEAM_LEAD, Role.QA_INSPECTOR} <= roles["service-center"]
    for org in build_plan().organisations:
        officers = [a for a in org.accounts if {r.role for r in a.roles} == {Role.DUTY_OFFICER}]
        assert len(officers) >= 2, org.pack


def test_demo_passwords_pass_the_password_validators() -> None:
    for account in build_plan().accounts:
        validate_password(account.password, User(username=account.username))


def test_three_administrators_with_three_distinct_roles_and_a_second_factor() -> None:
    admins = build_plan().administrators
    assert [(a.username, a.admin_role) for a in admins] == [
        ("sysadmin", AdminRole.SYSTEM),
        ("secadmin", AdminRole.SECURITY),
        ("auditor", AdminRole.AUDIT),
    ]
    assert all(a.needs_second_factor and not a.roles for a in admins)


def test_totp_secret_and_uri_carry_the_same_key() -> None:
    privileged = [a for a in build_plan().accounts if a.needs_second_factor]
    assert len(privileged) == 7
    for account in privileged:
        assert account.totp_key_hex is not None
        assert len(account.totp_key_hex) == 40
        assert account.otpauth_uri == (
            f"otpauth://totp/zhiban%3A{account.username}?secret={account.totp_base32}"
            "&algorithm=SHA1&digits=6&period=30&issuer=zhiban"
        )
    unprivileged = next(a for a in build_plan().accounts if not a.needs_second_factor)
    assert unprivileged.totp_key_hex is None
    assert unprivileged.otpauth_uri is None
