class ApplicationError(Exception):
    """An expected failure with a message a user can read (turned into a 400 or a form error)."""

    status_code = 400

    def __init__(self, message, *, extra=None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class NotPermitted(ApplicationError):
    """The actor may not do this (the policy said no). The API answers 403; pages show the
    message. Raised through accounts.policy.require, never decided here."""

    status_code = 403
