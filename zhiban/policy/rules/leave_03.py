"""LEAVE-03 — who approves leave: by its length and kind, and the managing department's consent.

maintenance (P2 二.2、二.4): up to `station_head_max_days` the station head, longer the regional leader;
then the managing department's manager consents before the person leaves (`manager_consent`).
service-center (P7 请假 三、九): up to `cs_director_max_days` the CS director, longer the CS director
and then the centre director (level by level, LEAVE-06); business trips and training the centre
director. Packs silent on leave: the `approver` parameter (department head or secretariat).
`approval_chain` computes the chain from the pack's parameters; the checks refuse an approval whose
approved roles do not include what the chain requires. `approval_wait_hours` is how long a step may
wait before its approvers are reminded (every source is silent on it: a product default), read for
leave, substitution and compensatory-rest chains alike. Django-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhiban.policy.findings import Finding, Severity
from zhiban.policy.rules._labels import ROLES
from zhiban.policy.rules.leave_01 import days_text, kind_zh

RULE_ID = "LEAVE-03"

# Where an approver's role is looked for, from the person's unit upwards.
LEVEL_UNIT = "unit"  # the person's own unit (station, team) and above
LEVEL_DEPARTMENT = "department"  # the department containing the person's unit
LEVEL_ORGANISATION = "organisation"


@dataclass(frozen=True)
class Approver:
    """One level of the chain: the holder of `role` found from `level` upwards approves at `order`."""

    order: int
    role: str
    level: str
    label_zh: str
    label_en: str
    consent: bool = False  # the managing department's consent (maintenance), not an approval by length


def counts_duty_days(params: Mapping[str, Any]) -> bool:
    """`counted_in`: whether leave is counted in the person's own duty days (shift work round the clock) rather than
    in working days."""
    return params.get("counted_in") == "duty_days"


def _approver(order: int, role: str, level: str) -> Approver:
    zh, en = ROLES[role]
    return Approver(order, role, level, f"{zh}审批", f"the {en} approves")


def _over(days: Decimal, limit: float) -> bool:
    return days > Decimal(str(limit))


def approval_chain(kind: str, working_days: Decimal, params: Mapping[str, Any]) -> list[Approver]:
    """The levels that must approve a leave of `kind` and `working_days`, in order."""
    if "station_head_max_days" in params:  # maintenance
        if _over(working_days, params["station_head_max_days"]):
            chain = [_approver(1, "regional_leader", LEVEL_UNIT)]
        else:
            chain = [_approver(1, "station_head", LEVEL_UNIT)]
        if params.get("manager_consent", False):
            chain.append(
                Approver(
                    2, "department_head", LEVEL_DEPARTMENT, "分管部门经理同意", "the managing manager consents", True
                )
            )
        return chain
    if "cs_director_max_days" in params:  # service-center
        if kind == "business":
            return [_approver(1, "centre_director", LEVEL_ORGANISATION)]
        chain = [_approver(1, "cs_director", LEVEL_DEPARTMENT)]
        if _over(working_days, params["cs_director_max_days"]):
            chain.append(_approver(2, "centre_director", LEVEL_ORGANISATION))
        return chain
    if params.get("approver", "department_head") == "secretariat":  # source: default
        return [_approver(1, "secretariat", LEVEL_ORGANISATION)]
    return [_approver(1, "department_head", LEVEL_DEPARTMENT)]


@dataclass(frozen=True)
class LeaveApprovals:
    """A leave about to take effect: its kind and length, and the roles that have approved it."""

    person_name: str
    kind: str
    working_days: Decimal
    approved_roles: tuple[str, ...]


def _missing(facts: LeaveApprovals, params: Mapping[str, Any], *, consent: bool) -> list[Approver]:
    chain = approval_chain(facts.kind, facts.working_days, params)
    return [a for a in chain if a.consent == consent and a.role not in facts.approved_roles]


def approver_by_length(facts: LeaveApprovals, params: Mapping[str, Any]) -> list[Finding]:
    """The leave takes effect only when every approver its length and kind require has approved."""
    missing = _missing(facts, params, consent=False)
    if not missing:
        return []
    names_zh = "、".join(ROLES[a.role][0] for a in missing)
    names_en = ", ".join(ROLES[a.role][1] for a in missing)
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"{facts.person_name}{kind_zh(facts.kind)}{days_text(facts.working_days)}天须经{names_zh}批准",
            f"{facts.person_name}'s leave of {days_text(facts.working_days)} day(s) "
            f"needs the approval of the {names_en}",
            {"missing": [a.role for a in missing], "working_days": days_text(facts.working_days)},
        )
    ]


def manager_consents(facts: LeaveApprovals, params: Mapping[str, Any]) -> list[Finding]:
    """maintenance: the managing department's manager consents before the leave takes effect."""
    if not params.get("manager_consent", False) or not _missing(facts, params, consent=True):
        return []
    return [
        Finding(
            RULE_ID,
            Severity.ENFORCE,
            f"{facts.person_name}的请假须经分管部门经理同意后方可离开",
            f"{facts.person_name} leaves only after the managing department's manager consents",
            {"missing": ["department_head"]},
        )
    ]


DEFAULT_WAIT_HOURS = 24


def wait_hours(params: Mapping[str, Any]) -> int:
    """How long an approval step may wait before its approvers are reminded."""
    return int(params.get("approval_wait_hours", DEFAULT_WAIT_HOURS))


@dataclass(frozen=True)
class ApprovalWait:
    """A request's step (`step_label`) waiting for a decision since `since`, seen at `now`."""

    subject_label: str
    step_label: str
    since: dt.datetime
    now: dt.datetime


def approval_overdue(facts: ApprovalWait, params: Mapping[str, Any]) -> list[Finding]:
    """A step that has waited `approval_wait_hours` or longer: remind its approvers."""
    hours = wait_hours(params)
    if facts.now - facts.since < dt.timedelta(hours=hours):
        return []
    waited = int((facts.now - facts.since).total_seconds() // 3600)
    return [
        Finding(
            RULE_ID,
            Severity.REMIND,
            f"{facts.subject_label}（{facts.step_label}）已等待审批{waited}小时，超过{hours}小时时限，请审批人尽快处理",
            f"{facts.subject_label} ({facts.step_label}) has waited {waited} hour(s) for a decision, "
            f"longer than the {hours} hours allowed; the approvers are reminded",
            {"wait_hours": hours, "waited_hours": waited, "since": facts.since.isoformat()},
        )
    ]


CHECKS = {
    "approver_by_length": approver_by_length,
    "manager_consents": manager_consents,
    "approval_overdue": approval_overdue,
}
