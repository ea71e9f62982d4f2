"""What the two kinds of backup file look like, and writing them safely."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"  # pg_dump's custom format


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


@contextmanager
def private_partial(target: Path) -> Iterator[Path]:
    """A new file beside `target`, readable by the owner only, moved onto `target` on success.

    A backup holds password hashes; and a failed run never leaves a torn file under the name.
    """
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        yield partial
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
