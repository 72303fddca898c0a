"""The one boundary every command leaves through: an exit status and a message, never a traceback.

Expected failures (a bad spec, bad data, an unreadable path) are raised inside the commands as
located diagnostics and leave as ``typer.Exit`` with status 1 (2 for usage errors and
unreadable paths). What is left here is what no command expected:

- an exception is a bug in dlspec or beneath it: one line on stderr (``internal error``, the
  exception and where its traceback was written) and exit status 3;
- Ctrl-C outside training (training stops itself after the current step) exits 130, as a shell
  reports SIGINT.

(A reader that closes the pipe, ``dlspec predict RUN x.csv | head``, is Click's: exit 1, quietly.)
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from dlspec import __version__

INTERNAL_ERROR = 3
INTERRUPTED = 130  # 128 + SIGINT
LONGEST_MESSAGE = 300  # characters of the exception's own message on the one line


def crash_folder() -> Path:
    """Where tracebacks are kept: ``$XDG_STATE_HOME/dlspec/crashes`` (``~/.local/state``)."""
    state = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(state) / "dlspec" / "crashes"


def run(command: Callable[[], object]) -> NoReturn:
    """Run ``command`` (the Typer app) and exit with its status, whatever it raises."""
    try:
        command()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        raise SystemExit(INTERRUPTED) from None
    except Exception as error:  # the boundary: every other exception ends here
        sys.stderr.write(internal_error(error) + "\n")
        raise SystemExit(INTERNAL_ERROR) from None
    raise SystemExit(0)


def internal_error(error: BaseException) -> str:
    """The one line for an unexpected exception, after writing its traceback to a file."""
    said = " ".join(str(error).split())
    if len(said) > LONGEST_MESSAGE:
        said = said[: LONGEST_MESSAGE - 3] + "..."
    what = f"{type(error).__name__}: {said}" if said else type(error).__name__
    try:
        kept = f"the traceback is in {keep_traceback(error)}"
    except OSError as unwritable:
        kept = f"its traceback could not be written ({unwritable.strerror or unwritable})"
    return f"dlspec: internal error: {what} ({kept}; please report it with the command and spec)"


def keep_traceback(error: BaseException) -> Path:
    """Write the traceback, with what was run and where, to a new file; its path."""
    text = "".join(
        [
            f"dlspec {__version__}, Python {platform.python_version()} on {platform.platform()}\n",
            f"command: {' '.join(['dlspec', *sys.argv[1:]])}\n",
            f"folder: {os.getcwd()}\n\n",
            *traceback.format_exception(error),
        ]
    )
    name = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt"
    try:
        folder = crash_folder()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(text)
        return path
    except OSError:  # no writable home: the system's temporary folder
        handle_number, where = tempfile.mkstemp(prefix="dlspec-crash-", suffix=".txt")
        with os.fdopen(handle_number, "w", encoding="utf-8") as handle:
            handle.write(text)
        return Path(where)
