"""DLS308 loss-task-mismatch: a loss from another row of the task table."""

from __future__ import annotations

from collections.abc import Iterator

from dlspec.check.rules.rule import Context, Rule
from dlspec.diagnostics import Diagnostic, make


def check(context: Context) -> Iterator[Diagnostic]:
    """The task's loss must be one its row takes."""
    task, row = context.spec.task, context.spec.task.row
    if task.loss not in row.losses:
        yield make(
            "DLS308",
            f"loss '{task.loss}' does not fit the {task.type} task",
            context.source_map.locate(("task", "loss")),
            f"the {task.type} task takes: {', '.join(row.losses)}",
        )


RULE = Rule("DLS308", check)
