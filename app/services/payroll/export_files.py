"""Payroll export files under `EXPORT_DIR`, written atomically.

Layout: `<EXPORT_DIR>/<organization_id>/<export_id>/<file name>`. A file is written to
`<EXPORT_DIR>/.partial/<export_id>.<random>.tmp` (same filesystem), flushed and fsynced, then
moved into place with `os.replace`, which is atomic: a reader (or a crash) sees no file or the
whole file, never a part of one. A writer killed mid-write leaves only its temporary file in
`.partial/`, which the export's next attempt removes.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

from flask import current_app

PARTIAL_DIR = ".partial"


def root() -> Path:
    return Path(current_app.config["EXPORT_DIR"]).resolve()


def relative_path(organization_id: uuid.UUID, export_id: uuid.UUID, file_name: str) -> str:
    if "/" in file_name or "\\" in file_name or file_name.startswith("."):
        raise ValueError(f"unsafe export file name {file_name!r}")
    return f"{organization_id}/{export_id}/{file_name}"


def resolve(relative: str) -> Path:
    """The absolute path of a stored relative path (never outside `EXPORT_DIR`)."""
    base = root()
    path = (base / relative).resolve()
    if base not in path.parents:
        raise ValueError(f"export path {relative!r} escapes EXPORT_DIR")
    return path


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(relative: str, content: bytes, export_id: uuid.UUID) -> Path:
    """Write `content` at `relative` so that it appears whole or not at all."""
    final = resolve(relative)
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = root() / PARTIAL_DIR
    partial.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=partial, prefix=f"{export_id}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(final.parent)
    return final


def remove_partials(export_id: uuid.UUID) -> int:
    """Delete temporary files a killed attempt of this export left behind; how many."""
    partial = root() / PARTIAL_DIR
    if not partial.is_dir():
        return 0
    removed = 0
    for leftover in partial.glob(f"{export_id}.*.tmp"):
        leftover.unlink(missing_ok=True)
        removed += 1
    return removed
