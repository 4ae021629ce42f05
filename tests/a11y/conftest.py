"""Accessibility fixtures: a published notice (tests/transparency) for the notice pages."""

from tests.cases.conftest import make_case, people  # noqa: F401  (fixtures)
from tests.transparency.conftest import decided_case, publish  # noqa: F401  (fixtures)
