"""Policy pages: the five packs, a pack's rules, an organisation's live policy, its edit form and history.

Packs are templates anyone signed in may read. A live policy is seen by its organisation's people
and system administrators (others get 404); only a system administrator or the organisation's
secretariat may change it (others get 403).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from zhiban.accounts.models import User
from zhiban.core.dates import is_chinese
from zhiban.policy import presentation, selectors, services
from zhiban.policy.catalogue import catalogue
from zhiban.policy.forms import AdoptForm, ParameterForm
from zhiban.policy.models import Policy, PolicyVersion
from zhiban.policy.packs import Pack, Rule, builtin_packs


def _language() -> str:
    return "zh" if is_chinese() else "en"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _policy(request: HttpRequest, public_id: str) -> Policy:
    try:
        return selectors.policy_get(user=_user(request), public_id=public_id)
    except Policy.DoesNotExist:
        raise Http404 from None


def _add_errors(form: ParameterForm | AdoptForm, error: ValidationError) -> None:
    """A service's errors on the form: on the field they name, or above the form."""
    for field, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


def _adopt_form(user: User, data: QueryDict | None = None) -> AdoptForm | None:
    organisations = [(unit.public_id, unit.name) for unit in selectors.organisations_without_policy(user=user)]
    if not organisations:
        return None
    return AdoptForm(data, organisations=organisations)


def _pack_list_context(user: User, adopt_form: AdoptForm | None) -> dict[str, object]:
    language = _language()
    packs = [
        {
            "pack": pack,
            "name": pack.name.get(language),
            "description": pack.description.get(language),
            "kind": catalogue().organisation_kinds[pack.organisation_kind].get(language),
            "sources": [(source, catalogue().sources[source].get(language)) for source in pack.sources],
        }
        for pack in sorted(builtin_packs().values(), key=lambda pack: pack.id)
    ]
    return {
        "packs": packs,
        "policies": selectors.policy_list(user=user),
        "adopt_form": adopt_form,
    }


@login_required
@require_http_methods(["GET"])
def pack_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(request, "policy/pack_list.html", _pack_list_context(user, _adopt_form(user)))


@login_required
@require_http_methods(["GET"])
def pack_detail(request: HttpRequest, pack_id: str) -> HttpResponse:
    pack = builtin_packs().get(pack_id)
    if pack is None:
        raise Http404
    language = _language()
    context = {
        "pack": pack,
        "name": pack.name.get(language),
        "description": pack.description.get(language),
        "areas": presentation.rules_by_area(pack, language),
    }
    return render(request, "policy/pack_detail.html", context)


@login_required
@require_http_methods(["POST"])
def policy_adopt(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = _adopt_form(user, request.POST)
    if form is None:
        raise PermissionDenied
    if form.is_valid():
        organisation = selectors.organisations_without_policy(user=user).get(
            public_id=form.cleaned_data["organisation"]
        )
        try:
            policy = services.policy_adopt(
                actor=user, organisation=organisation, pack_id=form.cleaned_data["pack"], note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(organisation)s adopted %(pack)s.") % {"organisation": organisation.name, "pack": policy.pack},
            )
            return HttpResponseRedirect(reverse("policy:policy_detail", args=[policy.public_id]))
    return render(request, "policy/pack_list.html", _pack_list_context(user, form), status=400)


@login_required
@require_http_methods(["GET"])
def policy_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    policy = _policy(request, public_id)
    resolved = selectors.resolve(policy)
    language = _language()
    areas = presentation.rules_by_area(resolved.pack, language, resolved)
    context = {
        "policy": policy,
        "organisation": policy.unit,
        "pack": resolved.pack,
        "pack_name": resolved.pack.name.get(language),
        "version": policy.current_version,
        "areas": areas,
        "overrides": [
            (rule, parameter)
            for area in areas
            for rule in area.rules
            for parameter in rule.parameters
            if parameter.overridden
        ],
        "versions": [
            (version, presentation.change_summary(version.change, builtin_packs().get(version.pack)))
            for version in selectors.version_list(policy)
        ],
        "can_edit": selectors.can_edit(_user(request), policy.unit),
    }
    return render(request, "policy/policy_detail.html", context)


def _rule(pack: Pack, rule_id: str) -> Rule:
    rule = pack.rule(rule_id)
    if rule is None:
        raise Http404
    return rule


@login_required
@require_http_methods(["GET", "POST"])
def parameter_edit(request: HttpRequest, public_id: str, rule_id: str, name: str) -> HttpResponse:
    """Set one parameter (a new version) or put it back to the template default."""
    policy = _policy(request, public_id)
    user = _user(request)
    if not selectors.can_edit(user, policy.unit):
        raise PermissionDenied
    resolved = selectors.resolve(policy)
    rule = _rule(resolved.pack, rule_id)
    try:
        parameter = rule.parameter(name)
    except KeyError:
        raise Http404 from None
    current = resolved.raw_parameters(rule_id)[name]
    form = ParameterForm(request.POST or None, parameter=parameter, current=current)
    status = 200
    if request.method == "POST":
        reset = request.POST.get("action") == "reset"
        if reset or form.is_valid():
            try:
                if reset:
                    version = services.policy_parameter_reset(
                        actor=user, policy=policy, rule_id=rule_id, parameter=name, note=request.POST.get("note", "")
                    )
                else:
                    version = services.policy_parameter_override(
                        actor=user,
                        policy=policy,
                        rule_id=rule_id,
                        parameter=name,
                        value=form.cleaned_data["value"],
                        note=form.cleaned_data["note"],
                    )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Saved as policy version %(number)s.") % {"number": version.number})
                target = reverse("policy:policy_detail", args=[policy.public_id])
                if request.htmx:  # type: ignore[attr-defined]
                    return HttpResponseClientRedirect(target)
                return HttpResponseRedirect(target)
        status = 200 if request.htmx else 400  # type: ignore[attr-defined]  # htmx swaps only 2xx
    language = _language()
    context = {
        "policy": policy,
        "rule": presentation.rule_row(rule, language, resolved),
        "parameter": presentation.parameter_row(parameter, current, resolved.is_overridden(rule_id, name), language),
        "form": form,
    }
    template = "policy/_parameter_form.html" if request.htmx else "policy/parameter_edit.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=status)


def _version_number(policy: Policy, text: str | None, fallback: int) -> int:
    try:
        number = int(text) if text else fallback
    except ValueError:
        raise Http404 from None
    if not PolicyVersion.objects.filter(policy=policy, number=number).exists():
        raise Http404
    return number


@login_required
@require_http_methods(["GET"])
def policy_compare(request: HttpRequest, public_id: str) -> HttpResponse:
    """Two versions side by side: the parameters whose values differ."""
    policy = _policy(request, public_id)
    newer = _version_number(policy, request.GET.get("b"), policy.current_version)
    older = _version_number(policy, request.GET.get("a"), max(newer - 1, 1))
    language = _language()
    context = {
        "policy": policy,
        "a": selectors.version_get(policy, older),
        "b": selectors.version_get(policy, newer),
        "rows": presentation.differences(selectors.resolve(policy, older), selectors.resolve(policy, newer), language),
        "versions": selectors.version_list(policy),
    }
    return render(request, "policy/policy_compare.html", context)
