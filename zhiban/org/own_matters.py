"""One rule for every decision in zhiban: nobody decides, records or approves a matter of their own.

A matter's parties are the people it is about (who asked, whose duty moves, whose rest or absence is recorded, who
would receive a role). Services call `refuse_own_matter` before they write; approval chains keep their parties on
every step so that an inbox never offers a party its own request.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from zhiban.accounts.models import User
from zhiban.org.models import Person
from zhiban.org.scopes import person_of


def _pk(party: Person | int | None) -> int | None:
    return party.pk if isinstance(party, Person) else party


def is_party(user: User | None, parties: Iterable[Person | int | None]) -> bool:
    """Is the signed-in user one of the people a matter is about?"""
    if user is None or not user.is_authenticated:
        return False
    person = person_of(user)
    return person is not None and person.pk in {_pk(p) for p in parties}


def refuse_own_matter(user: User | None, parties: Iterable[Person | int | None]) -> None:
    """PermissionDenied when the user is a party of the matter they are about to decide or record."""
    if is_party(user, parties):
        raise PermissionDenied(_("Nobody decides, records or approves a matter of their own."))
