"""``dlspec sweep``'s report: the trials, the best one and its test scores, the files written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from dlspec.report.results import confusion_table, label, number, per_class_table, test_table

if TYPE_CHECKING:
    from dlspec.train.sweep import Sweep


def _shown(value: object) -> str:
    return number(value) if isinstance(value, float) else str(value)


def trials_table(sweep: Sweep) -> Table:
    """One row per trial: its state, validation score and the values it tried."""
    paths = list(dict.fromkeys(path for trial in sweep.trials for path in trial.params))
    table = Table(
        title=f"Trials: {sweep.direction} validation {label(sweep.metric)} (mean over the folds)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("trial", justify="right")
    table.add_column("state")
    table.add_column(label(sweep.metric), justify="right")
    for path in paths:
        table.add_column(path, justify="right", overflow="fold")
    notes = []
    for trial in sweep.trials:
        best = trial.number == sweep.best.number
        table.add_row(
            f"{trial.number}{' *' if best else ''}",
            trial.state,
            number(trial.value),
            *(_shown(trial.params[p]) if p in trial.params else "–" for p in paths),
            style="bold" if best else None,
        )
        if trial.note and trial.state != "complete":
            notes.append(f"trial {trial.number}: {trial.note}")
    table.caption = "\n".join(["* the best trial", *notes])
    return table


def render(sweep: Sweep) -> Group:
    """The whole report, in reading order."""
    parts: list[RenderableType] = [trials_table(sweep)]
    best = sweep.best
    parts.append(
        Text(
            f"best: trial {best.number}, validation {label(sweep.metric)} {number(best.value)}"
            f" (run {best.run_dir}); the test set is scored for it alone, once"
        )
    )
    if sweep.test is not None:
        parts.append(test_table(sweep.test, sweep.task, "Best trial's test set"))
        for extra in (
            confusion_table(sweep.test, sweep.class_names),
            per_class_table(sweep.test),
        ):
            if extra is not None:
                parts.append(extra)
    for note in sweep.notes:
        parts.append(Text(f"note: {note}"))
    parts.append(Text(f"sweep saved in {sweep.directory}: {', '.join(sweep.written)}"))
    return Group(*parts)
