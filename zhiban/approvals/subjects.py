"""How the approver's inbox names and links the requests of each app (leave, swap, substitution …)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

_SUBJECTS: dict[str, Subject] = {}


@dataclass(frozen=True)
class Subject:
    title: Callable[[int], str]
    url: Callable[[int], str]


def register_subject(subject_type: str, *, title: Callable[[int], str], url: Callable[[int], str]) -> None:
    """Called from an app's `ready()`: how to title and link a request of `subject_type` by its pk."""
    _SUBJECTS[subject_type] = Subject(title, url)


def describe(subject_type: str, subject_id: int) -> tuple[str, str]:
    """(title, url) of a request; an unregistered type shows its raw name and no link."""
    subject = _SUBJECTS.get(subject_type)
    if subject is None:
        return f"{subject_type} #{subject_id}", ""
    return subject.title(subject_id), subject.url(subject_id)
