"""The REST API under /api/v1/, with its OpenAPI 3 document at /api/openapi.json.

Each domain package contributes a router from its `api.py`; the same selectors as the UI filter
every read, so the API cannot show what the UI would not. The handlers below write the error bodies that
`zhiban.core.api_errors` describes, and each operation lists the ones it can give (`errors(...)`), so the
document says what a client really gets back (tests/test_api_schema.py runs schemathesis against it).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import HttpBearer

from zhiban.accounts.services import access_token_authenticate
from zhiban.calendar.api import router as calendar_router
from zhiban.notify.api import router as notify_router
from zhiban.org.api import router as org_router
from zhiban.policy.api import router as policy_router
from zhiban.policy.errors import RuleViolationError
from zhiban.roster.api import router as roster_router


class BearerToken(HttpBearer):
    """`Authorization: Bearer zb_…` — a personal access token."""

    def authenticate(self, request: HttpRequest, token: str):
        user = access_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


api = NinjaAPI(
    title="zhiban API",
    version="1",
    description="值班 — duty office API. Authenticate with a personal access token: `Authorization: Bearer …`.",
    auth=BearerToken(),
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
)


@api.exception_handler(RuleViolationError)
def rule_violation(request: HttpRequest, error: RuleViolationError) -> HttpResponse:
    """A refusal by the rule engine: 422 with each rule's stable code, its citation and its text."""
    return api.create_response(
        request,
        {"detail": error.messages, "code": "rule_violation", "violations": error.as_dicts()},
        status=422,
    )


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """Bad input: 422 naming the field (or the rows, for imports)."""
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return api.create_response(request, {"detail": error.messages, "code": "invalid", "errors": errors}, status=422)


@api.exception_handler(PermissionDenied)
def denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(error) or "permission denied", "code": "denied"}, status=403)


api.add_router("/v1/", org_router)
api.add_router("/v1/", calendar_router)
api.add_router("/v1/inbox", notify_router)
api.add_router("/v1/", policy_router)
api.add_router("/v1/roster", roster_router)
api.add_router("/v1/roster", "zhiban.roster.generation.api.router")
api.add_router("/v1/roster", "zhiban.roster.compensation.api.router")
api.add_router("/v1/approvals", "zhiban.approvals.api.router")
api.add_router("/v1/leave", "zhiban.leave.api.router")
api.add_router("/v1/swaps", "zhiban.swaps.api.router")
api.add_router("/v1/discipline", "zhiban.discipline.api.router")
api.add_router("/v1/duty", "zhiban.duty.api.router")
api.add_router("/v1/secrecy", "zhiban.secrecy.api.router")
api.add_router("/v1/compliance", "zhiban.compliance.api.router")
