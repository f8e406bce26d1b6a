"""The notify app's alarm for a refused audit checkpoint (registered with zhiban/core/audit_alerts.py from
`NotificationsConfig.ready`): the audit administrators (审计管理员) and superusers are told, once per problem."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from zhiban.accounts.models import AdminRole, User
from zhiban.core.audit_alerts import Refusal
from zhiban.notify.services import notify


def tell_audit_administrators(refusal: Refusal) -> None:
    notify(
        recipients=User.objects.filter(is_active=True).filter(Q(admin_role=AdminRole.AUDIT) | Q(is_superuser=True)),
        subject="审计链校验未通过，检查点未写入",
        body=(
            f"{refusal.by} 在写入审计检查点前校验审计链，发现问题，已拒绝写入：\n{refusal.problem}\n\n"
            "请运行 zhiban audit verify 核查，并检查数据库中的审计记录是否被删改。"
        ),
        link=reverse("core:audit"),
        dedupe_key=f"core.audit.checkpoint_refused:{refusal.digest}",
    )
