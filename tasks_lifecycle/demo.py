"""Demo data of the councils (filled in below)."""


def seed_councils(stdout=None) -> None:
    return None
