class ApplicationError(Exception):
    """An expected failure with a message a user can read (turned into a 400 or a form error)."""

    def __init__(self, message, *, extra=None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
