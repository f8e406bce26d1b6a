"""Raising the alarm when the audit chain fails verification before a checkpoint: an error in the log and a
notification to the audit administrators (审计管理员) and superusers, once per distinct problem."""

from __future__ import annotations

import hashlib
import logging

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.urls import reverse

from zhiban.accounts.models import AdminRole, User
from zhiban.core.audit import VerifyResult
from zhiban.notify.services import notify

logger = logging.getLogger("zhiban.audit")


def checkpoint_refused(result: VerifyResult, *, by: str) -> None:
    """Log the refusal as an error and notify the administrators who read the audit trail.

    The notification is an outbox row in the caller's transaction (the worker's job commits it); it is also
    kept to one per problem, since the worker retries every interval. A database too broken to take it does
    not hide the error log.
    """
    logger.error("%s refused to checkpoint the audit chain: %s", by, result.problem)
    digest = hashlib.sha256(f"{result.database}:{result.problem}".encode()).hexdigest()[:24]
    try:
        with transaction.atomic():
            notify(
                recipients=User.objects.filter(is_active=True).filter(
                    Q(admin_role=AdminRole.AUDIT) | Q(is_superuser=True)
                ),
                subject="审计链校验未通过，检查点未写入",
                body=(
                    f"{by} 在写入审计检查点前校验审计链，发现问题，已拒绝写入：\n{result.problem}\n\n"
                    "请运行 zhiban audit verify 核查，并检查数据库中的审计记录是否被删改。"
                ),
                link=reverse("core:audit"),
                dedupe_key=f"core.audit.checkpoint_refused:{digest}",
            )
    except DatabaseError:
        logger.exception("could not notify the administrators that the audit chain failed verification")
