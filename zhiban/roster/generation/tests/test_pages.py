"""Generation and fairness pages: the compiler sees and uses them; anonymous, unprivileged and another
department's head are refused (404 or the login page) and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhiban.accounts.tests.clients import verified_client
from zhiban.core.models import AuditEvent
from zhiban.roster.generation import jobs
from zhiban.roster.generation import services as generation
from zhiban.roster.generation.models import GenerationRun

pytestmark = pytest.mark.django_db


def _urls(week: Any, run: GenerationRun, unit: Any) -> list[tuple[str, str]]:
    return [
        ("get", reverse("roster:generation", args=[week.public_id])),
        ("post", reverse("roster:generation_start", args=[week.public_id])),
        ("get", reverse("roster:generation_run", args=[run.public_id])),
        ("post", reverse("roster:generation_stop", args=[run.public_id])),
        ("get", reverse("roster:fairness", args=[unit.public_id])),
    ]


@pytest.mark.parametrize("who", ["anonymous", "staff_a", "head_b", "head_a"])
def test_pages_refuse_everyone_but_the_compiler(roster_org: dict[str, Any], week: Any, who: str) -> None:
    run = generation.generation_start(actor=roster_org["secretary"].user, period=week)
    client = Client() if who == "anonymous" else verified_client(roster_org[who].user)
    events = AuditEvent.objects.count()
    for method, url in _urls(week, run, roster_org["org"]):
        response = getattr(client, method)(url, {"time_limit_s": "5"} if method == "post" else None)
        if who == "anonymous":
            assert response.status_code == 302
            assert "login" in response["Location"]
        else:
            assert response.status_code == 404, url
    run.refresh_from_db()
    assert not run.stop_requested
    assert GenerationRun.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_compiler_starts_watches_stops_and_reads_the_explanation(roster_org: dict[str, Any], week: Any) -> None:
    client = verified_client(roster_org["secretary"].user)
    page = client.get(reverse("roster:generation", args=[week.public_id]))
    assert page.status_code == 200
    assert b'id="generation-start"' in page.content
    started = client.post(reverse("roster:generation_start", args=[week.public_id]), {"time_limit_s": "5"})
    assert started.status_code == 302
    run = GenerationRun.objects.get()
    panel = client.get(reverse("roster:generation_run", args=[run.public_id]))
    assert b'hx-trigger="every 1s"' in panel.content  # refreshed while active
    stopped = client.post(reverse("roster:generation_stop", args=[run.public_id]), HTTP_HX_REQUEST="true")
    assert stopped.status_code == 200
    run.refresh_from_db()
    assert run.stop_requested
    jobs.execute(run.pk)
    done = client.get(reverse("roster:generation_run", args=[run.public_id]))
    assert b"every 1s" not in done.content
    assert b'id="run-points"' in done.content
    assert b"leader" in done.content


def test_bad_time_limit_is_named(roster_org: dict[str, Any], week: Any) -> None:
    client = verified_client(roster_org["secretary"].user)
    response = client.post(
        reverse("roster:generation_start", args=[week.public_id]), {"time_limit_s": "0"}, follow=True
    )
    assert "between 1 and 600 seconds" in response.content.decode()
    assert not GenerationRun.objects.exists()


def test_ros_04_fairness_page_shows_chart_and_numbers(roster_org: dict[str, Any], week: Any) -> None:
    from zhiban.roster import services

    run = generation.generation_start(actor=roster_org["secretary"].user, period=week)
    jobs.execute(run.pk)
    services.period_publish(actor=roster_org["secretary"].user, period=week)
    client = verified_client(roster_org["secretary"].user)
    response = client.get(reverse("roster:fairness", args=[roster_org["org"].public_id]), {"year": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg id="fairness-chart"' in html
    assert "<script" not in html.split('<svg id="fairness-chart"')[1].split("</svg>")[0]
    assert 'class="bar-weekday"' in html
    # the leader stood all 7 days: 5 weekdays + 2 weekend days = 5 + 3 = 8 points
    assert "<td>leader</td><td>5</td><td>2</td><td>0</td><td>0</td><td>8.0</td>" in html


def test_ros_04_infeasible_explanation_in_plain_words(roster_org: dict[str, Any], week: Any) -> None:
    from zhiban.org.models import RoleAssignment

    RoleAssignment.objects.filter(person=roster_org["driver"]).delete()
    run = generation.generation_start(actor=roster_org["secretary"].user, period=week)
    jobs.execute(run.pk)
    html = verified_client(roster_org["secretary"].user).get(reverse("roster:generation", args=[week.public_id]))
    text = html.content.decode()
    assert 'id="run-infeasible"' in text
    assert "2026-12-01 duty" in text
    assert "0 qualified people available, 1 needed" in text
    assert "Traceback" not in text


def test_ros_04_fairness_page_warns_of_a_kind_of_duty_spread_wider_than_the_pack_allows(
    roster_org: dict[str, Any], week: Any
) -> None:
    from zhiban.roster import services

    run = generation.generation_start(actor=roster_org["secretary"].user, period=week)
    jobs.execute(run.pk)
    services.period_publish(actor=roster_org["secretary"].user, period=week)
    client = verified_client(roster_org["secretary"].user)
    html = client.get(reverse("roster:fairness", args=[roster_org["org"].public_id]), {"year": "2026"}).content.decode()
    # Only the leader leads: 5 weekday duties against colleagues' none, more than max_spread (1) apart.
    assert 'id="fairness-warnings"' in html
    assert "工作日值班分配不均" in html
    assert "ROS-04" not in html.split('id="fairness-warnings"')[1].split("</ul>")[0]  # the rule by its words, no code
