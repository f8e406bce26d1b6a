"""CAL-03: summer and winter change shift times (P5); season dates per organisation, edited by the system
administrator and audited."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from zhiban.accounts.models import User
from zhiban.accounts.tests.clients import client_for
from zhiban.calendar import selectors, services
from zhiban.calendar.models import SeasonSetting
from zhiban.calendar.tests.conftest import snapshot
from zhiban.core.models import AuditEvent
from zhiban.policy.findings import Severity
from zhiban.policy.rules import cal_03
from zhiban.policy.rules.cal_03 import MonthDay, Season, SeasonalShift, SeasonDates

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("day", "season"),
    [
        (dt.date(2026, 4, 30), Season.WINTER),
        (dt.date(2026, 5, 1), Season.SUMMER),
        (dt.date(2026, 9, 30), Season.SUMMER),
        (dt.date(2026, 10, 1), Season.WINTER),
        (dt.date(2026, 12, 31), Season.WINTER),
        (dt.date(2027, 1, 1), Season.WINTER),
    ],
)
def test_cal_03_default_season_boundaries(day: dt.date, season: Season) -> None:
    assert cal_03.season_on(day) is season


def test_cal_03_default_seasons_are_may_to_september_and_october_to_april() -> None:
    assert cal_03.DEFAULT_SEASON_DATES.summer_starts == MonthDay(5, 1)
    assert cal_03.DEFAULT_SEASON_DATES.winter_starts == MonthDay(10, 1)
    assert str(cal_03.DEFAULT_SEASON_DATES.summer_ends) == "09-30"
    assert str(cal_03.DEFAULT_SEASON_DATES.winter_ends) == "04-30"


def test_cal_03_summer_over_new_year() -> None:
    dates = SeasonDates(summer_starts=MonthDay(11, 1), winter_starts=MonthDay(3, 1))
    assert cal_03.season_on(dt.date(2026, 10, 31), dates) is Season.WINTER
    assert cal_03.season_on(dt.date(2026, 11, 1), dates) is Season.SUMMER
    assert cal_03.season_on(dt.date(2027, 2, 28), dates) is Season.SUMMER
    assert cal_03.season_on(dt.date(2027, 3, 1), dates) is Season.WINTER


def test_cal_03_p5_holiday_day_shift_last_summer_day_and_first_winter_day() -> None:
    last_summer = cal_03.shift_window(dt.date(2026, 9, 30), cal_03.P5_HOLIDAY_DAY_SHIFT)
    assert last_summer == (dt.datetime(2026, 9, 30, 8, 0, tzinfo=SH), dt.datetime(2026, 9, 30, 20, 0, tzinfo=SH))
    first_winter = cal_03.shift_window(dt.date(2026, 10, 1), cal_03.P5_HOLIDAY_DAY_SHIFT)
    assert first_winter == (dt.datetime(2026, 10, 1, 8, 0, tzinfo=SH), dt.datetime(2026, 10, 1, 19, 0, tzinfo=SH))


def test_cal_03_p5_night_shift_ends_next_morning_by_the_season_of_its_start() -> None:
    night = cal_03.shift_window(dt.date(2026, 4, 30), cal_03.P5_NIGHT_SHIFT)
    assert night == (dt.datetime(2026, 4, 30, 19, 0, tzinfo=SH), dt.datetime(2026, 5, 1, 8, 0, tzinfo=SH))
    night = cal_03.shift_window(dt.date(2026, 5, 1), cal_03.P5_NIGHT_SHIFT)
    assert night == (dt.datetime(2026, 5, 1, 20, 0, tzinfo=SH), dt.datetime(2026, 5, 2, 8, 0, tzinfo=SH))


@pytest.mark.parametrize(
    ("summer", "winter", "fields"),
    [
        ("05-01", "10-01", []),
        ("02-28", "03-01", []),
        ("02-29", "10-01", ["summer_starts"]),
        ("13-01", "10-01", ["summer_starts"]),
        ("05-01", "5/1", ["winter_starts"]),
        ("05-01", "05-01", ["winter_starts"]),
    ],
)
def test_cal_03_season_dates_validation(summer: str, winter: str, fields: list[str]) -> None:
    findings = cal_03.season_dates_valid(cal_03.SeasonSettingProposal(summer, winter), {})
    assert [f.details["field"] for f in findings] == fields
    assert all(f.rule_id == "CAL-03" and f.severity is Severity.ENFORCE for f in findings)


P5_PARAMS = {
    "holiday_day_summer_start": dt.time(8, 0),
    "holiday_day_summer_end": dt.time(20, 0),
    "holiday_day_winter_start": dt.time(8, 0),
    "holiday_day_winter_end": dt.time(19, 0),
}


def test_cal_03_shift_keeps_its_season_times() -> None:
    summer_times = (dt.time(8, 0), dt.time(20, 0))
    ok = SeasonalShift(dt.date(2026, 9, 30), "holiday_day", *summer_times)
    assert cal_03.shift_matches_season(ok, P5_PARAMS) == []
    late = SeasonalShift(dt.date(2026, 10, 1), "holiday_day", *summer_times)
    (finding,) = cal_03.shift_matches_season(late, P5_PARAMS)
    assert finding.details == {
        "date": "2026-10-01",
        "season": "winter",
        "expected": "08:00–19:00",
        "got": "08:00–20:00",
    }
    not_seasonal = SeasonalShift(dt.date(2026, 10, 1), "after_hours", dt.time(17, 0), dt.time(8, 0))
    assert cal_03.shift_matches_season(not_seasonal, P5_PARAMS) == []


def test_cal_03_season_dates_unit_setting_then_pack_parameter_then_default() -> None:
    winter_times = (dt.time(8, 0), dt.time(19, 0))
    first_of_october = SeasonalShift(dt.date(2026, 10, 1), "holiday_day", *winter_times)
    assert cal_03.shift_matches_season(first_of_october, P5_PARAMS) == []  # default: winter from 10-01
    pack = {**P5_PARAMS, "summer_starts": "05-01", "winter_starts": "10-02"}
    (finding,) = cal_03.shift_matches_season(first_of_october, pack)  # the pack: still summer on 10-01
    assert finding.details["season"] == "summer"
    unit_setting = SeasonDates(summer_starts=MonthDay(5, 1), winter_starts=MonthDay(9, 15))
    own = SeasonalShift(dt.date(2026, 10, 1), "holiday_day", *winter_times, seasons=unit_setting)
    assert cal_03.shift_matches_season(own, pack) == []  # the unit's own dates win


# ------------------------------------------------------------------------------------ per organisation


def test_cal_03_unit_uses_nearest_setting_else_default(org_tree: dict) -> None:
    station = org_tree["station_a"]
    assert selectors.effective_seasons(station).is_default
    assert selectors.season_dates_set_for(station) is None
    assert selectors.season_on(unit=station, day=dt.date(2026, 5, 1)) is Season.SUMMER
    services.season_setting_update(actor=None, unit=org_tree["org"], summer_starts="05-15", winter_starts="10-01")
    effective = selectors.effective_seasons(station)
    assert effective.inherited
    assert effective.set_at == org_tree["org"]
    assert selectors.season_dates_set_for(station) == SeasonDates(MonthDay(5, 15), MonthDay(10, 1))
    assert selectors.season_on(unit=station, day=dt.date(2026, 5, 14)) is Season.WINTER
    assert selectors.season_on(unit=station, day=dt.date(2026, 5, 15)) is Season.SUMMER
    services.season_setting_update(actor=None, unit=org_tree["dept_a"], summer_starts="04-01", winter_starts="11-01")
    assert selectors.effective_seasons(station).set_at == org_tree["dept_a"]
    assert selectors.season_on(unit=org_tree["station_b"], day=dt.date(2026, 4, 1)) is Season.WINTER


def test_cal_03_season_edit_by_system_administrator_is_audited(
    org_tree: dict, sysadmin: User, admin_client: Client
) -> None:
    org = org_tree["org"]
    url = reverse("calendar:season_edit", args=[org.public_id])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"summer_starts": "05-10", "winter_starts": "10-08"})
    assert response.status_code == 302
    setting = SeasonSetting.objects.get(unit=org)
    assert str(setting.dates.summer_starts) == "05-10"
    event = AuditEvent.objects.get(action="calendar.season.update")
    assert event.actor == sysadmin
    assert event.object_id == org.public_id
    assert event.summary == {"after": {"summer_starts": "05-10", "winter_starts": "10-08"}}
    admin_client.post(url, {"summer_starts": "05-01", "winter_starts": "10-08"})
    second = AuditEvent.objects.filter(action="calendar.season.update").latest("sequence")
    assert second.summary["before"] == {"summer_starts": "05-10", "winter_starts": "10-08"}
    assert second.summary["after"] == {"summer_starts": "05-01", "winter_starts": "10-08"}


def test_cal_03_invalid_season_dates_write_nothing(org_tree: dict, admin_client: Client) -> None:
    url = reverse("calendar:season_edit", args=[org_tree["org"].public_id])
    before = snapshot()
    response = admin_client.post(url, {"summer_starts": "02-29", "winter_starts": "10-01"})
    assert response.status_code == 400
    assert "CAL-03" in response.content.decode()
    assert snapshot() == before
    with pytest.raises(ValidationError):
        services.season_setting_update(actor=None, unit=org_tree["org"], summer_starts="10-01", winter_starts="10-01")
    assert snapshot() == before


@pytest.mark.parametrize("who", ["staff_a", "head_b"])
def test_cal_03_others_cannot_edit_seasons(org_tree: dict, who: str) -> None:
    person = org_tree[who]
    url = reverse("calendar:season_edit", args=[org_tree["org"].public_id])
    before = snapshot()
    client = client_for(person)
    assert client.get(url).status_code == 403
    assert client.post(url, {"summer_starts": "06-01", "winter_starts": "10-01"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.season_setting_update(
            actor=person.user, unit=org_tree["org"], summer_starts="06-01", winter_starts="10-01"
        )
    assert snapshot() == before


def test_cal_03_season_list_shows_only_units_in_scope(org_tree: dict) -> None:
    body = client_for(org_tree["head_b"]).get(reverse("calendar:seasons")).content.decode()
    assert "财务处" in body
    assert "办公室" not in body
    assert "05-01" in body
    assert reverse("calendar:season_edit", args=[org_tree["dept_b"].public_id]) not in body
