"""The task's head as static inference appends it: its width from the table and the data.

The task also says how it reads the data: seq2seq takes a table's text pairs as two inputs.
"""

from __future__ import annotations

from dataclasses import replace

from dlspec.base import Params, Shape, format_shape
from dlspec.check.shapes import LayerInfo
from dlspec.diagnostics import Diagnostic, make
from dlspec.sources import SOURCES, DataInfo
from dlspec.spec import Spec
from dlspec.spec.document import SourceMap
from dlspec.spec.tasks import head_width


def task_data(spec: Spec, data: DataInfo) -> DataInfo:
    """The data as the task reads it: for seq2seq, a source's pairs as its named inputs.

    Each input (``source``, and ``target``, the decoder's) holds ``sequence_length`` token ids.
    """
    inputs = spec.task.row.inputs
    if not inputs or spec.data is None or not SOURCES[spec.data.scheme].pairs(spec.data):
        return data
    shape: Shape = (spec.data.tokens_per_example,)
    return replace(data, shape=None, dtype="int32", inputs={n: (shape, "int32") for n in inputs})


def head(
    spec: Spec, body: Shape, data: DataInfo, source_map: SourceMap, given: Shape | None = None
) -> tuple[LayerInfo | None, list[Diagnostic]]:
    """The head the task table appends to a body ending in ``body``, or why it cannot be.

    ``given`` is the model's one input's shape (None with named inputs), which a
    reconstruction's head rebuilds.
    """
    task = spec.task
    where = source_map.locate(("task",))
    if task.row.targets == "inputs":
        return _rebuilding(spec, body, given, source_map)
    units, diagnostics = _units(spec, data, source_map)
    # The body's rank is checked even where the width waits for the data (an npz file).
    if task.row.outputs == "sequences" or task.every_step:
        if len(body) != 2:
            which = f"per_step {task.type}" if task.every_step else task.type
            diagnostics.append(
                make(
                    "DLS310",
                    f"the {which} head needs one vector per position, but the body ends in "
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
    if width is None or units is None:
        return None, diagnostics
    params = Params(width * units + units)
    return LayerInfo("head", "dense", (*body[:-1], units), params, None, ("task",)), diagnostics


def _rebuilding(
    spec: Spec, body: Shape, given: Shape | None, source_map: SourceMap
) -> tuple[LayerInfo | None, list[Diagnostic]]:
    """A reconstruction's head: dense to the input's last axis, on a body at the input's shape."""
    where = source_map.locate(("task",))
    if given is None:
        return None, [
            make(
                "DLS301",
                "the reconstruction head rebuilds the model's one input, and it has several",
                where,
                "give the model one input ('input:'), or choose another task",
            )
        ]
    same = len(body) == len(given) and all(
        a is None or b is None or a == b for a, b in zip(body[:-1], given[:-1], strict=True)
    )
    if not same or given[-1] is None or body[-1] is None:
        expected = format_shape((*given[:-1], None)) if len(given) > 1 else "a vector"
        return None, [
            make(
                "DLS301",
                f"the reconstruction head rebuilds the input {format_shape(given)}, so the body "
                f"must end at {expected}, but it ends in {format_shape(body)}",
                where,
                "end the body at the input's shape: up_sampling or a transposed convolution "
                "back to the input's height and width (the head sets the channels)"
                if len(given) > 1
                else "end the body at a rank-1 code, e.g. a dense layer",
            )
        ]
    units, width = given[-1], body[-1]
    params = Params(width * units + units)
    return LayerInfo("head", "dense", (*body[:-1], units), params, None, ("task",)), []


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
