"""The calendar's checks run through the rule engine: every refusal cites rule, pack, clause and policy version.

The state calendar is shared, so CAL-01 runs under every organisation's live policy that implements it and a refusal
cites the first by unit path; season dates (CAL-03) run under the policy of their unit's organisation; with no live
policy implementing the rule, the deployment's baseline (the first built-in pack's template, version 0) applies.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhiban.calendar import services
from zhiban.calendar.importing import ArrangementInvalid
from zhiban.calendar.models import SeasonSetting
from zhiban.calendar.tests.conftest import snapshot
from zhiban.org.tests.factories import UnitFactory
from zhiban.policy import services as policy_services
from zhiban.policy.errors import RuleViolationError
from zhiban.policy.models import Policy, RuleEvent

pytestmark = pytest.mark.django_db

FRIDAY_MAKEUP = "date,kind,name\n2027-01-01,statutory_holiday,元旦\n2027-01-08,makeup_workday,元旦\n"
SATURDAY_MAKEUP = "date,kind,name\n2027-01-01,statutory_holiday,元旦\n2027-01-09,makeup_workday,元旦\n"


def adopt(name: str, pack_id: str, overrides: int = 0) -> Policy:
    """An organisation under `pack_id`, its policy moved on by `overrides` parameter changes (version 1 + overrides)."""
    organisation = UnitFactory.create(name=name, kind="organisation")
    policy = policy_services.policy_adopt(actor=None, organisation=organisation, pack_id=pack_id)
    for n in range(overrides):
        policy_services.policy_parameter_override(
            actor=None, policy=policy, rule_id="ORG-03", parameter="allowed_person_kinds",
            value=["staff", "contractor"] if n % 2 == 0 else ["staff"],
        )  # fmt: skip
    policy.refresh_from_db()
    return policy


def test_cal_01_import_at_the_limit_passes_and_a_day_past_it_is_refused_citing_the_live_policy(seeded: object) -> None:
    adopt("维护公司", "maintenance", overrides=2)
    services.calendar_year_import(actor=None, data=SATURDAY_MAKEUP.encode(), year=2027)  # a Saturday: fine
    before = snapshot()
    with pytest.raises(ArrangementInvalid) as raised:
        services.calendar_year_import(actor=None, data=FRIDAY_MAKEUP.encode(), year=2027)  # the Friday before: not
    citation = raised.value.citation
    assert citation is not None
    # No source says which days are holidays: CAL-01 cites the product default (issue 11 item 8).
    assert (citation.rule_id, citation.pack_id, citation.source, citation.clause, citation.policy_version) == (
        "CAL-01",
        "maintenance",
        "default",
        "",
        3,
    )
    assert raised.value.citation_line(chinese=True) == (
        "CAL-01 法定节假日与调休上班日以国家安排为准 (maintenance · default · 策略版本 3)"
    )
    assert raised.value.messages(chinese=False) == [
        "row 3, column kind: a make-up workday must be a Saturday or Sunday"
    ]
    assert snapshot() == before


def test_cal_01_the_shared_calendar_cites_the_first_organisation_by_path_and_no_other(seeded: object) -> None:
    first = adopt("甲局", "bureau-shifts")
    adopt("乙公司", "company-shifts")
    assert first.unit.path < Policy.objects.get(pack="company-shifts").unit.path
    with pytest.raises(RuleViolationError) as raised:
        services.calendar_day_correct(
            actor=None, day=dt.date(2026, 12, 30), kind="makeup_workday", holiday_name="元旦", reason="x"
        )
    assert raised.value.codes == ["CAL-01.working_day_follows_kind"]
    (finding,) = raised.value.findings
    assert (finding.citation.pack_id, finding.citation.source, finding.citation.clause) == (
        "bureau-shifts",
        "default",
        "",
    )
    assert raised.value.message_dict == {
        "kind": [
            "CAL-01 法定节假日与调休上班日以国家安排为准 (bureau-shifts · default · 策略版本 1): "
            "2026-12-30：调休上班日只能是星期六或星期日"
        ]
    }


def test_cal_01_correction_names_the_form_field_of_each_finding(seeded: object) -> None:
    adopt("甲局", "bureau")
    with pytest.raises(RuleViolationError) as raised:
        services.calendar_day_correct(
            actor=None, day=dt.date(2026, 12, 31), kind="statutory_holiday", holiday_name="", reason="x"
        )
    assert list(raised.value.message_dict) == ["holiday_name"]
    assert raised.value.findings[0].citation.policy_version == 1


def test_cal_01_without_any_live_policy_the_baseline_template_still_refuses(seeded: object) -> None:
    before = snapshot()
    with pytest.raises(ArrangementInvalid) as raised:
        services.calendar_year_import(actor=None, data=FRIDAY_MAKEUP.encode(), year=2027)
    assert raised.value.citation is not None
    assert (raised.value.citation.pack_id, raised.value.citation.policy_version) == ("bureau", 0)
    assert snapshot() == before


def test_cal_03_season_dates_cite_the_policy_of_the_units_organisation(seeded: object) -> None:
    policy = adopt("综合局", "bureau-shifts", overrides=1)
    adopt("维护公司", "maintenance")
    before = snapshot()
    with pytest.raises(RuleViolationError) as raised:
        services.season_setting_update(actor=None, unit=policy.unit, summer_starts="02-29", winter_starts="10-01")
    assert raised.value.codes == ["CAL-03.season_dates_valid"]
    (finding,) = raised.value.findings
    assert (finding.citation.pack_id, finding.citation.clause, finding.citation.policy_version) == (
        "bureau-shifts",
        "二(1)–(2)",
        2,
    )
    assert list(raised.value.message_dict) == ["summer_starts"]
    assert snapshot() == before
    services.season_setting_update(actor=None, unit=policy.unit, summer_starts="02-28", winter_starts="10-01")
    assert SeasonSetting.objects.get(unit=policy.unit).summer_starts_day == 28


def test_cal_03_a_unit_whose_pack_has_no_seasons_is_checked_under_the_baseline(seeded: object) -> None:
    policy = adopt("维护公司", "maintenance")
    with pytest.raises(RuleViolationError) as raised:
        services.season_setting_update(actor=None, unit=policy.unit, summer_starts="10-01", winter_starts="10-01")
    assert raised.value.codes == ["CAL-03.season_dates_valid"]
    assert (raised.value.findings[0].citation.pack_id, raised.value.findings[0].citation.policy_version) == (
        "bureau-shifts",
        0,
    )


def test_cal_01_import_page_shows_the_citation_and_the_refusal_is_counted(seeded: object, admin_client) -> None:
    policy = adopt("维护公司", "maintenance")
    upload = SimpleUploadedFile("2027.csv", FRIDAY_MAKEUP.encode())
    response = admin_client.post(reverse("calendar:import"), {"year": 2027, "file": upload})
    assert response.status_code == 400
    body = response.content.decode()
    assert "CAL-01 法定节假日与调休上班日以国家安排为准 (maintenance · default · 策略版本 1)" in body
    assert "第3行 kind 列：调休上班日只能是星期六或星期日" in body
    event = RuleEvent.objects.get()
    assert (event.organisation_id, event.code, event.outcome) == (
        policy.unit_id,
        "CAL-01.official_arrangement_valid",
        RuleEvent.Outcome.BLOCKED,
    )
