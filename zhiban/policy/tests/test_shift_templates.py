"""Shift types are pack data: every pack describes its shifts, a reference follows the live parameter, and a pack
whose shifts name a parameter it does not declare (or of the wrong type) does not validate."""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

import pytest

from zhiban.policy.packs import PACKS_DIR, builtin_packs, parse_pack
from zhiban.roster.pack_shifts import shift_specs

# the shifts each pack describes under its defaults: (code, summer start–end, kinds of day, officers, leader)
EXPECTED = {
    "bureau": [("duty", "09:00–09:00", 3, 1, True)],
    "bureau-shifts": [
        ("workday", "17:30–08:00", 1, 1, False),
        ("day", "08:00–20:00", 2, 1, True),
        ("night", "20:00–08:00", 2, 1, True),
    ],
    "maintenance": [("after_hours", "17:30–08:30", 1, 1, False), ("rest_day", "08:30–08:30", 2, 1, False)],
    "company-shifts": [
        ("after_hours", "17:00–08:00", 1, 1, False),
        ("day", "08:00–17:00", 2, 1, False),
        ("night", "17:30–08:00", 2, 1, False),
    ],
    "service-center": [
        ("early", "08:00–16:00", 3, 1, False),
        ("late", "16:00–00:00", 3, 1, False),
        ("night", "00:00–08:00", 3, 1, False),
    ],
}


def _defaults(pack_id: str) -> dict[str, dict[str, Any]]:
    pack = builtin_packs()[pack_id]
    return {rule.id: rule.defaults() for rule in pack.rules if rule.implemented}


@pytest.mark.parametrize("pack_id", sorted(EXPECTED))
def test_every_pack_describes_its_shift_types(pack_id: str) -> None:
    specs = shift_specs(builtin_packs()[pack_id].shifts, _defaults(pack_id))
    described = [
        (s.code, f"{s.summer[0]:%H:%M}–{s.summer[1]:%H:%M}", len(s.day_kinds), s.officers, s.needs_leader)
        for s in specs
    ]
    assert described == EXPECTED[pack_id]


def test_a_shift_follows_the_live_parameter_it_references() -> None:
    params = _defaults("maintenance")
    params["CAL-02"]["work_end"] = "18:00"
    after_hours = shift_specs(builtin_packs()["maintenance"].shifts, params)[0]
    assert after_hours.summer == (dt.time(18, 0), dt.time(8, 30))
    winter = shift_specs(builtin_packs()["bureau-shifts"].shifts, _defaults("bureau-shifts"))[1].winter
    assert winter == (dt.time(8, 0), dt.time(19, 0))  # CAL-03's winter day shift


def _with_shift(**changes: Any) -> list[str]:
    data = tomllib.loads((PACKS_DIR / "maintenance.toml").read_text())
    data["shifts"] = [{**data["shifts"][0], **changes}]
    _, problems = parse_pack(data, file_label="maintenance.toml")
    return problems


def test_a_shift_naming_a_parameter_the_pack_does_not_declare_does_not_validate() -> None:
    assert _with_shift() == []
    (problem,) = _with_shift(starts="CAL-02.lunch_end")
    assert "shifts[0].starts" in problem
    assert "CAL-02.lunch_end is no parameter" in problem


def test_a_shift_value_of_the_wrong_type_does_not_validate() -> None:
    (problem,) = _with_shift(officers="CAL-02.work_end")
    assert "a time parameter; this field needs a int" in problem
    (problem,) = _with_shift(days=["weekday"])
    assert "shifts[0].days" in problem
    (problem,) = _with_shift(ends="25:00")
    assert "shifts[0].ends" in problem


def test_night_shifts_are_what_the_packs_say() -> None:
    nights = {
        pack_id: [s.code for s in shift_specs(builtin_packs()[pack_id].shifts, _defaults(pack_id)) if s.is_night]
        for pack_id in EXPECTED
    }
    assert nights == {
        "bureau": [],
        "bureau-shifts": ["night"],
        "maintenance": [],
        "company-shifts": ["night"],
        "service-center": ["night"],
    }
