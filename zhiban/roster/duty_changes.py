"""Changing published duties through a request (leave cover, swap, substitution): race-safe, versioned.

The requesting app approves first; `duties_move` then moves each duty from one person to another. It
locks every period involved (in primary-key order, so two requests never deadlock), refuses a move
whose person no longer holds the duty (the loser of a race is told so, nothing is written), runs the
same checks as an edit (ORG-03, ROS-01, ROS-03 through the rule engine) and writes one new published
version per period, one audit event each.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from zhiban.accounts.models import User
from zhiban.core import audit
from zhiban.core.transactions import atomic_retrying
from zhiban.notify.services import notify
from zhiban.org.models import Person
from zhiban.roster import services
from zhiban.roster.cells import CellChecks
from zhiban.roster.models import Post, RosterPeriod, RosterVersion, ShiftType

CHANNELS = ("leave", "swap", "substitution")
CHANNEL_ZH = {"leave": "请假顶班", "swap": "换班", "substitution": "顶替"}


@dataclass(frozen=True)
class DutyMove:
    """Move `from_person`'s duty (period, day, shift, post) to `to_person`."""

    period: RosterPeriod
    day: dt.date
    shift_type: ShiftType
    post: str
    from_person: Person
    to_person: Person

    def describe(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.shift_type.name} {Post(self.post).label}"


def _apply(period: RosterPeriod, moves: Sequence[DutyMove]) -> dict[services.CellKey, list[Person]]:
    """The cells of `period` after the moves, checked; refuses moves whose duty changed meanwhile."""
    current = period.published_version
    if current is None:
        raise ValidationError({"duty": f"{period} 的值班表尚未公布，无法通过申请变更"})
    cells: dict[services.CellKey, list[Person]] = {}
    for move in moves:
        key = (move.day, move.shift_type, move.post)
        if key not in cells:
            cells[key] = [a.person for a in services.cell_of(current, *key)]
        people = cells[key]
        if move.from_person.pk not in {p.pk for p in people}:
            raise ValidationError(
                {
                    "duty": f"{move.from_person.name}已不在{move.describe()}值班"
                    f"（值班表现为第{current.number}版），本次变更未执行"
                }
            )
        if move.to_person.pk in {p.pk for p in people}:
            raise ValidationError({"duty": f"{move.to_person.name}已在{move.describe()}值班"})
        cells[key] = [move.to_person if p.pk == move.from_person.pk else p for p in people]
    checks = CellChecks(period, [(day, shift_type, post, people) for (day, shift_type, post), people in cells.items()])
    for (day, shift_type, post), people in cells.items():
        checks.check(day, shift_type, post, people)
        moved_in = [p for p in people if p.pk in {m.to_person.pk for m in moves}]
        leaving = {m.from_person.pk for m in moves if (m.day, m.shift_type.pk) == (day, shift_type.pk)}
        held = services.held_near(current, day, shift_type, [])
        checks.check_one_post(held, day, shift_type, post, [p for p in moved_in if p.pk not in leaving])
    return cells


@atomic_retrying
def duties_move(*, actor: User | None, moves: Sequence[DutyMove], channel: str, reason: str) -> list[RosterVersion]:
    """Move the duties and publish the result: one new version per period involved."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if not moves:
        raise ValidationError({"duty": "nothing to move"})
    by_period: dict[int, list[DutyMove]] = defaultdict(list)
    for move in moves:
        by_period[move.period.pk].append(move)
    versions = []
    for period_pk in sorted(by_period):
        period = services.locked_period(by_period[period_pk][0].period)
        services.enforce_change(period, published=True, channel=channel, reason=reason)
        period_moves = by_period[period_pk]
        before = period.published_version
        cells = _apply(period, period_moves)
        note = f"{CHANNEL_ZH[channel]}：{reason}".strip("：")
        version, removed, added = services.publish_cells(period, actor=actor, note=note, cells=cells)
        lines = "\n".join(f"{m.describe()}：{m.from_person.name} → {m.to_person.name}" for m in period_moves)
        notify(
            recipients=[a.person for a in removed] + [a.person for a in added],
            subject=f"值班安排变更（{CHANNEL_ZH[channel]}，第{version.number}版）",
            body=f"{lines}\n{reason}".strip(),
            link=services.period_link(period),
        )
        audit.record(
            actor=actor,
            action=f"roster.period.{channel}",
            object_type="roster_period",
            object_id=period.public_id,
            before={"version": before.number if before else None},
            after={"version": version.number},
            extra={
                "moves": [
                    {
                        "date": m.day,
                        "shift_type": m.shift_type.code,
                        "post": m.post,
                        "from": m.from_person.public_id,
                        "to": m.to_person.public_id,
                    }
                    for m in period_moves
                ],
                "reason": reason,
            },
        )
        versions.append(version)
    return versions
