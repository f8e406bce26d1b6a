"""OPS-10 — the standby driver is not in the office but reachable `reachable_hours` a day; the designated duty vehicle
is `duty_vehicle` (P3 六.1). The board shows both, with the driver's phone. Django-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhiban.policy.findings import Finding, Severity

RULE_ID = "OPS-10"


@dataclass(frozen=True)
class StandbyDriver:
    driver_name: str
    phone: str


def board_line(params: Mapping[str, Any]) -> str:
    """What the duty board says of the vehicle and the driver's hours."""
    return f"值班车辆{params['duty_vehicle']}，代班司机{params['reachable_hours']}小时通讯畅通"


def driver_reachable(facts: StandbyDriver, params: Mapping[str, Any]) -> list[Finding]:
    if facts.phone.strip():
        return []
    return [
        Finding(
            RULE_ID,
            Severity.RECORD,
            f"代班司机{facts.driver_name}没有登记联系电话，无法保证{params['reachable_hours']}小时通讯畅通",
            f"the standby driver {facts.driver_name} has no phone on file",
        )
    ]


CHECKS = {"driver_reachable": driver_reachable}
