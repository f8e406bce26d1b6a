"""SWAP-01 — a swap takes effect only with both team leads' approval; the register records it (P7 换班 二)."""

import datetime as dt

from zhiban.policy.engine import ResolvedPolicy, evaluate
from zhiban.policy.findings import Severity
from zhiban.policy.packs import get_pack
from zhiban.policy.rules.swap_01 import SwapApprovals, both_team_leads_approve, swap_register

CENTRE = ResolvedPolicy(pack=get_pack("service-center"), version=2)
PARAMS = CENTRE.parameters("SWAP-01")


def _swap(requester: bool, colleague: bool, back: str = "12月9日 早班") -> SwapApprovals:
    return SwapApprovals("王芳", "李娜", "12月3日 夜班", dt.date(2026, 12, 3), back, requester, colleague)


def test_swap_01_both_team_leads_approved_takes_effect_and_is_registered() -> None:
    assert both_team_leads_approve(_swap(True, True), PARAMS) == []
    (line,) = swap_register(_swap(True, True), PARAMS)
    assert line.severity is Severity.RECORD
    assert line.message_zh == "换班登记：王芳与李娜换12月3日 夜班，还班12月9日 早班"
    assert swap_register(_swap(True, True, back=""), PARAMS)[0].message_zh.endswith("还班待定")


def test_swap_01_one_team_lead_missing_refuses_naming_the_side() -> None:
    (finding,) = both_team_leads_approve(_swap(True, False), PARAMS)
    assert finding.refuses
    assert finding.message_zh == "换班须经双方班长同意，接班者李娜的班长尚未同意"
    assert finding.details == {"missing": ["李娜"]}
    assert both_team_leads_approve(_swap(False, False), PARAMS)[0].details == {"missing": ["王芳", "李娜"]}
    assert swap_register(_swap(True, False), PARAMS) == []


def test_swap_01_engine_cites_the_service_center_clause() -> None:
    outcome = evaluate(CENTRE, ["SWAP-01"], _swap(False, True))
    (violation,) = outcome.violations
    assert violation.code == "SWAP-01.both_team_leads_approve"
    assert violation.citation.clause == "客服部换班制度 二"
    assert evaluate(CENTRE, ["SWAP-01"], _swap(True, True)).codes() == ["SWAP-01.swap_register"]
