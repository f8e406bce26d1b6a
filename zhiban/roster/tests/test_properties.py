"""Property: whatever sequence of edits is tried, the draft never holds a cell a rule forbids."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiban.org.models import PersonKind, Role, RoleAssignment
from zhiban.roster import services
from zhiban.roster.models import Assignment, Post, RosterPeriod

pytestmark = pytest.mark.django_db

PEOPLE = ["staff_a", "staff_b", "head_a", "leader", "driver", "guard", "outsider"]
DAYS = [dt.date(2026, 12, d) for d in range(1, 6)]

edits = st.lists(
    st.tuples(
        st.sampled_from(DAYS),
        st.sampled_from(list(Post.values)),
        st.lists(st.sampled_from(PEOPLE), max_size=3),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tried=edits)
def test_org_03_and_ros_01_hold_after_any_edits(
    roster_org: dict[str, Any], period: RosterPeriod, tried: list[tuple[dt.date, str, list[str]]]
) -> None:
    for day, post, names in tried:
        with contextlib.suppress(ValidationError):  # a refusal changes nothing; checked below with the rest
            services.assignment_set(
                actor=None,
                period=period,
                day=day,
                shift_type=roster_org["duty"],
                post=post,
                people=[roster_org[name] for name in names],
            )
    organisation = roster_org["org"]
    for a in Assignment.objects.select_related("person__unit", "shift_type"):
        assert a.person.kind == PersonKind.STAFF  # ORG-03
        assert a.person.unit.path.startswith(organisation.path)  # ORG-03: no other organisation
        role = {Post.DUTY_LEADER: Role.DUTY_LEADER, Post.STANDBY_DRIVER: Role.STANDBY_DRIVER}.get(Post(a.post))
        if role:
            assert RoleAssignment.objects.filter(person=a.person, role=role).exists()  # ROS-01 qualification
        cell = Assignment.objects.filter(version=a.version, date=a.date, shift_type=a.shift_type, post=a.post)
        assert cell.count() <= a.shift_type.headcount(a.post)  # ROS-01 headcount
        others = Assignment.objects.filter(version=a.version, date=a.date, shift_type=a.shift_type, person=a.person)
        assert others.count() == 1  # ROS-01 one post per shift
