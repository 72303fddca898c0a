"""DLS321 metric-task-mismatch: a metric that does not fit the task."""

from __future__ import annotations

from collections.abc import Iterator

from dlspec.check.rules.rule import Context, Rule
from dlspec.diagnostics import Diagnostic, make


def check(context: Context) -> Iterator[Diagnostic]:
    """Each metric the spec asks for must be one the task's row tracks."""
    task, row = context.spec.task, context.spec.task.row
    for index, metric in enumerate(task.metrics or []):
        if metric not in row.allowed_metrics:
            yield make(
                "DLS321",
                f"metric '{metric}' does not fit the {task.type} task",
                context.source_map.locate(("task", "metrics", index)),
                f"the {task.type} task tracks: {', '.join(row.allowed_metrics)}",
            )


RULE = Rule("DLS321", check)
