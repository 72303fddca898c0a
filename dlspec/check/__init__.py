"""Static analysis of a parsed spec: shapes, parameter counts and lint rules; never imports Keras.

``run(spec, source_map)`` gives an Inference (every layer's shape and count, the head, the
diagnostics); ``lint`` wraps resolve, parse and run for one file; ``analyse`` raises on errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from dlspec import spec as spec_module
from dlspec.base import Params, Shape, format_shape, shapes_differ
from dlspec.check import rules, search, shapes, suppress, tasks
from dlspec.check.shapes import LayerInfo
from dlspec.diagnostics import Diagnostic, SpecError, has_errors, make, sort
from dlspec.sources import DataInfo, describe
from dlspec.spec import Spec
from dlspec.spec.document import SourceMap

__all__ = ["DataInfo", "Inference", "LayerInfo", "lint", "run"]


# Each input's example shape and dtype, by name: {"input": ...} for the one input of a chain.
Inputs = dict[str, tuple[Shape, str]]


@dataclass
class Inference:
    """What static analysis learned: the inputs, every layer (head last), the diagnostics."""

    inputs: Inputs | None  # None: the shapes are known only once the data loads
    layers: list[LayerInfo]
    data: DataInfo
    diagnostics: list[Diagnostic] = field(default_factory=list)
    output: str = shapes.INPUT  # the output the head takes: model.output, or the last layer's
    named: bool = False  # model.inputs names the inputs: the model takes a dict of arrays

    @property
    def input_shape(self) -> Shape | None:
        """The shape of the one input of a model without named inputs (None otherwise)."""
        if self.named or self.inputs is None:
            return None
        return self.inputs[shapes.INPUT][0]

    @property
    def input_dtype(self) -> str:
        """The dtype of the one input of a model without named inputs."""
        if self.named or self.inputs is None:
            return self.data.dtype
        return self.inputs[shapes.INPUT][1]

    @property
    def complete(self) -> bool:
        """True when every layer and the head were inferred (no shape errors)."""
        return bool(self.layers) and self.layers[-1].name == "head" and self.layers[-1].spec is None

    @property
    def graph(self) -> bool:
        """Whether any layer (or the head) takes another output than the one just before it."""
        if self.named:
            return True
        previous = shapes.INPUT
        for row in self.layers:
            if row.inputs != (previous,):
                return True
            previous = row.name
        return False

    @property
    def params(self) -> Params:
        """Total parameters of the inferred layers."""
        total = Params()
        for row in self.layers:
            total = total + row.params
        return total


def _named(spec: Spec, data: DataInfo, source_map: SourceMap) -> tuple[Inputs, list[Diagnostic]]:
    """``model.inputs``: each named input's shape, checked against a one-input source."""
    assert spec.model.inputs is not None
    found: list[Diagnostic] = []
    if spec.model.input is not None:
        found.append(
            make(
                "DLS333",
                "model.input and model.inputs are both given",
                source_map.locate_key(("model", "inputs")),
                "one input is 'input: SHAPE'; several are 'inputs: {name: SHAPE, ...}'",
            )
        )
    inputs: Inputs = {
        name: (tuple(given.shape), given.dtype) for name, given in spec.model.inputs.items()
    }
    if data.shape is not None:
        found.append(
            make(
                "DLS306",
                f"model.inputs names {', '.join(inputs)}, but the data source gives one "
                f"unnamed input, {format_shape(data.shape)}",
                source_map.locate_key(("model", "inputs")),
                "several inputs come from an npz with one array per input name, or a CSV's "
                "column groups ('features: {name: [columns]}'); for this source write 'input:'",
            )
        )
    elif data.inputs is not None and set(data.inputs) != set(inputs):
        found.append(
            make(
                "DLS306",
                f"model.inputs names {', '.join(inputs)}, but the data gives the inputs "
                f"{', '.join(data.inputs)}",
                source_map.locate_key(("model", "inputs")),
                "give model.inputs the names the data gives, or leave it out",
            )
        )
    elif data.inputs is not None:
        for name, (shape, _) in inputs.items():
            got = data.inputs[name][0]
            if shapes_differ(shape, got):
                found.append(
                    make(
                        "DLS306",
                        f"model.inputs.{name} is {format_shape(shape)}, but the data gives "
                        f"{format_shape(got)}",
                        source_map.locate(("model", "inputs", name)),
                        "remove model.inputs to take the shapes from the data",
                    )
                )
    return inputs, found


def _input(
    spec: Spec, data: DataInfo, source_map: SourceMap
) -> tuple[Inputs | None, list[Diagnostic]]:
    if spec.model.inputs is not None:
        return _named(spec, data, source_map)
    given = spec.model.input
    if data.inputs is not None:  # the source names its inputs (a CSV's column groups)
        mismatch = make(
            "DLS306",
            f"model.input is one input, but data.features groups the columns into named "
            f"inputs ({', '.join(data.inputs)})",
            source_map.locate(("model", "input")),
            "remove model.input: the groups give the inputs, which layers take by name",
        )
        return dict(data.inputs), [mismatch] if given is not None else []
    if given is None:
        if data.shape is None and not data.known_at_load:
            return None, [
                make(
                    "DLS305",
                    "the input shape is not given and the data source does not tell it",
                    source_map.locate(("model",)),
                    "add model.input, e.g. 'input: [28, 28, 1]'",
                )
            ]
        return (None if data.shape is None else {shapes.INPUT: (data.shape, data.dtype)}), []
    shape = tuple(given.shape)
    found = []
    if shapes_differ(shape, data.shape):
        assert data.shape is not None
        found.append(
            make(
                "DLS306",
                f"model.input is {format_shape(shape)}, "
                f"but the data gives {format_shape(data.shape)}",
                source_map.locate(("model", "input")),
                "remove model.input to take the shape from the data",
            )
        )
    one: Inputs = {shapes.INPUT: (shape, given.dtype)}
    return one, found


def run(spec: Spec, source_map: SourceMap) -> Inference:
    """Infer shapes and counts and apply every lint rule; diagnostics are sorted by place."""
    data, diagnostics = describe(spec.data, source_map)
    data = tasks.task_data(spec, data)
    inputs, found = _input(spec, data, source_map)
    diagnostics += found
    named = spec.model.inputs is not None or data.inputs is not None
    rows: list[LayerInfo] = []
    taken = shapes.INPUT
    if inputs is not None:
        state = shapes.Walk(source_map, data)
        # Where the inputs are named: model.inputs, else the data's column groups.
        where: tuple[str, str] | None = None
        if named:
            where = ("model", "inputs") if spec.model.inputs else ("data", "features")
        rows, body = shapes.walk(list(spec.model.layers), inputs, state, ("model", "layers"), where)
        diagnostics += state.diagnostics
        if body is not None:
            taken, found = shapes.output(spec.model.output, rows, state)
            paths = {name: (*where, name) for name in inputs} if where else None
            diagnostics += found + shapes.unused(rows, taken, source_map, paths)
            one = None if named else inputs[shapes.INPUT][0]
            head, found = tasks.head(spec, state.outputs[taken], data, source_map, one)
            diagnostics += found
            if head is not None:
                rows.append(replace(head, inputs=(taken,)))
    diagnostics += rules.apply(rules.Context(spec, data, source_map, rows))
    diagnostics += search.check(spec, source_map, diagnostics, lambda s, m: run(s, m).diagnostics)
    return Inference(inputs, rows, data, sort(diagnostics), taken, named)


def lint(
    path: str | Path, overrides: Sequence[str] = (), disabled: frozenset[str] = frozenset()
) -> list[Diagnostic]:
    """Every diagnostic for one spec file: YAML, schema and static checks.

    Warnings whose codes are ``disabled``, or switched off by the file's comments or the
    project's pyproject.toml, are left out (``check.suppress``); errors never are.

    Raises:
        suppress.UnknownCode: the pyproject.toml names no code.
        ValueError: the pyproject.toml cannot be read.
    """
    try:
        spec, source_map = spec_module.load(path, overrides)
        found = source_map.doc.diagnostics + run(spec, source_map).diagnostics
    except SpecError as error:
        found = error.diagnostics
    return sort(suppress.apply(found, Path(path), disabled))


def analyse(path: str | Path, overrides: Sequence[str] = ()) -> tuple[Spec, SourceMap, Inference]:
    """Load a spec and infer it, raising when anything is an error.

    Raises:
        SpecError: with every diagnostic when any of them is an error.
    """
    spec, source_map = spec_module.load(path, overrides)
    inference = run(spec, source_map)
    if has_errors(inference.diagnostics):
        raise SpecError(inference.diagnostics)
    return spec, source_map, inference
