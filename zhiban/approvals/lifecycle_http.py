"""A request kind's pages and API over the shared lifecycle (lifecycle.py): the request in the caller's scope (404
otherwise, never 403), its approval chain and what the caller may do with it, and a lifecycle action run on it.

Refusals: on a page, a ValidationError (StateRefused and rule refusals too) becomes the page's error messages
(`zhiban.core.refusals`); in the API it reaches the handlers of `zhiban/config/api.py`, which answer with the bodies
of `zhiban/core/api_errors.py` (422 `invalid` or `rule_violation`). PermissionDenied is 403 on both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from zhiban.accounts.models import User
from zhiban.approvals import lifecycle, selectors
from zhiban.approvals.lifecycle import Kind, Request
from zhiban.approvals.models import ApprovalStep
from zhiban.core.refusals import attempt

API_LIST_LIMIT = 200


def _caller(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def decision(request: HttpRequest, *, warnings: bool = True) -> dict[str, Any]:
    """The decision form of a detail page as the kind's decide service takes it: approve or reject, the comment and,
    where the kind has warnings to go ahead past, `reason`."""
    form = {"approve": request.POST.get("decision") == "approve", "comment": request.POST.get("comment", "")}
    if warnings:
        form["reason"] = request.POST.get("warning_reason", "")
    return form


@dataclass(frozen=True)
class InScope[R: Request]:
    """One kind of request as the caller may see it: `rows` are the requests a user may see (selectors)."""

    kind: Kind[R]
    rows: Callable[[User], QuerySet[Any]]

    def get(self, request: HttpRequest, public_id: str) -> R:
        """The request if the caller may see it; 404 otherwise (never 403: its existence is not told)."""
        return cast(R, get_object_or_404(self.rows(_caller(request)), public_id=public_id))


@dataclass(frozen=True)
class Pages[R: Request](InScope[R]):
    """The pages of one kind; `detail` is the URL name of a request's page."""

    detail: str

    def chain(self, request: HttpRequest, row: R) -> dict[str, Any]:
        """What a detail page shows of the lifecycle: the chain, and whether the user may decide or withdraw."""
        user = _caller(request)
        return {
            "steps": selectors.steps_of(self.kind.subject_type, row.pk),
            "may_decide": lifecycle.may_decide(self.kind, user, row),
            "may_cancel": lifecycle.may_cancel(self.kind, user, row),
        }

    def act(
        self, request: HttpRequest, public_id: str, action: Callable[[User, R], object], success: str | None = None
    ) -> HttpResponse:
        """A POST from the detail page: the action on the request, its refusal or `success` shown back there."""
        row = self.get(request, public_id)
        attempt(request, lambda: action(_caller(request), row), success)
        return redirect(self.detail, public_id)


@dataclass(frozen=True)
class Api[R: Request, O](InScope[R]):
    """The API of one kind; `out` is a request with its chain as the operations answer it."""

    out: Callable[[R, list[ApprovalStep]], O]

    def answer(self, row: R) -> O:
        return self.out(row, selectors.steps_of(self.kind.subject_type, row.pk))

    def one(self, request: HttpRequest, public_id: str) -> O:
        return self.answer(self.get(request, public_id))

    def listed(self, request: HttpRequest) -> list[O]:
        """The first requests the caller may see, with their chains read in one query."""
        rows: list[R] = list(self.rows(_caller(request))[:API_LIST_LIMIT])
        chains = selectors.steps_by_subject(self.kind.subject_type, [r.pk for r in rows])
        return [self.out(row, chains.get(row.pk, [])) for row in rows]

    def act(self, request: HttpRequest, public_id: str, action: Callable[[User, R], R]) -> O:
        """The action on a request in the caller's scope, answered with the request as it now stands."""
        return self.answer(action(_caller(request), self.get(request, public_id)))
