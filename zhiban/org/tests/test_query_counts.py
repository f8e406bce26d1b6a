"""List pages and API lists run a fixed number of queries, however many people there are (no N+1)."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhiban.accounts import services as account_services
from zhiban.org.models import Role
from zhiban.org.tests.factories import PersonFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db


def add_people(unit, n: int) -> None:
    for _ in range(n):
        person = PersonFactory.create(unit=unit)
        RoleAssignmentFactory.create(person=person, role=Role.DUTY_OFFICER, unit=unit)


def count_queries(fetch: Callable[[], int]) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert fetch() == 200
    return len(queries)


def test_people_page_and_api_queries_do_not_grow_with_people(org_tree: dict) -> None:
    head = org_tree["head_a"]
    assert head.user is not None
    client = Client()
    client.force_login(head.user)
    _token, plain = account_services.access_token_create(
        actor=None, user=head.user, name="t", second_factor_passed=True
    )
    bearer = {"Authorization": f"Bearer {plain}"}

    def page() -> int:
        return client.get("/org/people/").status_code

    def api() -> int:
        return client.get("/api/v1/people", headers=bearer).status_code

    api()  # the first use stamps the token's last use; measure the steady state
    add_people(org_tree["station_a"], 3)
    few = (count_queries(page), count_queries(api))
    add_people(org_tree["station_a"], 30)
    many = (count_queries(page), count_queries(api))
    assert many == few
