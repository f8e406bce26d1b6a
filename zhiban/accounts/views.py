"""Login, second factor and personal access tokens."""

import base64
from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhiban.accounts import selectors, services
from zhiban.accounts.models import AccessToken, User
from zhiban.accounts.second_factor import passed_second_factor


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


class LoginView(auth_views.LoginView):
    """Password login; every success and failure goes into the audit chain (who, when, from where)."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        services.login_record(user=form.get_user(), address=_client_address(self.request))
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        services.login_failure_record(
            username=str(form.data.get("username", ""))[:150], address=_client_address(self.request)
        )
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            services.logout_record(user=user, address=_client_address(request))
        return super().post(request, *args, **kwargs)


class TokenForm(forms.Form):
    code = forms.CharField(label="", max_length=8, widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}))


def _otpauth_uri(device: TOTPDevice) -> str:
    return device.config_url


def _safe_next(request: HttpRequest) -> str:
    """Where to go after the second factor: `next` only when it stays on this site, else home."""
    target = request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("core:home")


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Verify a TOTP code; on first login, set up the device (QR code and secret shown once)."""
    user: User = request.user  # type: ignore[assignment]
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or services.totp_device_create(
            actor=user, user=user, confirmed=False
        )
    assert device is not None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            if setting_up:
                services.totp_device_confirm(user=user, device=device)
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("code", _("The code is wrong or has expired."))
    context = {"form": form, "setting_up": setting_up}
    if setting_up:
        uri = _otpauth_uri(device)
        context["otpauth_uri"] = uri
        context["secret"] = base64.b32encode(device.bin_key).decode()
        context["qr_svg"] = segno.make(uri, error="m").svg_data_uri(scale=4)
    return render(request, "accounts/second_factor.html", context)


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    new_token = None
    if request.method == "POST":
        try:
            _token, new_token = services.access_token_create(
                actor=user,
                user=user,
                name=request.POST.get("name", ""),
                second_factor_passed=passed_second_factor(request),
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, "; ".join(error.messages) if isinstance(error, ValidationError) else str(error))
    tokens = AccessToken.objects.filter(user=user).order_by("-created_at")
    return render(request, "accounts/tokens.html", {"tokens": tokens, "new_token": new_token})


@login_required
@require_POST
def token_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    token = get_object_or_404(AccessToken, public_id=public_id, user=user)
    services.access_token_revoke(actor=user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:tokens")


@login_required
def security_overview(request: HttpRequest) -> HttpResponse:
    """The security administrator's page: locked accounts (with unlock) and missing second factors."""
    user: User = request.user  # type: ignore[assignment]
    context = {
        "locked": selectors.locked_accounts(user=user),
        "missing_second_factor": selectors.accounts_missing_second_factor(user=user),
    }
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def account_unlock(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    selectors.require_security_admin(user)
    username = request.POST.get("username", "")
    services.account_unlock(actor=user, username=username)
    messages.success(request, _("Account %(username)s unlocked.") % {"username": username})
    return redirect("accounts:security")
