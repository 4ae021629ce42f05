"""Staff-account fixtures: the real two-step sign-in."""

from tests.people.helpers import sign_in  # noqa: F401  (a fixture)
