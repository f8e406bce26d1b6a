"""404, 403 and 500 answer in Chinese, the first two inside the normal layout, saying whom to ask (issue 14)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from zhiban.accounts.tests.clients import client_for, verified_client
from zhiban.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_page_that_is_not_there_or_not_yours_says_so_in_chinese_in_the_layout(org_tree: dict[str, Any]) -> None:
    response = client_for(org_tree["staff_a"]).get("/roster/no-such-roster/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>页面不存在</h1>" in page
    assert "请联系本部门负责人或本单位秘书处" in page
    assert 'class="topbar"' in page  # the normal layout, with the navigation
    assert "Not Found" not in page


def test_a_page_the_role_does_not_allow_says_no_permission_and_whom_to_ask(org_tree: dict[str, Any]) -> None:
    response = verified_client(UserFactory.create()).get(reverse("accounts:security"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>无权限</h1>" in page
    assert "角色由系统管理员授予" in page
    assert "403 Forbidden" not in page


def test_a_server_error_says_so_in_chinese_and_that_nothing_half_done_was_saved() -> None:
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1>系统出错</h1>" in page
    assert "没有保存任何半完成的修改" in page
