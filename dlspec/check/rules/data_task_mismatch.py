"""DLS322 data-task-mismatch: a data source whose targets do not fit the task."""

from __future__ import annotations

from collections.abc import Iterator

from dlspec.check.rules.rule import Context, Rule
from dlspec.diagnostics import Diagnostic, make
from dlspec.spec.tasks import TASKS


def check(context: Context) -> Iterator[Diagnostic]:
    """The task's kind of target (its row's ``targets``) against the task the data suits."""
    spec, data, source_map = context.spec, context.data, context.source_map
    task, row = spec.task.type, spec.task.row
    where = source_map.locate(("data", "source"))
    source = spec.data.source if spec.data else ""
    chosen = spec.data.target if spec.data is not None else None
    if isinstance(chosen, list) and len(chosen) > 1 and row.targets != "values":
        yield make(
            "DLS322",
            f"{len(chosen)} target columns are {len(chosen)} values to predict; the {task} task "
            "predicts one label",
            source_map.locate(("data", "target")),
            "use task: regression, or name one target column",
        )
        return
    if spec.task.every_step and data.shape is not None and spec.data is not None:
        yield make(
            "DLS322",
            f"'{source}' has one target per example; a per_step task needs one per position",
            source_map.locate(("task", "per_step")),
            "per_step trains on an npz whose y holds a target per step: (examples, steps)",
        )
        return
    if row.targets == "inputs":  # an autoencoder rebuilds any source's inputs
        return
    if row.targets == "pairs":
        if data.inputs is None and data.shape is not None:  # one unnamed array
            yield make(
                "DLS322",
                f"'{source}' has no text pairs for the {task} task",
                where,
                f"{task} trains on a table of source and target texts: text:PAIRS.csv",
            )
        return
    if data.targets is None:
        return
    suits = TASKS[data.targets]
    if row.targets == suits.targets:
        if row.outputs == "probability" and data.classes is not None and data.classes > 2:
            yield make(
                "DLS322",
                f"'{source}' has {data.classes} classes, the {task} task takes 2",
                source_map.locate(("task",)),
                "use task: multiclass",
            )
    elif row.targets == "tokens":
        yield make(
            "DLS322",
            f"'{source}' has no token sequences for the {task} task",
            where,
            f"{task} trains on a text corpus: use a text:PATH source",
        )
    elif suits.targets == "tokens":
        yield make(
            "DLS322",
            f"a plain text corpus has no labels for the {task} task",
            where,
            f"use task: {data.targets}, or a CSV table of text and labels",
        )
    elif row.targets == "labels":
        yield make(
            "DLS322",
            f"'{source}' has real-valued targets, not classes",
            source_map.locate(("task",)),
            f"use task: {data.targets}",
        )
    else:
        yield make(
            "DLS322",
            f"'{source}' has class labels; {task} would treat them as numbers",
            source_map.locate(("task",)),
            f"use task: {data.targets}",
            warning=True,
        )


RULE = Rule("DLS322", check)
