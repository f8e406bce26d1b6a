"""The shift types a pack describes, as the roster uses them (ROS-01 with CAL-02 work hours and CAL-03 seasons): the
pack's `[[shifts]]` data (`zhiban.policy.shift_templates`) under the organisation's live parameters. Django-free."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zhiban.policy.shift_templates import ShiftTemplate

WORKDAY, REST_DAY, HOLIDAY = "workday", "rest_day", "holiday"
ALL_DAYS = (WORKDAY, REST_DAY, HOLIDAY)
OFF_DAYS = (REST_DAY, HOLIDAY)

Params = Mapping[str, Mapping[str, Any]]  # rule ID → parameter → value


@dataclass(frozen=True)
class ShiftSpec:
    """A shift type as the pack defines it; winter times equal summer ones when the pack has no seasons."""

    code: str
    name: str
    summer: tuple[dt.time, dt.time]
    winter: tuple[dt.time, dt.time]
    day_kinds: tuple[str, ...]
    officers: int = 1
    needs_leader: bool = False
    needs_driver: bool = False
    is_night: bool = False
    office_until: dt.time | None = None
    handovers: tuple[dt.time, ...] = ()


def shift_specs(templates: Sequence[ShiftTemplate], params: Params) -> list[ShiftSpec]:
    """The shift types a pack describes (its `[[shifts]]`), under the live parameters; ValueError for none."""
    if not templates:
        raise ValueError("the pack describes no shift types")

    def live(rule_id: str) -> Mapping[str, Any]:
        return params.get(rule_id, {})

    return [
        ShiftSpec(
            template.code,
            template.name.zh,
            (template.value("starts", live), template.value("ends", live)),
            (template.value("winter_starts", live), template.value("winter_ends", live)),
            template.days,
            officers=int(template.value("officers", live)),
            needs_leader=bool(template.value("leader", live)),
            needs_driver=bool(template.value("driver", live)),
            is_night=bool(template.value("night", live)),
            office_until=template.value("office_until", live),
            handovers=template.values_of("handovers", live),
        )
        for template in templates
    ]
