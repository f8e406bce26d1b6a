"""Who must pass a TOTP second factor: administrators, the secretariat and confidential clerks."""

from zhiban.accounts.models import AdminRole, User
from zhiban.org.models import Role, RoleAssignment

ROLES_REQUIRING_SECOND_FACTOR = frozenset({Role.SECRETARIAT, Role.CONFIDENTIAL_CLERK})


def requires_second_factor(user: User) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.admin_role != AdminRole.NONE:
        return True
    return RoleAssignment.objects.filter(person__user=user, role__in=ROLES_REQUIRING_SECOND_FACTOR).exists()
