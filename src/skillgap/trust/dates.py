"""Dates in credentials: parsing ISO 8601 strictly enough, and checking validity windows."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from skillgap.domain.verification import VerificationStatus
from skillgap.trust.checks import CheckLog

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$"
)


def parse_datetime(value: object, *, numbers: bool = False, digits: bool = False) -> datetime:
    """An ISO 8601 date or date-time as an aware datetime; no zone means UTC (OB 2.0 allows
    it). Unix timestamps only where the format has them: ``numbers`` (Open Badges 1.x/2.0
    DateTime, JWT ``nbf``/``exp``) and ``digits`` (a timestamp written as a digit string, as
    Open Badges 1.0 issuers did). VC dates are ``xsd:dateTime`` strings: "2030" is not one."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date")
    is_number = isinstance(value, int | float)
    is_digits = isinstance(value, str) and value.isdigit()
    if (is_number and numbers) or (is_digits and digits):
        seconds = float(value)  # type: ignore[arg-type]
        if not 0 <= seconds < 253402300800:
            raise ValueError(f"{value!r} is not a plausible timestamp")
        return datetime.fromtimestamp(seconds, UTC)
    if is_number:
        raise ValueError(f"{value!r} is a number, not an ISO 8601 date-time")
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    text = value.strip()
    if _DATE_ONLY.match(text):
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
    if not _DATETIME.match(text):
        raise ValueError(f"{value!r} is not an ISO 8601 date-time")
    moment = datetime.fromisoformat(text.replace("z", "Z"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_window(
    log: CheckLog,
    *,
    start: object | None,
    end: object | None,
    at: datetime,
    start_name: str,
    end_name: str,
    start_required: bool = False,
    numbers: bool = False,
    digits: bool = False,
) -> tuple[datetime | None, datetime | None]:
    """Record the ``valid-from`` and ``expiry`` checks; return the parsed dates."""
    starts = ends = None
    if start is None:
        if start_required:
            log.failed("valid-from", f"{start_name} is missing", VerificationStatus.MALFORMED)
        else:
            log.skipped("valid-from", f"no {start_name}")
    else:
        try:
            starts = parse_datetime(start, numbers=numbers, digits=digits)
        except ValueError as exc:
            log.failed("valid-from", f"{start_name}: {exc}", VerificationStatus.MALFORMED)
        else:
            if starts > at:
                log.failed(
                    "valid-from",
                    f"not valid until {starts.isoformat()} ({start_name}); checked at "
                    f"{at.isoformat()}",
                    VerificationStatus.NOT_YET_VALID,
                )
            else:
                log.passed("valid-from", f"valid from {starts.isoformat()} ({start_name})")
    if end is None:
        log.passed("expiry", "does not expire")
    else:
        try:
            ends = parse_datetime(end, numbers=numbers, digits=digits)
        except ValueError as exc:
            log.failed("expiry", f"{end_name}: {exc}", VerificationStatus.MALFORMED)
        else:
            if ends <= at:
                log.failed(
                    "expiry",
                    f"expired on {ends.isoformat()} ({end_name}); checked at {at.isoformat()}",
                    VerificationStatus.EXPIRED,
                )
            else:
                log.passed("expiry", f"valid until {ends.isoformat()} ({end_name})")
    if starts and ends and ends < starts:
        log.failed("expiry", f"{end_name} is before {start_name}", VerificationStatus.MALFORMED)
    return starts, ends
