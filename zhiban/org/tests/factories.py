"""factory_boy factories for units, people and accounts; units get their tree path like the service."""

from typing import Any

import factory
from factory.django import DjangoModelFactory

from zhiban.accounts.models import User
from zhiban.org.models import JobType, Person, PersonKind, RoleAssignment, Unit


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-9")

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


class UnitFactory(DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"单位{n}")
    kind = Unit.Kind.DEPARTMENT
    parent = None

    @classmethod
    def _create(cls, model_class: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        unit = super()._create(model_class, *args, **kwargs)
        parent = unit.parent
        unit.path = f"{parent.path if parent else ''}{unit.pk}."
        unit.save(update_fields=["path"])
        return unit


class JobTypeFactory(DjangoModelFactory[JobType]):
    class Meta:
        model = JobType
        django_get_or_create = ("code",)

    code = "operator"
    name = "话务员"


class PersonFactory(DjangoModelFactory[Person]):
    class Meta:
        model = Person

    employee_number = factory.Sequence(lambda n: f"E{n:05d}")
    name = factory.Sequence(lambda n: f"张{n}")
    unit = factory.SubFactory(UnitFactory)
    kind = PersonKind.STAFF
    mobile = factory.Sequence(lambda n: f"139{n:08d}")


class RoleAssignmentFactory(DjangoModelFactory[RoleAssignment]):
    class Meta:
        model = RoleAssignment

    person = factory.SubFactory(PersonFactory)
    unit = factory.SelfAttribute("person.unit")
