from zhiban.leave.tests.conftest import colleague, published  # noqa: F401 (fixtures)
from zhiban.roster.tests.conftest import period, roster_org, travel  # noqa: F401 (fixtures)
