"""The project's exceptions.

Every error a user can cause (a bad parameter, a missing column, an unknown site, an
unparseable date) is a ``TumenError``; the command line prints it as one line and exits
with code 2. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class TumenError(Exception):
    """Raised when a build cannot go on because of its inputs; the root of all project errors.

    Parameters
    ----------
    message : str
        What is wrong, in one sentence.
    file, line, field : optional
        Where: the input file, its 1-based line (or row) and the field (column or key).
    hint : str, optional
        What to do about it.
    """

    exit_code = 2

    def __init__(self, message: str, *, file=None, line=None, field=None, hint=None):
        super().__init__(message)
        self.message = message
        self.file = None if file is None else str(file)
        self.line = line
        self.field = field
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line is not None else "")
        if self.field:
            where += (" " if where else "") + f"[{self.field}]"
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


class ParameterError(TumenError):
    """Raised when ``params.yaml`` (or a variant of it) has an unknown key, a wrong type or a bad path."""


class DataError(TumenError):
    """Raised when an input data file is missing, unreadable or violates its schema."""


class NoRouteError(DataError):
    """Raised when no rail route joins two places within the allowed countries."""


class ResultError(TumenError):
    """Raised when a result is recorded or cited wrongly (bad name, unknown name, unserialisable value)."""


class NotebookError(TumenError):
    """Raised when a notebook fails while it executes; carries the failing cell and traceback."""

    exit_code = 1


def suggest(word: object, options: Iterable[str]) -> str | None:
    """``"did you mean 'x'?"`` for the option closest to a mistyped word, or None: the hint of
    an error about an unknown name (a parameter, a site id, a claim id)."""
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None
