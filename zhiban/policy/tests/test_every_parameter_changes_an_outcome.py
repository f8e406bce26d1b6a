"""Every parameter a pack declares on an implemented rule changes an outcome (issue 11: packs as pure data).

For each pack, rule and parameter, the parameter is set to another valid value and the outcomes are compared: the
shift types the pack describes, the rule's solver form over sample rosters, its findings over the facts of
`PROBE_FACTS`, and the rule functions services call with its parameters (`PROBE_FUNCTIONS`). A parameter whose change
moves none of them is one a policy editor would change for nothing. `zhiban policy validate` refuses parameters no
code reads; this shows the reading matters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from zhiban.policy import engine, parameters
from zhiban.policy.engine import ResolvedPolicy
from zhiban.policy.packs import Pack, Parameter, builtin_packs
from zhiban.policy.shaping import PersonFacts, PostFacts, RosterFacts, ShiftFacts
from zhiban.policy.tests.parameter_probes import PROBE_FACTS, PROBE_FUNCTIONS
from zhiban.roster.pack_shifts import shift_specs

START = dt.date(2026, 9, 28)  # a Monday; 14 days over the National Day holiday with a make-up Saturday
# Mon 28 Sep – Sun 11 Oct: three working days, five holidays, then a week of six working days (make-up weekend)
KINDS = ("workday",) * 3 + ("holiday",) * 5 + ("workday",) * 6
PEOPLE = (
    PersonFacts("p1", "甲", frozenset({"duty_officer"}), job_type="operator", grade=3, in_section=True),
    PersonFacts("p2", "乙", frozenset(), job_type="operator", grade=1, in_section=True),
    PersonFacts("p3", "丙", frozenset(), job_type="qa_inspector", grade=2),
    PersonFacts("p4", "丁", frozenset({"duty_leader"}), job_type="manager"),
    PersonFacts("p5", "戊", frozenset({"standby_driver"}), member=False),
)
POSTS = (
    PostFacts("duty_leader", "带班领导", "duty_leader"),
    PostFacts("duty_officer", "值班人员"),
    PostFacts("standby_driver", "代班司机", "standby_driver"),
)


def _minutes(time: dt.time) -> int:
    return time.hour * 60 + time.minute


def _roster(pack: Pack, policy: ResolvedPolicy) -> RosterFacts:
    specs = _shifts(pack, policy)
    shifts = tuple(
        ShiftFacts(
            s.code,
            s.name,
            _minutes(s.summer[0]),
            (_minutes(s.summer[1]) - _minutes(s.summer[0])) % 1440 or 1440,
            s.day_kinds,
            (
                ("duty_leader", int(s.needs_leader)),
                ("duty_officer", s.officers),
                ("standby_driver", int(s.needs_driver)),
            ),
            s.is_night,
        )
        for s in specs
    )
    return RosterFacts(
        dates=tuple(START + dt.timedelta(days=i) for i in range(len(KINDS))),
        kinds=KINDS,
        shifts=shifts,
        posts=POSTS,
        people=PEOPLE,
        rotating_post="duty_officer",
        rotation=("p1", "p2", "p3"),
        previous_holder="p2",
        away=frozenset({("p3", 4)}),
    )


def _shifts(pack: Pack, policy: ResolvedPolicy) -> list[Any]:
    rules = {ref for template in pack.shifts for ref in template.rule_ids}
    return shift_specs(pack.shifts, {rule_id: policy.parameters(rule_id) for rule_id in rules})


def outcome(pack: Pack, policy: ResolvedPolicy, rule_id: str) -> tuple[object, ...]:
    """Everything a rule's parameters can move, under `policy`."""
    findings = tuple(
        (f.code, f.severity, f.finding.message_zh)
        for facts in PROBE_FACTS.get(rule_id, ())
        for f in engine.evaluate(policy, [rule_id], facts).findings
    )
    functions = tuple(repr(function(policy.parameters(rule_id))) for function in PROBE_FUNCTIONS.get(rule_id, ()))
    return (repr(_shifts(pack, policy)), repr(engine.shape(policy, _roster(pack, policy))), findings, functions)


def another_value(parameter: Parameter) -> Any:
    """A valid value other than the default."""
    default = parameter.default
    candidates: list[Any]
    if parameter.type == "bool":
        candidates = [not default]
    elif parameter.type == "int":
        candidates = [default + 1, default - 1, default + 5]
    elif parameter.type == "float":
        candidates = [default + 0.5, default - 0.5]
    elif parameter.type in ("enum",):
        candidates = [c for c in parameter.choices if c != default]
    elif parameter.type == "list[str]":
        candidates = [list(default[:-1]), [*default, *[c for c in parameter.choices if c not in default][:1]]]
        candidates += [["other"]] if not parameter.choices else []
    elif parameter.type == "time":
        hour, minute = map(int, default.split(":"))
        candidates = [f"{(hour + 1) % 24:02d}:{minute:02d}", f"{(hour - 1) % 24:02d}:{minute:02d}"]
    elif parameter.type == "month_day":
        month, day = map(int, default.split("-"))
        candidates = [f"{month % 12 + 1:02d}-{day:02d}", f"{(month - 2) % 12 + 1:02d}-{day:02d}"]
    elif parameter.type == "duration":
        value = parameters.to_python("duration", default)
        candidates = [
            f"{int((value + dt.timedelta(hours=h)).total_seconds() // 60)}m" for h in (1, 24, -1) if value.days > -1
        ]
    else:  # str
        candidates = [f"{default}x"]
    for candidate in candidates:
        if candidate != default and parameter.problem(candidate) is None:
            return candidate
    raise AssertionError(f"no other valid value for {parameter.name} ({parameter.type}, default {default!r})")


CASES = [
    (pack.id, rule.id, parameter.name)
    for pack in builtin_packs().values()
    for rule in pack.rules
    if rule.implemented
    for parameter in rule.parameters
]


@pytest.mark.parametrize(("pack_id", "rule_id", "name"), CASES, ids=[f"{p}:{r}.{n}" for p, r, n in CASES])
def test_changing_the_parameter_changes_an_outcome(pack_id: str, rule_id: str, name: str) -> None:
    pack = builtin_packs()[pack_id]
    parameter = next(p for p in pack.rule(rule_id).parameters if p.name == name)  # type: ignore[union-attr]
    before = ResolvedPolicy(pack, 1)
    after = ResolvedPolicy(pack, 2, {rule_id: {name: another_value(parameter)}})
    readers = [rule_id, *(r.id for r in pack.rules if r.implemented and _borrows(r.id, rule_id, name))]
    changed = any(outcome(pack, before, r) != outcome(pack, after, r) for r in readers)
    assert changed, f"{pack_id} {rule_id}.{name} = {another_value(parameter)!r} changes no outcome"


def _borrows(rule_id: str, holder: str, name: str) -> bool:
    from zhiban.policy.registry import registry

    module = registry().get(rule_id)
    return module is not None and module.borrows.get(name) == holder


Probe = Callable[[Any], object]
