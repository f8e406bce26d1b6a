"""Login accounts. A person of the organisation (org.Person) may have one account."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiban.core.models import public_id_field


class AdminRole(models.TextChoices):
    """三员分立 — the three administrator roles; one field, so an account can hold at most one."""

    NONE = "", _("none")
    SYSTEM = "system", _("system administrator")
    SECURITY = "security", _("security administrator")
    AUDIT = "audit", _("audit administrator")


class User(AbstractUser):
    """用户账号 — a login. Its organisational identity and roles are on the linked org.Person."""

    public_id = public_id_field("usr")
    admin_role = models.CharField(
        _("administrator role"), max_length=10, choices=AdminRole.choices, default=AdminRole.NONE, blank=True
    )
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")


class AccessToken(models.Model):
    """个人访问令牌 — a personal access token for the API (`Authorization: Bearer …`).

    Only a SHA-256 digest is stored; the token itself is shown once when created.
    """

    public_id = public_id_field("tok")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    # Made in a session that had passed TOTP (or at the server's console). A token without it stops working for an
    # account that needs the second factor: the API never asks for TOTP, so the token must carry it.
    second_factor_passed = models.BooleanField(_("second factor passed"), default=False)

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
