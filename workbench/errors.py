"""Exceptions the workbench raises for problems a user can fix.

Every message says what is wrong and ends with what to do about it. The CLI and
the UI catch :class:`WorkbenchError` in one place each and show the message as a
single line; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class WorkbenchError(Exception):
    """Root of all user-facing errors; ``str(error)`` is the one-line message."""


class InputError(WorkbenchError, ValueError):
    """The text or file given to the workbench cannot be used as it is."""


class FileNotFoundWorkbenchError(WorkbenchError, FileNotFoundError):
    """A path named by the user does not exist."""


class ModelUnavailableError(WorkbenchError):
    """The translation model cannot be loaded (offline, typo, missing files)."""


class CorpusError(WorkbenchError):
    """A document of the official corpus is missing or malformed."""


class ConflictError(WorkbenchError):
    """A save was based on a revision that is no longer the latest one."""


class StoreError(WorkbenchError):
    """The database cannot be read or written (read-only file, disk full, ...)."""


class PathNotAllowedError(WorkbenchError, PermissionError):
    """A path points outside the folder the workbench is allowed to use."""


class PermissionDeniedError(WorkbenchError, PermissionError):
    """The logged-in user's role does not allow what they tried; the message names the role needed."""


class JobCancelledError(WorkbenchError):
    """A long job was cancelled by its owner before it stored anything."""
