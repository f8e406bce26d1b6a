"""Calendar pages: anyone signed in reads; only the system administrator imports and corrects;
anonymous users are sent to log in; refused requests change nothing."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from zhiban.accounts.models import AdminRole
from zhiban.accounts.tests.clients import client_for, verified_client
from zhiban.calendar.models import CalendarDay, CalendarYear, Kind
from zhiban.calendar.tests.conftest import snapshot
from zhiban.calendar.tests.test_import import GOOD_2027
from zhiban.core.models import AuditEvent
from zhiban.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("calendar:home", []),
    ("calendar:year", [2027]),
    ("calendar:day", ["2026-10-01"]),
    ("calendar:import", []),
    ("calendar:seasons", []),
]


@pytest.mark.parametrize(("url_name", "args"), PAGES)
def test_anonymous_is_sent_to_login(seeded: object, url_name: str, args: list) -> None:
    before = snapshot()
    for method in ("get", "post"):
        response = getattr(Client(), method)(reverse(url_name, args=args))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert snapshot() == before


def test_anonymous_cannot_edit_seasons(org_tree: dict) -> None:
    url = reverse("calendar:season_edit", args=[org_tree["org"].public_id])
    before = snapshot()
    assert Client().get(url).status_code == 302
    response = Client().post(url, {"summer_starts": "06-01", "winter_starts": "10-01"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert snapshot() == before


@time_machine.travel(dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize("who", ["staff_a", "head_b"])
def test_signed_in_people_read_the_calendar(org_tree: dict, seeded: object, who: str) -> None:
    client = client_for(org_tree[who])
    body = client.get(reverse("calendar:home")).content.decode()
    assert "2026" in body
    for header in "一二三四五六日":
        assert f'<th scope="col">{header}</th>' in body
    assert "国庆节" in body
    assert "调休上班" in body
    assert 'data-date="2026-10-10"' in body
    assert "2026-09-30 17:30" in body  # National Day duty starts at Wednesday's end of work
    assert "2026-10-08 08:30" in body
    assert reverse("calendar:import") not in body
    day = client.get(reverse("calendar:day", args=["2026-10-10"])).content.decode()
    assert "调休上班（国庆节）" in day
    assert '<form method="post" action' not in day


def test_provisional_year_is_marked(org_tree: dict, seeded: object) -> None:
    body = client_for(org_tree["staff_a"]).get(reverse("calendar:year", args=[2027])).content.decode()
    assert 'data-status="provisional"' in body
    assert "暂定" in body
    assert "is-provisional" in body
    confirmed = client_for(org_tree["staff_a"]).get(reverse("calendar:year", args=[2026])).content.decode()
    assert 'data-status="provisional"' not in confirmed


def test_year_not_in_calendar_says_so_and_out_of_range_is_not_found(org_tree: dict) -> None:
    client = client_for(org_tree["staff_a"])
    response = client.get(reverse("calendar:year", args=[2030]))
    assert response.status_code == 200
    assert "zhiban calendar seed" in response.content.decode()
    assert client.get(reverse("calendar:year", args=[1999])).status_code == 404
    assert client.get(reverse("calendar:day", args=["2026-02-30"])).status_code == 404
    assert client.get(reverse("calendar:day", args=["2030-01-01"])).status_code == 404


@pytest.mark.parametrize("who", ["staff_a", "head_b"])
def test_unprivileged_and_other_heads_cannot_import_or_correct(org_tree: dict, seeded: object, who: str) -> None:
    client = client_for(org_tree[who])
    before = snapshot()
    assert client.get(reverse("calendar:import")).status_code == 403
    upload = SimpleUploadedFile("2027.csv", GOOD_2027.encode(), content_type="text/csv")
    assert client.post(reverse("calendar:import"), {"year": 2027, "file": upload}).status_code == 403
    response = client.post(
        reverse("calendar:day", args=["2026-12-31"]),
        {"kind": "in_lieu_rest", "holiday_name": "元旦", "reason": "x"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("admin_role", [AdminRole.SECURITY, AdminRole.AUDIT])
def test_security_and_audit_administrators_cannot_write(seeded: object, admin_role: str) -> None:
    client = verified_client(UserFactory.create(admin_role=admin_role))
    before = snapshot()
    assert client.get(reverse("calendar:import")).status_code == 403
    response = client.post(
        reverse("calendar:day", args=["2026-12-31"]), {"kind": "in_lieu_rest", "holiday_name": "元旦", "reason": "x"}
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_administrator_imports_through_the_form(seeded: object, admin_client: Client) -> None:
    page = admin_client.get(reverse("calendar:import"))
    assert page.status_code == 200
    upload = SimpleUploadedFile("2027.csv", ("\ufeff" + GOOD_2027).encode(), content_type="text/csv")
    response = admin_client.post(reverse("calendar:import"), {"year": 2027, "file": upload})
    assert response.status_code == 302
    assert response["Location"] == reverse("calendar:year", args=[2027])
    assert CalendarYear.objects.get(year=2027).provisional is False
    assert AuditEvent.objects.filter(action="calendar.year.import").count() == 1


def test_administrator_sees_every_problem_of_a_bad_file_and_nothing_is_written(
    seeded: object, admin_client: Client
) -> None:
    before = snapshot()
    data = "date,kind,name\n2027-01-01,statutory_holiday,元旦\n2027-01-01,statutory_holiday,元旦\n2028-01-03,x,\n"
    upload = SimpleUploadedFile("bad.csv", data.encode(), content_type="text/csv")
    response = admin_client.post(reverse("calendar:import"), {"year": 2027, "file": upload})
    assert response.status_code == 400
    body = response.content.decode()
    assert "第3行 date 列：2027-01-01 已在第2行出现" in body
    assert "第4行 date 列：2028-01-03 不在2027年内" in body
    assert "第4行 kind 列" in body
    assert snapshot() == before
    gbk = SimpleUploadedFile("gbk.csv", "date,kind,name\n2027-01-01,statutory_holiday,元旦\n".encode("gbk"))
    response = admin_client.post(reverse("calendar:import"), {"year": 2027, "file": gbk})
    assert "不是 UTF-8 编码" in response.content.decode()
    assert snapshot() == before


def test_administrator_corrects_a_day_through_htmx(seeded: object, admin_client: Client) -> None:
    url = reverse("calendar:day", args=["2026-12-31"])
    panel = admin_client.get(url, headers={"HX-Request": "true"})
    assert panel.status_code == 200
    assert "<html" not in panel.content.decode()
    assert 'hx-post="' + url + '"' in panel.content.decode()
    response = admin_client.post(
        url, {"kind": "in_lieu_rest", "holiday_name": "元旦", "reason": "市政府通知"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "调休休息日" in response.content.decode()
    assert CalendarDay.objects.get(date=dt.date(2026, 12, 31)).kind == Kind.IN_LIEU_REST
    assert AuditEvent.objects.filter(action="calendar.day.correct").count() == 1


def test_administrator_bad_correction_shows_the_rule_and_changes_nothing(seeded: object, admin_client: Client) -> None:
    before = snapshot()
    response = admin_client.post(
        reverse("calendar:day", args=["2026-12-30"]),
        {"kind": "makeup_workday", "holiday_name": "元旦", "reason": "x"},
    )
    assert response.status_code == 400
    # No organisation adopted a pack: the deployment's baseline (the first pack's template, version 0) is cited.
    cited = (
        "CAL-01 法定节假日与调休上班日以国家安排为准 (bureau · default · 策略版本 0): "
        "2026-12-30：调休上班日只能是星期六或星期日"
    )
    assert cited in response.content.decode()
    assert snapshot() == before


def test_administrator_correction_without_htmx_redirects_to_the_year(seeded: object, admin_client: Client) -> None:
    response = admin_client.post(
        reverse("calendar:day", args=["2026-12-31"]), {"kind": "in_lieu_rest", "holiday_name": "元旦", "reason": "x"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("calendar:year", args=[2026])


def test_navigation_links_to_the_calendar(org_tree: dict) -> None:
    body = client_for(org_tree["staff_a"]).get(reverse("core:home")).content.decode()
    assert f'href="{reverse("calendar:home")}"' in body
