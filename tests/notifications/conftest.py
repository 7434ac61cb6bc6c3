"""The fault tests drive real permit transitions: the permit fixtures, shared."""

from tests.permits.conftest import applicant, divisions, staff  # noqa: F401
