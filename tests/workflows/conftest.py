"""The radiation procedures' fixtures, for the statistics tests that build their cases
through the permits services."""

from tests.permits.conftest import applicant, divisions, staff  # noqa: F401
