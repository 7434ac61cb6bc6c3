"""REST API of the radiation procedures (registered on the project's router)."""


def register(router) -> None:
    """Add this app's viewsets to the project's DRF router."""
