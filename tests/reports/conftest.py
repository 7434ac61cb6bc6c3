"""The quarterly report's tests reuse the penalty procedure's staff fixtures."""

from tests.penalties.conftest import divisions, people  # noqa: F401  (pytest fixtures)
