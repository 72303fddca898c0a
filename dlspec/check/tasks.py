"""Checks against the task table: loss, head activation, metrics, head size, data targets."""

from __future__ import annotations

from dlspec.base import Params, Shape, format_shape
from dlspec.check.shapes import LayerInfo
from dlspec.diagnostics import Diagnostic, make
from dlspec.sources import DataInfo
from dlspec.spec import Spec
from dlspec.spec.document import SourceMap
from dlspec.spec.tasks import TASKS, head_width


def rules(spec: Spec, data: DataInfo, source_map: SourceMap) -> list[Diagnostic]:
    """Loss, activation and metric overrides against the task's row; targets against the task."""
    task, row, out = spec.task, spec.task.row, []
    if task.loss not in row.losses:
        out.append(
            make(
                "DLS308",
                f"loss '{task.loss}' does not fit the {task.type} task",
                source_map.locate(("task", "loss")),
                f"the {task.type} task takes: {', '.join(row.losses)}",
            )
        )
    if task.activation is not None and task.activation not in row.activations:
        out.append(
            make(
                "DLS309",
                f"a {task.activation} head does not fit the {task.type} task",
                source_map.locate(("task", "activation")),
                f"the {task.type} head takes: {', '.join(row.activations)}",
            )
        )
    for index, metric in enumerate(task.metrics or []):
        if metric not in row.allowed_metrics:
            out.append(
                make(
                    "DLS321",
                    f"metric '{metric}' does not fit the {task.type} task",
                    source_map.locate(("task", "metrics", index)),
                    f"the {task.type} task tracks: {', '.join(row.allowed_metrics)}",
                )
            )
    out.extend(_targets(spec, data, source_map))
    return out


def _targets(spec: Spec, data: DataInfo, source_map: SourceMap) -> list[Diagnostic]:
    """The task's kind of target (its row's ``targets``) against the task the data suits."""
    if data.targets is None:
        return []
    task, row, suits = spec.task.type, spec.task.row, TASKS[data.targets]
    where = source_map.locate(("data", "source"))
    source = spec.data.source if spec.data else ""
    if row.targets == suits.targets:
        if row.outputs == "probability" and data.classes is not None and data.classes > 2:
            return [
                make(
                    "DLS322",
                    f"'{source}' has {data.classes} classes, the {task} task takes 2",
                    source_map.locate(("task",)),
                    "use task: multiclass",
                )
            ]
        return []
    if row.targets == "tokens":
        message = f"'{source}' has no token sequences for the {task} task"
        return [
            make(
                "DLS322", message, where, f"{task} trains on a text corpus: use a text:PATH source"
            )
        ]
    if suits.targets == "tokens":
        return [
            make(
                "DLS322",
                f"a plain text corpus has no labels for the {task} task",
                where,
                f"use task: {data.targets}, or a CSV table of text and labels",
            )
        ]
    if row.targets == "labels":
        return [
            make(
                "DLS322",
                f"'{source}' has real-valued targets, not classes",
                source_map.locate(("task",)),
                f"use task: {data.targets}",
            )
        ]
    return [
        make(
            "DLS322",
            f"'{source}' has class labels; {task} would treat them as numbers",
            source_map.locate(("task",)),
            f"use task: {data.targets}",
            warning=True,
        )
    ]


def head(
    spec: Spec, body: Shape, data: DataInfo, source_map: SourceMap
) -> tuple[LayerInfo | None, list[Diagnostic]]:
    """The head the task table appends to a body ending in ``body``, or why it cannot be."""
    task = spec.task
    where = source_map.locate(("task",))
    units, diagnostics = _units(spec, data, source_map)
    if units is None:
        return None, diagnostics
    if task.row.outputs == "sequences":
        if len(body) != 2:
            diagnostics.append(
                make(
                    "DLS310",
                    f"the {task.type} head needs one vector per position, but the body ends in "
                    f"{format_shape(body)}",
                    where,
                    "keep the sequence axis: return_sequences: true, no flatten or global pooling",
                )
            )
            return None, diagnostics
    elif len(body) != 1:
        diagnostics.append(
            make(
                "DLS301",
                f"the {task.type} head needs a rank-1 input, but the body ends in "
                f"{format_shape(body)}",
                where,
                "end the body with 'flatten', a global pooling layer, or a recurrent layer "
                "without return_sequences",
            )
        )
        return None, diagnostics
    width = body[-1]
    if width is None:
        return None, diagnostics
    params = Params(width * units + units)
    return LayerInfo("head", "dense", (*body[:-1], units), params, None, ("task",)), diagnostics


def _units(
    spec: Spec, data: DataInfo, source_map: SourceMap
) -> tuple[int | None, list[Diagnostic]]:
    task = spec.task
    known = head_width(
        task.type, classes=data.classes, outputs=data.outputs, vocabulary=data.vocabulary
    )
    field = task.row.size_field
    if field is None:
        return known, []
    given: int | None = getattr(task, field)
    if given is not None and known is not None and given != known:
        return given, [
            make(
                "DLS320",
                f"task.{field} is {given}, but the data has {known}",
                source_map.locate(("task", field)),
                f"remove 'task.{field}' to take it from the data",
            )
        ]
    units = given if given is not None else known
    if units is None and not data.known_at_load:
        return None, [
            make(
                "DLS307",
                f"the {task.type} head needs {task.row.units}, and the data does not tell it",
                source_map.locate(("task",)),
                f"set task.{field}",
            )
        ]
    return units, []
