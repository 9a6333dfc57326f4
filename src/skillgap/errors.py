"""The one exception tree of skillgap. Each edge (CLI, HTTP) translates it once.

    SkillgapError              anything skillgap reports to a user
    ├── ValidationError        a value breaks a domain rule
    │   ├── ParameterError     a request's parameter has a bad value: names the parameter
    │   └── InputError         bad input in a file: names the file, row/field and reason
    │       └── InputErrors    every InputError found in one input, reported at once
    ├── NotFoundError          a named thing (person, role, competency ...) does not exist
    ├── ConflictError          the thing exists already, or would break a uniqueness rule
    ├── ConfigError            a setting is missing or malformed
    ├── FetchError             a document could not be had (offline, refused, too big, timeout)
    ├── WorkspaceError         the workspace cannot be used as it is
    │   ├── WorkspaceMissing   no workspace at that location (run `skillgap init`)
    │   └── SchemaMismatch     made by another skillgap version; says what to run
    ├── AuthenticationError    wrong e-mail or password, or no valid session or token
    ├── LoginThrottled         too many failed logins: try again later
    ├── StillCounting          a page's figures are being counted for the first time
    ├── Forbidden              the caller's role may not do this (says nothing of the data)
    │   └── CsrfRefused        a cookie-authenticated change without its CSRF token
    └── PayloadTooLarge        an upload or request body over its size limit

A bad credential is *not* an error: verification returns a report with a status.
"""

from __future__ import annotations

from collections.abc import Sequence


class SkillgapError(Exception):
    """Base class: the message is written for the user and printed as ``Error: ...``."""


class ValidationError(SkillgapError):
    pass


class ParameterError(ValidationError):
    """A parameter of a request (an HTTP query parameter, a command's option) that does not
    parse: ``parameter`` names it, the message says why."""

    def __init__(self, message: str, *, parameter: str) -> None:
        self.parameter = parameter
        super().__init__(message)


class InputError(ValidationError):
    """Bad input, located: ``file``, then ``row`` (1-based, header is row 1) and ``field``."""

    def __init__(
        self, reason: str, *, file: str, row: int | None = None, field: str | None = None
    ) -> None:
        self.reason = reason
        self.file = file
        self.row = row
        self.field = field
        where = file
        if row is not None:
            where += f", row {row}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {reason}")


class InputErrors(InputError):
    """Every error found in one input, reported at once; ``errors`` in the order of the rows.

    It is an ``InputError`` located where the first error is, so code that handles one bad
    input handles several. Its message is that error's for a single one; for several, a line
    counting them and then one line each, the first ``SHOWN`` of them, and how many more.
    """

    SHOWN = 20

    def __init__(self, errors: Sequence[InputError]) -> None:
        if not errors:
            raise ValueError("InputErrors needs at least one error")
        self.errors: list[InputError] = list(errors)
        if len(self.errors) == 1:
            message = str(self.errors[0])
        else:
            files = sorted({e.file for e in self.errors})
            where = f" in {', '.join(files)}" if len(files) <= 3 else ""
            lines = [f"{len(self.errors)} errors{where}:"]
            lines += [f"  {e}" for e in self.errors[: self.SHOWN]]
            if len(self.errors) > self.SHOWN:
                lines.append(f"  ... and {len(self.errors) - self.SHOWN} more")
            message = "\n".join(lines)
        first = self.errors[0]
        self.reason, self.file, self.row, self.field = (
            first.reason,
            first.file,
            first.row,
            first.field,
        )
        Exception.__init__(self, message)


class NotFoundError(SkillgapError):
    pass


class ConflictError(SkillgapError):
    pass


class ConfigError(SkillgapError):
    pass


class FetchError(SkillgapError):
    """A document could not be had: no response, a refused address, too big, too slow.

    An HTTP response with an error status is *not* a FetchError: the fetcher returns it, so a
    verifier can tell "gone" (410) from "cannot be had". ``url`` names what was asked for.
    """

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class WorkspaceError(SkillgapError):
    pass


class WorkspaceMissing(WorkspaceError):
    pass


class SchemaMismatch(WorkspaceError):
    pass


class AuthenticationError(SkillgapError):
    """Wrong e-mail or password, or no valid session or token (the message never says which)."""


class LoginThrottled(SkillgapError):
    """Too many failed logins for an account or a client address within the window;
    ``retry_after``: seconds until the window has passed."""

    def __init__(self, message: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class StillCounting(SkillgapError):
    """A page's figures are being counted for the first time since the server started
    (seconds at 100,000 people), and nothing counted before can be shown meanwhile;
    ``retry_after``: seconds until it is worth asking again."""

    def __init__(self, message: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class Forbidden(SkillgapError):
    """The caller is known but their role may not do this (nothing about the data is said)."""


class CsrfRefused(Forbidden):
    """A state-changing request made with a session cookie but without its CSRF token."""


class PayloadTooLarge(SkillgapError):
    """An upload or request body over its size limit."""
