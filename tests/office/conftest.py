"""Back-office fixtures: the case-handling people and ``make_case`` from tests/cases."""

from tests.cases.conftest import make_case, people  # noqa: F401  (fixtures)
from tests.people.helpers import sign_in  # noqa: F401  (a fixture)
