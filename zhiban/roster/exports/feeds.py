"""Calendar feed tokens: who may make and revoke them, and the live token behind a secret (ROS-06).

A person makes feeds of their own duties; a scheduler (`selectors.can_schedule`) makes the feed of a
unit's roster. Each write is atomic and records one audit event; only the secret's hash is stored.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from zhiban.accounts.models import User
from zhiban.core import audit, clock
from zhiban.core.secret_tokens import digest, new_secret
from zhiban.org.models import Person, Unit
from zhiban.org.scopes import person_of
from zhiban.roster import selectors
from zhiban.roster.feed_models import FeedToken


def own_person(user: User | None) -> Person | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    person = person_of(user)
    return person if person is not None and person.is_active else None


def feed_tokens(*, user: User | None) -> list[FeedToken]:
    """The user's own feeds and the unit feeds of the units they schedule."""
    person = own_person(user)
    units = selectors.schedulable_units(user=user)
    query = Q(unit__in=units)
    if person is not None:
        query |= Q(person=person)
    if person is None and not units:
        return []
    return list(FeedToken.objects.filter(query).select_related("person", "unit"))


def feed_token_lookup(secret: str) -> FeedToken | None:
    """The live token with this secret, or None (wrong, revoked, its person no longer active, or a unit feed whose
    maker no longer schedules that unit: a feed lives no longer than its maker's right to publish it)."""
    if not secret or len(secret) > 200:
        return None
    token = (
        FeedToken.objects.select_related("person__unit", "unit", "created_by")
        .filter(secret_hash=digest(secret), revoked_at=None)
        .first()
    )
    if token is None or (token.person is not None and not token.person.is_active):
        return None
    if token.unit is not None and not selectors.maker_still_schedules(token.created_by, token.unit):
        return None
    return token


def _label(label: str) -> str:
    label = label.strip()
    if not label:
        raise ValidationError({"label": "name the calendar this feed is for"})
    return label[:60]


def _create(actor: User | None, label: str, person: Person | None, unit: Unit | None) -> tuple[FeedToken, str]:
    secret = new_secret()
    token = FeedToken.objects.create(
        person=person,
        unit=unit,
        label=_label(label),
        secret_hash=digest(secret),
        created_at=clock.now(),
        created_by=actor if actor is not None and actor.pk else None,
    )
    audit.record(
        actor=actor,
        action="roster.feed_token.create",
        object_type="feed_token",
        object_id=token.public_id,
        after={
            "person": person.public_id if person else None,
            "unit": unit.public_id if unit else None,
            "label": token.label,
        },
    )
    return token, secret


@transaction.atomic
def feed_token_create_personal(*, actor: User, label: str) -> tuple[FeedToken, str]:
    """A feed of the actor's own duties; the secret is returned once."""
    person = own_person(actor)
    if person is None:
        raise PermissionDenied("only a person on the rosters has a personal feed")
    return _create(actor, label, person, None)


@transaction.atomic
def feed_token_create_unit(*, actor: User | None, unit: Unit, label: str) -> tuple[FeedToken, str]:
    """A feed of a unit's published roster, for its schedulers; the secret is returned once."""
    if actor is not None and not selectors.can_schedule(actor, unit):
        raise PermissionDenied(f"you may not publish a feed of {unit.name}'s roster")
    return _create(actor, label, None, unit)


def _may_revoke(actor: User | None, token: FeedToken) -> bool:
    if actor is None:
        return True
    if token.person_id is not None:
        person = own_person(actor)
        return person is not None and person.pk == token.person_id
    return token.unit is not None and selectors.can_schedule(actor, token.unit)


@transaction.atomic
def feed_token_revoke(*, actor: User | None, token: FeedToken) -> FeedToken:
    token = FeedToken.objects.select_for_update().get(pk=token.pk)  # no outer join: PostgreSQL refuses FOR UPDATE
    if not _may_revoke(actor, token):
        raise PermissionDenied("you may not revoke this feed")
    if token.revoked_at is not None:
        raise ValidationError({"token": "this feed is already revoked"})
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action="roster.feed_token.revoke",
        object_type="feed_token",
        object_id=token.public_id,
        after={"revoked_at": token.revoked_at},
    )
    return token
