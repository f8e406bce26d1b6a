"""The demo loaded once per test module (rolled back afterwards), under the same test settings as conftest."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from zhiban.demo.loader import LoadResult, load_demo
from zhiban.demo.plan import DemoPlan, build_plan


@pytest.fixture(scope="module")
def loaded_demo(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[DemoPlan, LoadResult]]:
    test_settings = override_settings(
        AUDIT_HMAC_KEY="test-audit-key",
        AUDIT_CHECKPOINT_PATH=tmp_path_factory.mktemp("audit") / "audit-checkpoint.json",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with django_db_blocker.unblock(), test_settings, transaction.atomic():
        plan = build_plan()
        result = load_demo(plan)
        yield plan, result
        transaction.set_rollback(True)
