"""Policy pages: packs for everyone signed in; a live policy for its organisation (read-only unless
secretariat or system administrator); others refused or shown nothing, and nothing changes."""

import pytest
from django.test import Client
from django.urls import reverse

from zhiban.accounts.models import User
from zhiban.accounts.second_factor import requires_second_factor
from zhiban.accounts.tests.clients import verified_client
from zhiban.core.models import AuditEvent
from zhiban.org.models import Person
from zhiban.policy.models import Policy, PolicyVersion
from zhiban.policy.tests.conftest import service_center_counts

pytestmark = pytest.mark.django_db


def client_for(who: Person | User) -> Client:
    """A signed-in client; privileged accounts have passed their second factor."""
    user = who.user if isinstance(who, Person) else who
    assert user is not None
    if requires_second_factor(user):
        return verified_client(user)
    client = Client()
    client.force_login(user)
    return client


def state() -> tuple[int, int, int]:
    return Policy.objects.count(), PolicyVersion.objects.count(), AuditEvent.objects.count()


def edit_url(policy: Policy, rule_id: str = "ROS-02", name: str = "weekday_block_days") -> str:
    return reverse("policy:parameter_edit", args=[policy.public_id, rule_id, name])


def page_urls(policy: Policy) -> list[str]:
    return [
        reverse("policy:pack_list"),
        reverse("policy:pack_detail", args=["service-center"]),
        reverse("policy:policy_detail", args=[policy.public_id]),
        reverse("policy:policy_compare", args=[policy.public_id]),
        edit_url(policy),
    ]


def test_anonymous_is_sent_to_login_and_changes_nothing(live: dict) -> None:
    client = Client()
    before = state()
    for url in page_urls(live["policy"]):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login"))
    assert client.post(edit_url(live["policy"]), {"value": "6"}).status_code == 302
    assert client.post(reverse("policy:policy_adopt"), {"organisation": "x", "pack": "bureau"}).status_code == 302
    assert state() == before


def test_pack_list_shows_the_five_packs_with_counts(live: dict) -> None:
    page = client_for(live["staff_a"]).get(reverse("policy:pack_list")).content.decode()
    for pack_id in ("bureau", "bureau-shifts", "maintenance", "company-shifts", "service-center"):
        assert f'href="/policy/packs/{pack_id}/"' in page
    rules, implemented, planned = service_center_counts()
    assert f"<td>{rules}</td><td>{implemented}</td><td>{planned}</td>" in page  # service-center
    assert "市局" in page  # their own live policy
    assert "外省公司" not in page  # not another organisation's


def test_pack_detail_in_chinese_and_english(live: dict) -> None:
    client = client_for(live["staff_a"])
    url = reverse("policy:pack_detail", args=["service-center"])
    page = client.get(url).content.decode()
    assert "SWAP-02 换班每人每月不得超过2次" in page
    assert "客服部换班制度 三" in page
    assert "每人每月换班不得超过2次。" in page
    assert "强制" in page
    assert "<th>参数</th>" in page
    client.post(reverse("set_language"), {"language": "en", "next": url})
    english = client.get(url).content.decode()
    assert "SWAP-02 At most 2 swaps per person per month" in english
    assert "No one may swap more than twice a month." in english
    assert "<th>Parameter</th>" in english
    assert client.get(reverse("policy:pack_detail", args=["army"])).status_code == 404


def test_live_policy_is_read_only_for_its_people(live: dict) -> None:
    for who in ("staff_a", "head_b"):
        page = client_for(live[who]).get(reverse("policy:policy_detail", args=[live["policy"].public_id]))
        assert page.status_code == 200
        text = page.content.decode()
        assert "bureau" in text
        assert edit_url(live["policy"]) not in text


@pytest.mark.parametrize("who", ["other_head", "auditor"])
def test_another_organisations_policy_is_not_found(live: dict, who: str) -> None:
    client = client_for(live[who])
    before = state()
    policy = live["policy"]
    for url in page_urls(policy)[2:]:
        assert client.get(url).status_code == 404, url
    assert client.post(edit_url(policy), {"value": "6", "action": "save"}).status_code == 404
    assert state() == before


@pytest.mark.parametrize("who", ["staff_a", "head_a", "head_b"])
def test_unprivileged_and_department_heads_cannot_change_the_policy(live: dict, who: str) -> None:
    client = client_for(live[who])
    before = state()
    assert client.get(edit_url(live["policy"])).status_code == 403
    assert client.post(edit_url(live["policy"]), {"value": "6", "action": "save"}).status_code == 403
    assert client.post(edit_url(live["policy"]), {"action": "reset"}).status_code == 403
    assert state() == before


def test_secretariat_changes_a_parameter_and_the_page_shows_the_new_version(live: dict) -> None:
    client = client_for(live["secretary"])
    policy = live["policy"]
    assert client.get(edit_url(policy)).status_code == 200
    response = client.post(edit_url(policy), {"value": "6", "note": "试行", "action": "save"})
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.current_version == 2
    page = client.get(reverse("policy:policy_detail", args=[policy.public_id])).content.decode()
    assert "工作日每人连续6天" in page
    assert "ROS-02.weekday_block_days: 5 → 6" in page
    assert "试行" in page


def test_bad_value_is_refused_naming_the_parameter_and_nothing_changes(live: dict) -> None:
    client = client_for(live["secretary"])
    before = state()
    response = client.post(edit_url(live["policy"]), {"value": "9", "action": "save"})
    assert response.status_code == 400
    assert "ROS-02.weekday_block_days: 9 is above the maximum 7" in response.content.decode()
    response = client.post(edit_url(live["policy"]), {"value": "five", "action": "save"})
    assert "expected int, got &quot;five&quot;" in response.content.decode()
    assert state() == before


def test_htmx_edit_returns_the_form_on_error_and_redirects_on_success(live: dict) -> None:
    client = client_for(live["admin"])
    url = edit_url(live["policy"], "OPS-05", "due")
    bad = client.post(url, {"value": "4pm", "action": "save"}, headers={"HX-Request": "true"})
    assert bad.status_code == 200
    assert 'id="parameter-form"' in bad.content.decode()
    assert "<html" not in bad.content.decode()
    assert "OPS-05.due: expected time" in bad.content.decode()
    good = client.post(url, {"value": "16:45", "action": "save"}, headers={"HX-Request": "true"})
    assert good.headers["HX-Redirect"] == reverse("policy:policy_detail", args=[live["policy"].public_id])
    reset = client.post(url, {"action": "reset"}, headers={"HX-Request": "true"})
    assert "HX-Redirect" in reset.headers
    assert list(PolicyVersion.objects.filter(policy=live["policy"]).values_list("number", flat=True)) == [3, 2, 1]


def test_list_parameter_with_choices_is_edited_by_checkboxes(live: dict) -> None:
    client = client_for(live["secretary"])
    url = edit_url(live["policy"], "ORG-03", "allowed_person_kinds")
    assert 'type="checkbox"' in client.get(url).content.decode()
    assert client.post(url, {"value": ["staff", "contractor"], "action": "save"}).status_code == 302
    live["policy"].refresh_from_db()
    version = PolicyVersion.objects.get(policy=live["policy"], number=2)
    assert version.overrides == {"ORG-03": {"allowed_person_kinds": ["staff", "contractor"]}}
    page = client.get(reverse("policy:policy_detail", args=[live["policy"].public_id])).content.decode()
    assert "ORG-03.allowed_person_kinds: staff → staff, contractor" in page


def test_compare_shows_the_differences_between_two_versions(live: dict) -> None:
    client = client_for(live["secretary"])
    client.post(edit_url(live["policy"]), {"value": "6", "action": "save"})
    client.post(edit_url(live["policy"], "OPS-05", "due"), {"value": "16:45", "action": "save"})
    url = reverse("policy:policy_compare", args=[live["policy"].public_id])
    page = client.get(url, {"a": 1, "b": 3}).content.decode()
    assert "<td>ROS-02</td>" in page
    assert "<td>5</td><td>6</td>" in page
    assert "<td>16:30</td><td>16:45</td>" in page
    assert client.get(url, {"a": 1, "b": 9}).status_code == 404


def test_adopt_form_only_for_who_may_adopt(live: dict) -> None:
    from zhiban.org.tests.factories import UnitFactory

    new_org = UnitFactory.create(name="新机关", kind="organisation")
    staff_page = client_for(live["staff_a"]).get(reverse("policy:pack_list")).content.decode()
    assert "policy/live/adopt/" not in staff_page
    before = state()
    refused = client_for(live["head_b"]).post(
        reverse("policy:policy_adopt"), {"organisation": new_org.public_id, "pack": "bureau"}
    )
    assert refused.status_code == 403
    assert state() == before
    admin = client_for(live["admin"])
    assert "policy/live/adopt/" in admin.get(reverse("policy:pack_list")).content.decode()
    response = admin.post(reverse("policy:policy_adopt"), {"organisation": new_org.public_id, "pack": "company-shifts"})
    assert response.status_code == 302
    assert Policy.objects.get(unit=new_org).pack == "company-shifts"


def test_navigation_links_to_the_policy_pages(live: dict) -> None:
    page = client_for(live["staff_a"]).get(reverse("core:home")).content.decode()
    assert 'href="/policy/"' in page
