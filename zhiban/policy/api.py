"""API: the pack templates and the live policy of the caller's organisation (same checks as the pages)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from zhiban.core.api_errors import errors
from zhiban.policy import selectors
from zhiban.policy.catalogue import catalogue
from zhiban.policy.packs import Pack, Rule, builtin_packs

router = Router(tags=["policy"])


class TextOut(Schema):
    zh: str
    en: str


class PackSummaryOut(Schema):
    id: str
    name: TextOut
    organisation_kind: str
    sources: list[str]
    rules: int
    implemented: int
    planned: int


class ParameterOut(Schema):
    name: str
    type: str
    default: Any
    min: Any = None
    max: Any = None
    choices: list[str]
    label: TextOut


class CheckOut(Schema):
    name: str
    severity: str
    description: TextOut


class CitationOut(Schema):
    source: str
    source_title: TextOut
    clause: str
    text: TextOut


class RuleOut(Schema):
    id: str
    status: str
    title: TextOut
    citation: CitationOut
    parameters: list[ParameterOut]
    checks: list[CheckOut]


class PackOut(PackSummaryOut):
    description: TextOut
    rule_list: list[RuleOut]


class VersionOut(Schema):
    number: int
    pack: str
    created_at: str
    created_by: str | None
    note: str
    change: dict[str, Any]


class LivePolicyOut(Schema):
    public_id: str
    organisation: str
    organisation_name: str
    pack: str
    version: int
    overrides: dict[str, dict[str, Any]]
    versions: list[VersionOut]


def _text(text: Any) -> dict[str, str]:
    return {"zh": text.zh, "en": text.en}


def _summary(pack: Pack) -> dict[str, Any]:
    return {
        "id": pack.id,
        "name": _text(pack.name),
        "organisation_kind": pack.organisation_kind,
        "sources": list(pack.sources),
        "rules": len(pack.rules),
        "implemented": pack.implemented_count,
        "planned": pack.planned_count,
    }


def _rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "status": rule.status,
        "title": _text(rule.title),
        "citation": {
            "source": rule.citation.source,
            "source_title": _text(catalogue().source_title(rule.citation.source)),
            "clause": rule.citation.clause,
            "text": _text(rule.citation.text),
        },
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "default": p.default,
                "min": p.minimum,
                "max": p.maximum,
                "choices": list(p.choices),
                "label": _text(p.label),
            }
            for p in rule.parameters
        ],
        "checks": [
            {"name": c.name, "severity": c.severity.value, "description": _text(c.description)} for c in rule.checks
        ],
    }


@router.get("/policy/packs", response={200: list[PackSummaryOut], **errors()})
def list_packs(request: HttpRequest) -> list[dict[str, Any]]:
    return [_summary(pack) for pack in sorted(builtin_packs().values(), key=lambda pack: pack.id)]


@router.get("/policy/packs/{pack_id}", response={200: PackOut, **errors(404, 422)})
def get_pack(request: HttpRequest, pack_id: str) -> dict[str, Any]:
    pack = builtin_packs().get(pack_id)
    if pack is None:
        raise HttpError(404, "Not Found")
    return {**_summary(pack), "description": _text(pack.description), "rule_list": [_rule(r) for r in pack.rules]}


@router.get("/policy/live", response={200: LivePolicyOut, **errors(404)})
def get_live_policy(request: HttpRequest) -> dict[str, Any]:
    """The live policy of the caller's organisation: pack, current version, overrides and history."""
    policy = selectors.policy_for_user(request.user)  # type: ignore[arg-type]
    if policy is None:
        raise HttpError(404, "Not Found")
    current = selectors.version_get(policy)
    return {
        "public_id": policy.public_id,
        "organisation": policy.unit.public_id,
        "organisation_name": policy.unit.name,
        "pack": current.pack,
        "version": current.number,
        "overrides": current.overrides,
        "versions": [
            {
                "number": v.number,
                "pack": v.pack,
                "created_at": v.created_at.isoformat(),
                "created_by": v.created_by.username if v.created_by else None,
                "note": v.note,
                "change": v.change,
            }
            for v in selectors.version_list(policy)
        ],
    }
