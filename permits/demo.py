"""Demo data of the radiation procedures, from the department's Q1/2024 report."""

from .catalogue import catalogue_install


def seed_permits(stdout=None) -> None:
    catalogue_install()
