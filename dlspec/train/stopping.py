"""Stopping a run on request (Ctrl-C, SIGTERM): the token the CLI sets, the error it ends in.

The library never installs signal handlers: the command line does, and its handler only sets
``Stop.signal``. Fitting checks the token after every batch and ends the epoch there; the run
then saves what it has and raises ``Interrupted``.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Stop:
    """A request to stop, set from a signal handler: the signal's number, or None."""

    signal: int | None = None

    @property
    def requested(self) -> bool:
        """Whether a stop was asked for."""
        return self.signal is not None


class Interrupted(Exception):  # noqa: N818 - a run is interrupted; nothing went wrong
    """The run stopped on request after saving its history and a checkpoint."""

    def __init__(self, signal_number: int, directory: Path, where: str) -> None:
        super().__init__(f"interrupted {where}")
        self.signal_number = signal_number
        self.directory = directory
        self.where = where

    @property
    def exit_code(self) -> int:
        """The shell's convention: 128 plus the signal (130 for SIGINT, 143 for SIGTERM)."""
        return 128 + self.signal_number

    @property
    def signal_name(self) -> str:
        """``SIGINT`` or ``SIGTERM``."""
        return signal.Signals(self.signal_number).name
