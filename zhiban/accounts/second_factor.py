"""Who must pass a TOTP second factor: administrators, the secretariat and confidential clerks."""

from django.http import HttpRequest

from zhiban.accounts.models import AdminRole, User
from zhiban.org.models import Role, RoleAssignment

ROLES_REQUIRING_SECOND_FACTOR = frozenset({Role.SECRETARIAT, Role.CONFIDENTIAL_CLERK})


def requires_second_factor(user: User) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.admin_role != AdminRole.NONE:
        return True
    return RoleAssignment.objects.filter(person__user=user, role__in=ROLES_REQUIRING_SECOND_FACTOR).exists()


def passed_second_factor(request: HttpRequest) -> bool:
    """Has this session passed TOTP? (django-otp's middleware adds `is_verified` to the request's user.)"""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified is not None and is_verified())
