"""Domain errors. Every user-facing failure is an AismmError with a one-line message."""


class AismmError(Exception):
    """A failure caused by user input or state; its message is shown as one line, no traceback."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


class NotFoundError(AismmError):
    """An unknown control, category, assessment, interview or user."""


class ValidationError(AismmError):
    """Bad data: a malformed file, an invalid status, a request that does not fit the schema."""


class AlreadyExists(ValidationError):
    """A name or key that is taken (the API answers 409)."""


class CorpusError(ValidationError):
    """A corpus or workbook file that does not follow the AISMM structure."""


class PermissionDenied(AismmError):
    """An authenticated user asked for something their role does not allow."""
