"""The demo plan: the organisation descriptions in `data/` turned into exact units, people and accounts.

Everything is derived deterministically (names, employee numbers, phones, usernames, passwords, TOTP
keys) so the loader can create only what is missing and `zhiban demo --accounts` can print the list
without touching the database.
"""

from __future__ import annotations

import base64
import hashlib
import random
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from zhiban.accounts.models import AdminRole, User
from zhiban.accounts.second_factor import ROLES_REQUIRING_SECOND_FACTOR
from zhiban.demo.names import draw_unique_names
from zhiban.org.models import PersonKind, Role, Unit

DATA_DIR = Path(__file__).resolve().parent / "data"
PACK_ORDER = ("bureau", "bureau-shifts", "maintenance", "company-shifts", "service-center")

DUTY_ROLES = frozenset({Role.DUTY_OFFICER, Role.DUTY_LEADER, Role.STANDBY_DRIVER})
# Where a role is held when the data does not say (`role@unit` does): the whole organisation for
# central functions, the department for department-wide ones, the person's own unit otherwise.
ORGANISATION_WIDE_ROLES = frozenset(
    {Role.SECRETARIAT, Role.CONFIDENTIAL_CLERK, Role.VEHICLE_MANAGER, Role.SERVICE_CENTRE, Role.CENTRE_DIRECTOR}
)
DEPARTMENT_WIDE_ROLES = frozenset({Role.SECRECY_OFFICER, Role.QA_INSPECTOR})
DUTY_SCOPES = ("organisation", "department")

MOBILE_PREFIXES = ("139", "138", "137", "136", "135", "150", "151", "158", "159", "186", "187", "188", "189")
PASSWORD_WORDS = (
    "amber", "anchor", "bamboo", "beacon", "cedar", "cobalt", "comet", "copper", "coral", "crane",
    "delta", "ember", "falcon", "fern", "garnet", "glacier", "granite", "harbor", "hazel", "heron",
    "indigo", "jasper", "juniper", "lantern", "lotus", "maple", "meadow", "nectar", "oasis", "orchid",
    "pepper", "pine", "quartz", "raven", "river", "saffron", "sierra", "spruce", "summit", "thistle",
    "timber", "tulip", "velvet", "violet", "walnut", "willow", "yarrow", "zephyr",
)  # fmt: skip

ADMINISTRATORS = (
    ("sysadmin", AdminRole.SYSTEM, "系统管理员"),
    ("secadmin", AdminRole.SECURITY, "安全管理员"),
    ("auditor", AdminRole.AUDIT, "审计管理员"),
)


class DemoDataError(ValueError):
    """An organisation description under `data/` is inconsistent; the message names file and entry."""


@dataclass(frozen=True)
class UnitPlan:
    name: str
    kind: str
    parent: str | None  # None: directly under the organisation
    duty_phone: str = ""
    fax: str = ""
    sort_order: int = 0


@dataclass(frozen=True)
class RolePlan:
    role: str
    unit: str  # a unit name of the organisation, or the organisation's own name

    def __str__(self) -> str:
        return f"{self.role}@{self.unit}"


@dataclass(frozen=True)
class AccountPlan:
    """A demo login: its fixed password and, where the roles need one, its TOTP key."""

    username: str
    password: str
    organisation: str = ""
    person_name: str = ""
    unit: str = ""
    title: str = ""
    roles: tuple[RolePlan, ...] = ()
    admin_role: str = AdminRole.NONE

    @property
    def needs_second_factor(self) -> bool:
        """Mirrors `zhiban.accounts.second_factor.requires_second_factor` for the planned roles."""
        return self.admin_role != AdminRole.NONE or any(r.role in ROLES_REQUIRING_SECOND_FACTOR for r in self.roles)

    @property
    def totp_key_hex(self) -> str | None:
        if not self.needs_second_factor:
            return None
        return hashlib.sha256(f"zhiban-demo-totp:{self.username}".encode()).hexdigest()[:40]

    @property
    def totp_base32(self) -> str | None:
        key = self.totp_key_hex
        return base64.b32encode(bytes.fromhex(key)).decode() if key else None

    @property
    def otpauth_uri(self) -> str | None:
        key = self.totp_key_hex
        if key is None:
            return None
        return str(TOTPDevice(user=User(username=self.username), key=key).config_url)


@dataclass(frozen=True)
class PersonPlan:
    employee_number: str
    name: str
    unit: str  # unit name, or the organisation's own name
    kind: str
    title: str
    job_type: str | None
    grade: int | None
    office_phone: str
    mobile: str
    email: str
    roles: tuple[RolePlan, ...]
    account: AccountPlan | None = None


@dataclass(frozen=True)
class OrganisationPlan:
    pack: str
    name: str
    duty_phone: str
    fax: str
    job_types: dict[str, str]
    units: tuple[UnitPlan, ...]
    people: tuple[PersonPlan, ...]

    @property
    def accounts(self) -> list[AccountPlan]:
        return [p.account for p in self.people if p.account is not None]


@dataclass(frozen=True)
class DemoPlan:
    organisations: tuple[OrganisationPlan, ...]
    administrators: tuple[AccountPlan, ...]

    @property
    def accounts(self) -> list[AccountPlan]:
        return [a for org in self.organisations for a in org.accounts] + list(self.administrators)


def demo_password(username: str) -> str:
    """A fixed, readable password per account (`maple-comet-48-river`) that passes the validators."""
    rng = random.Random(f"zhiban-demo-password:{username}")
    first, second, third = rng.sample(PASSWORD_WORDS, 3)
    return f"{first}-{second}-{rng.randint(10, 99)}-{third}"


@dataclass
class _Allocator:
    """Keeps generated usernames, mobiles and names unique across all demo organisations."""

    usernames: set[str] = field(default_factory=lambda: {name for name, _, _ in ADMINISTRATORS})
    mobiles: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    def mobile(self, rng: random.Random) -> str:
        while True:
            number = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            if number not in self.mobiles:
                self.mobiles.add(number)
                return number

    def username(self, prefix: str, handle: str) -> str:
        candidate, n = f"{prefix}.{handle}", 1
        while candidate in self.usernames:
            n += 1
            candidate = f"{prefix}.{handle}{n}"
        self.usernames.add(candidate)
        return candidate


def build_plan(data_dir: Path = DATA_DIR) -> DemoPlan:
    """Read every organisation description and derive the full plan."""
    allocator = _Allocator()
    job_type_names: dict[str, tuple[str, str]] = {}
    organisations = []
    for pack in PACK_ORDER:
        path = data_dir / f"{pack}.toml"
        with path.open("rb") as stream:
            raw = tomllib.load(stream)
        organisation = _organisation_plan(path.name, raw, allocator)
        for code, name in organisation.job_types.items():
            known = job_type_names.setdefault(code, (name, path.name))
            if known[0] != name:
                raise DemoDataError(f"{path.name}: job type {code!r} is {name!r} here but {known[0]!r} in {known[1]}")
        organisations.append(organisation)
    administrators = tuple(
        AccountPlan(username=username, password=demo_password(username), title=title, admin_role=role)
        for username, role, title in ADMINISTRATORS
    )
    return DemoPlan(organisations=tuple(organisations), administrators=administrators)


def _require(source: str, raw: dict[str, Any], key: str) -> Any:
    if key not in raw:
        raise DemoDataError(f"{source}: {key!r} is missing")
    return raw[key]


def _organisation_plan(source: str, raw: dict[str, Any], allocator: _Allocator) -> OrganisationPlan:
    name = _require(source, raw, "name")
    pack = _require(source, raw, "pack")
    prefix = _require(source, raw, "account_prefix")
    duty_scope = raw.get("duty_scope", "organisation")
    if duty_scope not in DUTY_SCOPES:
        raise DemoDataError(f"{source}: duty_scope must be one of {', '.join(DUTY_SCOPES)}, not {duty_scope!r}")
    job_types: dict[str, str] = dict(raw.get("job_types", {}))
    units = _unit_plans(source, name, raw.get("units", []))
    parents = {u.name: u.parent for u in units}

    def department_of(unit: str) -> str:
        while parents.get(unit) is not None:
            unit = parents[unit] or unit
        return unit

    names_rng = random.Random(raw["seed"])
    phones_rng = random.Random(f"{raw['seed']}:phones")
    entries = raw.get("people", [])
    total = sum(int(entry.get("count", 1)) for entry in entries)
    names = draw_unique_names(names_rng, total, taken=allocator.names)
    allocator.names.update(n.name for n in names)
    handles: set[str] = set()
    office_numbers: set[str] = set()
    people: list[PersonPlan] = []
    for index, entry in enumerate(entries):
        where = f"{source}: people[{index}] ({entry.get('title', '?')})"
        unit = entry.get("unit", name)
        if unit != name and unit not in parents:
            raise DemoDataError(f"{where}: unknown unit {unit!r}")
        kind = entry.get("kind", PersonKind.STAFF)
        if kind not in PersonKind.values:
            raise DemoDataError(f"{where}: unknown kind {kind!r}")
        job_type = entry.get("job_type")
        if job_type is not None and job_type not in job_types:
            raise DemoDataError(f"{where}: job type {job_type!r} is not declared under [job_types]")
        roles = [
            _role_plan(where, spec, unit, name, parents, duty_scope, department_of) for spec in entry.get("roles", [])
        ]
        if roles and kind != PersonKind.STAFF:
            raise DemoDataError(f"{where}: ORG-03 — a {kind} cannot hold roles ({', '.join(map(str, roles))})")
        count = int(entry.get("count", 1))
        accounts = int(entry.get("accounts", 0))
        if accounts > count or (accounts and kind != PersonKind.STAFF):
            raise DemoDataError(f"{where}: {accounts} accounts for {count} {kind} people")
        grades = entry.get("grade")
        for n in range(count):
            drawn = names[len(people)]
            handle, suffix = drawn.pinyin, 1
            while handle in handles:
                suffix += 1
                handle = f"{drawn.pinyin}{suffix}"
            handles.add(handle)
            grade = grades[n % len(grades)] if isinstance(grades, list) else grades
            office_phone = ""
            if kind == PersonKind.STAFF:
                while not office_phone or office_phone in office_numbers:
                    office_phone = f"{raw['phone_prefix']}{phones_rng.randrange(2000, 9999)}"
                office_numbers.add(office_phone)
            account = None
            if n < accounts:
                username = allocator.username(prefix, handle)
                account = AccountPlan(
                    username=username,
                    password=demo_password(username),
                    organisation=name,
                    person_name=drawn.name,
                    unit=unit,
                    title=entry.get("title", ""),
                    roles=tuple(roles),
                )
            people.append(
                PersonPlan(
                    employee_number=f"{raw['employee_prefix']}{len(people) + 1:04d}",
                    name=drawn.name,
                    unit=unit,
                    kind=kind,
                    title=entry.get("title", ""),
                    job_type=job_type,
                    grade=grade,
                    office_phone=office_phone,
                    mobile=allocator.mobile(phones_rng),
                    email=f"{handle}@{prefix}.example.org" if kind == PersonKind.STAFF else "",
                    roles=tuple(roles),
                    account=account,
                )
            )
    return OrganisationPlan(
        pack=pack,
        name=name,
        duty_phone=raw.get("duty_phone", ""),
        fax=raw.get("fax", ""),
        job_types=job_types,
        units=units,
        people=tuple(people),
    )


def _unit_plans(source: str, organisation: str, entries: list[dict[str, Any]]) -> tuple[UnitPlan, ...]:
    units: list[UnitPlan] = []
    seen: set[str] = {organisation}
    for index, entry in enumerate(entries):
        where = f"{source}: units[{index}]"
        unit_name = _require(where, entry, "name")
        if unit_name in seen:
            raise DemoDataError(f"{where}: the unit name {unit_name!r} is used twice")
        parent = entry.get("parent")
        if parent is not None and parent not in seen:
            raise DemoDataError(f"{where}: parent {parent!r} must be declared before {unit_name!r}")
        kind = entry.get("kind", Unit.Kind.DEPARTMENT)
        if kind not in Unit.Kind.values or kind == Unit.Kind.ORGANISATION:
            raise DemoDataError(f"{where}: kind {kind!r} is not department, station or team")
        seen.add(unit_name)
        units.append(
            UnitPlan(
                name=unit_name,
                kind=kind,
                parent=parent,
                duty_phone=entry.get("duty_phone", ""),
                fax=entry.get("fax", ""),
                sort_order=index + 1,
            )
        )
    return tuple(units)


def _role_plan(
    where: str,
    spec: str,
    unit: str,
    organisation: str,
    parents: dict[str, str | None],
    duty_scope: str,
    department_of: Callable[[str], str],
) -> RolePlan:
    role, _, scope = spec.partition("@")
    if role not in Role.values:
        raise DemoDataError(f"{where}: unknown role {role!r}")
    if scope:
        if scope != organisation and scope not in parents:
            raise DemoDataError(f"{where}: role {role} is held at unknown unit {scope!r}")
        return RolePlan(role, scope)
    if role in ORGANISATION_WIDE_ROLES or (role in DUTY_ROLES and duty_scope == "organisation"):
        return RolePlan(role, organisation)
    if role in DEPARTMENT_WIDE_ROLES or role in DUTY_ROLES:
        return RolePlan(role, organisation if unit == organisation else department_of(unit))
    return RolePlan(role, unit)
