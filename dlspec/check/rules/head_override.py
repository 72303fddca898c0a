"""DLS309 head-override: a head activation that the task table rules out."""

from __future__ import annotations

from collections.abc import Iterator

from dlspec.check.rules.rule import Context, Rule
from dlspec.diagnostics import Diagnostic, make


def check(context: Context) -> Iterator[Diagnostic]:
    """An overridden head activation must be one the task's row allows."""
    task, row = context.spec.task, context.spec.task.row
    if task.activation is not None and task.activation not in row.activations:
        yield make(
            "DLS309",
            f"a {task.activation} head does not fit the {task.type} task",
            context.source_map.locate(("task", "activation")),
            f"the {task.type} head takes: {', '.join(row.activations)}",
        )


RULE = Rule("DLS309", check)
