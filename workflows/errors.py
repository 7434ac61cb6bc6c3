"""Domain errors: each carries a message a person can act on, in Vietnamese."""


class DomainError(Exception):
    """A business rule refused the action; nothing was changed."""

    code = "domain_error"

    def __init__(self, message, *, code: str | None = None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code

    def __str__(self) -> str:
        return str(self.message)


class TransitionRefused(DomainError):
    code = "transition_refused"


class ActionForbidden(DomainError):
    code = "forbidden"
