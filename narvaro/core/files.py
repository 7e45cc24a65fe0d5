"""Files that hold case data are the owner's only: 0600 for files, 0700 for the folders the app makes.

The SQLite database (SQLite gives its -wal and -shm the database file's mode), backups and exports are
personal data about children; under the usual umask 022 they were readable by every local user.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

FILE_MODE = 0o600
DIR_MODE = 0o700
UMASK = 0o077  # what the app and the command line run under: anything else they create is owner-only too


def owner_only_umask() -> None:
    os.umask(UMASK)


def private_dir(path: Path | str) -> Path:
    """Make the folder (and missing parents) owner-only; a folder that already existed is left as it is, since
    it may be someone's home or a shared place the owner chose."""
    path = Path(path)
    if not path.exists():
        path.mkdir(parents=True, mode=DIR_MODE, exist_ok=True)
        os.chmod(path, DIR_MODE)
    return path


def make_private(path: Path | str) -> None:
    """Create the file if missing, and make it owner-only (also a file an older version left readable)."""
    fd = os.open(path, os.O_CREAT | os.O_RDONLY, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def open_private(path: Path | str, mode: str = "wb", **kwargs: Any) -> IO[Any]:
    """open() for writing a new file that no one else may read, from the first byte on."""
    if not mode.startswith("w"):
        raise ValueError(mode)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    return os.fdopen(fd, mode, **kwargs)
