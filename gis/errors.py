"""The small set of exceptions the core raises."""

from __future__ import annotations


class GisError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(GisError, ValueError):
    """The input file, option or value cannot be used as given."""


class CRSError(InputError):
    """A coordinate reference system is missing, wrong or implausible."""


class EncodingError(InputError):
    """Attribute text cannot be decoded without losing characters."""


class WorkspaceError(GisError, RuntimeError):
    """The workspace file cannot be read or written."""


class ValidationError(InputError):
    """Entered record values break one or more rules; ``problems`` lists them."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


class ConflictError(GisError, RuntimeError):
    """An edit was based on a version of a record that has since changed."""
