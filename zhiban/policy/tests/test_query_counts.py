"""Query counts of the policy pages and API lists stay flat as versions accumulate."""

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from zhiban.accounts import services as account_services
from zhiban.policy.services import policy_parameter_override

pytestmark = pytest.mark.django_db


def grow(live: dict, count: int) -> None:
    for minutes in range(count):
        policy_parameter_override(
            actor=None, policy=live["policy"], rule_id="OPS-05", parameter="due", value=f"16:{10 + minutes:02d}"
        )


@pytest.mark.parametrize("versions", [1, 12])
def test_policy_detail_and_compare_queries_do_not_grow_with_versions(
    live: dict, versions: int, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    grow(live, versions)
    client = Client()
    client.force_login(live["staff_a"].user)
    client.get(reverse("policy:pack_list"))  # warm the session
    with django_assert_max_num_queries(16):
        assert client.get(reverse("policy:policy_detail", args=[live["policy"].public_id])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("policy:policy_compare", args=[live["policy"].public_id])).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("policy:pack_list")).status_code == 200


@pytest.mark.parametrize("versions", [1, 12])
def test_live_policy_api_queries_do_not_grow_with_versions(
    live: dict, versions: int, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    grow(live, versions)
    _token, plain = account_services.access_token_create(
        actor=None, user=live["staff_a"].user, name="t", second_factor_passed=True
    )
    with django_assert_max_num_queries(12):
        response = Client().get("/api/v1/policy/live", headers={"Authorization": f"Bearer {plain}"})
    assert len(response.json()["versions"]) == versions + 1
