"""The progress bar shown on stderr while training: fold i/K, epoch, loss, validation loss."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class TrainingProgress:
    """A rich Progress with one bar per fit; use as a context manager.

    ``start`` opens a bar for one fit, ``epoch`` advances it with the epoch's logs, ``stop``
    completes it (early stopping ends a bar before its last epoch).
    """

    def __init__(self, console: Console):
        self._progress = Progress(
            TextColumn("{task.description:<12}"),
            BarColumn(bar_width=30),
            MofNCompleteColumn(),
            TextColumn("epochs"),
            TextColumn("{task.fields[losses]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> TrainingProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def start(self, label: str, epochs: int) -> None:
        """Open a bar for one fit of ``epochs`` epochs."""
        self._task = self._progress.add_task(label, total=epochs, losses="")

    def epoch(self, epoch: int, logs: dict[str, float]) -> None:
        """Record that epoch ``epoch`` (1-based) ended with these logs."""
        if self._task is None:
            return
        losses = f"loss {logs['loss']:.4f}" if "loss" in logs else ""
        if "val_loss" in logs:
            losses += f"  val loss {logs['val_loss']:.4f}"
        self._progress.update(self._task, completed=epoch, losses=losses)

    def stop(self) -> None:
        """Complete the current bar (the fit may have stopped early)."""
        if self._task is not None:
            total = self._progress.tasks[-1].completed
            self._progress.update(self._task, total=total, completed=total)
            self._task = None
