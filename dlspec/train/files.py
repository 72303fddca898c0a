"""Run files written atomically, and file-system errors as diagnostics that name the path.

Every file of a run is written to a temporary name in its own folder, then renamed over the
final name: a crash, a kill or a full disk leaves the old file or the new one, never half of
one. ``os.replace`` is atomic within one file system, which the same folder guarantees.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from dlspec.diagnostics import Span, SpecError, make

OTHER = "check the path and the disk, or give another --output"
HINTS = {
    errno.ENOSPC: "free some disk space, or give another --output",
    errno.EDQUOT: "free some disk space, or give another --output",
    errno.EACCES: "give a folder you can write to with --output",
    errno.EPERM: "give a folder you can write to with --output",
    errno.EROFS: "the file system is read-only; give another --output",
    errno.ENOTDIR: "a file stands where a folder is needed; give another --output",
    errno.EEXIST: "a file stands where a folder is needed; give another --output",
    errno.ENAMETOOLONG: "shorten the spec's 'name' (it names the run's folder) or --output",
}


def unwritable(path: Path, error: OSError, doing: str = "write") -> SpecError:
    """The DLS412 error for a file-system failure at ``path``."""
    reason = error.strerror or error.__class__.__name__
    return SpecError(
        [
            make(
                "DLS412",
                f"cannot {doing} '{path}': {reason}",
                Span.point(str(path)),
                HINTS.get(error.errno or 0, OTHER),
            )
        ]
    )


@contextmanager
def replacing(path: Path, suffix: str = "") -> Iterator[Path]:
    """A temporary path beside ``path`` to write; renamed over ``path`` when the block ends.

    ``suffix`` ends the temporary name where a writer insists on one (Keras: ``.keras``).
    A failure removes the temporary file or folder and raises DLS412 naming ``path``.

    Raises:
        SpecError: DLS412 when the file system refuses the write or the rename.
    """
    temporary = path.with_name(f".{path.name}.partial{suffix}")
    try:
        yield temporary
        os.replace(temporary, path)
    except OSError as error:
        _remove(temporary)
        raise unwritable(path, error) from None
    except BaseException:
        _remove(temporary)
        raise


def write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically.

    Raises:
        SpecError: DLS412 when the file system refuses it.
    """
    with replacing(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


def remove(path: Path) -> None:
    """Remove a file or folder that is no longer needed; one that is not there is fine."""
    _remove(path)


def _remove(path: Path) -> None:
    """Remove a temporary file or folder, if it is there (the error at hand is what counts)."""
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
        return
    with suppress(OSError):
        path.unlink()
