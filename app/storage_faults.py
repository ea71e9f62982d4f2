"""Telling a database that cannot store anything (read-only, disk full) from a bug.

Such a fault is no mistake of the user's and no bug: the page says plainly that the change was
not saved and why, shows what they typed so it is not lost, and answers 503 (try later).
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

READ_ONLY, DISK_FULL = "read_only", "disk_full"
_SIGNS = {
    READ_ONLY: ("readonly database", "read-only transaction", "read-only file system",
                "attempt to write a readonly", "cannot execute", "read only"),
    DISK_FULL: ("database or disk is full", "no space left on device", "could not extend file",
                "disk full", "diskfull"),
}
SECRET_FIELDS = ("csrf_token", "password")


def storage_fault(error: BaseException) -> str | None:
    """READ_ONLY or DISK_FULL when `error` says the database can not store data, else None."""
    if not isinstance(error, DBAPIError):
        return None
    text = f"{type(error.orig).__name__} {error.orig}".lower()
    for kind, signs in _SIGNS.items():
        if any(sign in text for sign in signs):
            return kind
    return None


def submitted_texts(form) -> list[str]:
    """What the user typed in the request's form (no passwords, no CSRF token, no empties)."""
    return [value for name, value in form.items(multi=True)
            if value.strip() and not any(secret in name for secret in SECRET_FIELDS)]
