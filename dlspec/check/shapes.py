"""Static shape and parameter inference through the body and the head the task appends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dlspec.base import Params, Shape, ShapeError
from dlspec.diagnostics import Diagnostic, Span, did_you_mean, make
from dlspec.layers import EmbeddingSpec, LayerSpec, ResidualSpec, kind_of
from dlspec.layers.recurrent import RecurrentSpec
from dlspec.sources import DataInfo
from dlspec.spec.document import SourceMap

# Names dlspec gives the layers it adds around the spec's body.
INPUT = "input"
RESERVED_NAMES = (INPUT, "head")


@dataclass(frozen=True)
class LayerInfo:
    """One row of the inferred model: a spec layer (or the head) with its shape and counts."""

    name: str
    kind: str
    output_shape: Shape
    params: Params
    spec: LayerSpec | None  # resolved (defaults from the data filled in); None for the head
    path: tuple[Any, ...]  # where the item stands in the YAML
    children: list[LayerInfo] = field(default_factory=list)
    inputs: tuple[str, ...] = ()  # the outputs it takes: 'input', earlier layers (by name)


@dataclass
class Walk:
    """State carried down the layer list: names in use, diagnostics found."""

    source_map: SourceMap
    data: DataInfo
    diagnostics: list[Diagnostic] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    names: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    block: str | None = None  # the enclosing block's name, inside a residual body
    # Every output inferred so far, by name (the inputs first), and the last item's name (None
    # before the first item of a model with several inputs: it must name the one it takes).
    outputs: dict[str, Shape] = field(default_factory=dict)
    last: str | None = INPUT

    def from_span(self, path: tuple[Any, ...], kind: str, index: int | None = None) -> Span:
        """Where an item's ``from`` is written (beside its kind, or among its arguments)."""
        for where in ((*path, "from"), (*path, kind, "from")):
            if self.source_map.walk(where)[1]:
                return self.source_map.locate(where if index is None else (*where, index))
        return self.source_map.locate((*path, kind))

    def name(self, layer: LayerSpec, path: tuple[Any, ...]) -> str:
        """The Keras layer name: the spec's own, else the kind with a counter.

        Inside a block the default is ``<block>_<kind>_<position>``, as the block builds it.
        """
        kind = kind_of(type(layer))
        self.counters[kind] = self.counters.get(kind, 0) + 1
        if layer.name:
            name = layer.name
        elif self.block:
            name = f"{self.block}_{kind}_{path[-1] + 1}"
        else:
            name = f"{kind}_{self.counters[kind]}"
        if name in RESERVED_NAMES:
            self.diagnostics.append(
                make(
                    "DLS324",
                    f"layer name '{name}' is reserved for the model's {name} layer",
                    self.source_map.locate((*path, kind, "name")),
                    "choose another name, or leave 'name' out",
                )
            )
        elif name in self.names:
            first = self.source_map.locate(self.names[name])
            self.diagnostics.append(
                make(
                    "DLS324",
                    f"layer name '{name}' is already used (line {first.line})",
                    self.source_map.locate((*path, kind, "name")),
                    "give each layer a unique name, or leave 'name' out",
                )
            )
        self.names.setdefault(name, path)
        return name


def resolve(layer: LayerSpec, data: DataInfo) -> LayerSpec:
    """The layer with defaults that come from the data filled in (an embedding's input_dim)."""
    if isinstance(layer, EmbeddingSpec) and layer.input_dim is None and data.vocabulary:
        return layer.model_copy(update={"input_dim": data.vocabulary})
    if isinstance(layer, ResidualSpec):
        body = [resolve(item, data) for item in layer.layers]
        return layer.model_copy(update={"layers": body})
    return layer


def walk(
    layers: list[LayerSpec],
    inputs: dict[str, tuple[Shape, str]],
    walk_state: Walk,
    prefix: tuple[Any, ...],
    named: tuple[Any, ...] | None = None,
) -> tuple[list[LayerInfo], Shape | None]:
    """Infer every layer in turn; stop at the first that cannot take its input.

    An item takes the previous item's output (the first takes the input), or the outputs its
    ``from`` names: earlier layers of the list or inputs (a graph; not inside a block).
    ``walk_state.outputs`` holds every output inferred, by name.

    Args:
        layers: The items, first first.
        inputs: Each input's shape and dtype by name: ``{"input": ...}`` alone for a chain.
        walk_state: Names and diagnostics so far.
        prefix: Where the list stands in the YAML.
        named: Where ``model.inputs`` stands, when it names the inputs: its names are taken
            like layer names, and the first item must say in ``from`` which input it takes.

    Returns the rows inferred and the last item's shape (None after an error).
    """
    rows: list[LayerInfo] = []
    dtypes: dict[str, str] = {}
    for name, (shape, dtype) in inputs.items():
        walk_state.outputs[name], dtypes[name] = shape, dtype
        if named is not None:
            walk_state.names.setdefault(name, (*named, name))
            if name in RESERVED_NAMES[1:]:
                walk_state.diagnostics.append(
                    make(
                        "DLS324",
                        f"input name '{name}' is reserved for the model's {name} layer",
                        walk_state.source_map.locate_key((*named, name)),
                        "choose another name",
                    )
                )
    walk_state.last = next(iter(inputs)) if len(inputs) == 1 else None
    planned = _planned_names(layers, walk_state, prefix) if walk_state.block is None else {}
    for index, layer in enumerate(layers):
        path = (*prefix, index)
        kind = kind_of(type(layer))
        layer = resolve(layer, walk_state.data)
        name = walk_state.name(layer, path)
        sources = _sources(layer, index, path, kind, planned, walk_state)
        if sources is None:
            return rows, None
        shapes = [walk_state.outputs[source] for source in sources]
        try:
            if isinstance(layer, RecurrentSpec) and len(sources) == 2:
                _state_source(layer, kind, sources[1], rows)
                sources_taken = sources[:1]  # the second gives the initial state only
            else:
                sources_taken = sources
            out, params = _infer(
                layer,
                kind,
                [walk_state.outputs[source] for source in sources_taken],
                [dtypes[source] for source in sources_taken],
            )
        except ShapeError as error:
            walk_state.diagnostics.append(_located(error, index, path, kind, walk_state))
            return rows, None
        children: list[LayerInfo] = []
        if isinstance(layer, ResidualSpec):
            body = _child(walk_state, name)
            children, _ = walk(
                layer.sublayers(),
                {INPUT: (shapes[0], dtypes[sources[0]])},
                body,
                (*path, kind, "layers"),
            )
        rows.append(LayerInfo(name, kind, out, params, layer, path, children, tuple(sources)))
        walk_state.outputs[name], dtypes[name], walk_state.last = out, "float32", name
    if walk_state.last is None:  # several inputs and no layer to take them
        walk_state.diagnostics.append(
            make(
                "DLS330",
                "the model has several inputs and no layers: the head takes one output",
                walk_state.source_map.locate_key(named or prefix),
                f"join them first: '- concatenate: {{from: [{', '.join(inputs)}]}}'",
            )
        )
        return rows, None
    return rows, walk_state.outputs[walk_state.last]


def _planned_names(
    layers: list[LayerSpec], walk_state: Walk, prefix: tuple[Any, ...]
) -> dict[str, int]:
    """The name each top-level item will have, with its index (to tell 'later' from 'none').

    Named by a scratch walk, so the naming rule stays ``Walk.name``'s alone.
    """
    scratch = Walk(walk_state.source_map, walk_state.data)
    planned: dict[str, int] = {}
    for index, layer in enumerate(layers):
        planned.setdefault(scratch.name(layer, (*prefix, index)), index)
    return planned


def _sources(
    layer: LayerSpec,
    index: int,
    path: tuple[Any, ...],
    kind: str,
    planned: dict[str, int],
    walk_state: Walk,
) -> list[str] | None:
    """The outputs an item takes, or None after reporting a name that is not there (DLS330)."""
    if layer.from_ is None:
        if walk_state.last is None:
            inputs = ", ".join(walk_state.outputs)
            walk_state.diagnostics.append(
                make(
                    "DLS330",
                    f"layers[{index}] ({kind}) takes no input: the model has several "
                    f"({inputs}), and its first layer names the one it takes",
                    walk_state.source_map.locate_key((*path, kind)),
                    f"add 'from: {next(iter(walk_state.outputs))}' beside '{kind}'",
                )
            )
            return None
        return [walk_state.last]
    if walk_state.block is not None:
        walk_state.diagnostics.append(
            make(
                "DLS330",
                f"'from' inside the body of '{walk_state.block}': a block's body is a chain",
                walk_state.from_span(path, kind),
                "move the branch out of the block and join it with add or concatenate",
            )
        )
        return None
    for position, source in enumerate(layer.from_):
        if source in walk_state.outputs:
            continue
        later = planned.get(source)
        if later == index:
            message = f"'from' names '{source}', this item's own output"
        elif later is not None:
            line = walk_state.source_map.locate((*path[:-1], later)).line
            message = f"'from' names '{source}', the output of a later item (line {line})"
        else:
            message = f"'from' names '{source}', which is no layer or input of this model"
        known = [name for name in walk_state.outputs if name != source]
        hint = (
            "an item takes the outputs of the items before it (or 'input'): move it, or name "
            "an earlier one"
            if later is not None
            else did_you_mean(source, known) or "the model's outputs so far: " + ", ".join(known)
        )
        walk_state.diagnostics.append(
            make("DLS330", message, walk_state.from_span(path, kind, position), hint)
        )
        return None
    return list(layer.from_)


def _state_source(layer: RecurrentSpec, kind: str, source: str, rows: list[LayerInfo]) -> None:
    """Check that a recurrent item's second ``from`` can give its initial state.

    ``from: [sequence, encoder]``: the encoder's final state starts this layer (an
    encoder-decoder), so it must be an earlier recurrent layer of the same kind and units.

    Raises:
        ShapeError: DLS331, located at the ``from``.
    """
    row = next((row for row in rows if row.name == source), None)
    giver = row.spec if row is not None else None
    if (
        isinstance(giver, RecurrentSpec)
        and kind_of(type(giver)) == kind
        and giver.units == layer.units
    ):
        return
    what = (
        f"'{source}' is an input"
        if row is None
        else f"'{source}' is {kind_of(type(giver))}"
        + (f" of {giver.units} units" if isinstance(giver, RecurrentSpec) else "")
        if giver is not None
        else f"'{source}' is the head"
    )
    raise ShapeError(
        f"{kind} takes its initial state from the second name in 'from', a {kind} layer of "
        f"{layer.units} units, and {what}",
        f"name the encoder {kind} (units: {layer.units}) second, or take one input only",
        code="DLS331",
        at=("from",),
    )


def _infer(
    layer: LayerSpec, kind: str, shapes: list[Shape], dtypes: list[str]
) -> tuple[Shape, Params]:
    """One item's output shape and parameters, from its inputs' shapes and dtypes."""
    if layer.PAIRED:
        if len(shapes) != 2:
            count = f"'from' names {len(shapes)}" if len(shapes) > 1 else "it takes one here"
            raise ShapeError(
                f"{kind} takes two inputs, the sequence and the context it attends to, and "
                + count,
                "name both: 'from: [decoder, encoder]'",
                code="DLS331",
                at=("from",),
            )
        return layer.paired_shape(shapes[0], shapes[1]), layer.paired_params(shapes[0], shapes[1])
    if layer.MERGES:
        if len(shapes) < 2:
            raise ShapeError(
                f"{kind} merges two or more inputs, and it takes one here",
                "name them with 'from: [dense_1, dense_2]'",
                code="DLS331",
                at=("from",),
            )
        return layer.merged_shape(shapes), Params()  # type: ignore[attr-defined]
    if len(shapes) > 1:
        raise ShapeError(
            f"{kind} takes one input, and 'from' names {len(shapes)}",
            "join them first with add, concatenate or multiply, and take that",
            code="DLS331",
            at=("from",),
        )
    if isinstance(layer, EmbeddingSpec) and dtypes[0] != "int32":
        raise ShapeError(
            f"embedding needs integer token ids, got {dtypes[0]} input",
            "give model.input 'dtype: int32' and put the embedding first",
            code="DLS304",
        )
    return layer.output_shape(shapes[0]), layer.params(shapes[0])


def _located(
    error: ShapeError, index: int, path: tuple[Any, ...], kind: str, state: Walk
) -> Diagnostic:
    """A shape error as a diagnostic at the item (at its ``from`` for a count of inputs)."""
    where = f"layers[{index}] ({kind})"
    if (error.message.startswith(f"{kind} ") and not error.at) or error.at == ("from",):
        message = where + error.message[len(kind) :]
    else:
        message = f"{where}: {error.message}"
    if error.at == ("from",):
        span = state.from_span(path, kind)
    else:
        span = state.source_map.locate((*path, kind, *error.at))
    return make(error.code, message, span, error.hint)


def output(
    spec_output: str | None, rows: list[LayerInfo], walk_state: Walk
) -> tuple[str, list[Diagnostic]]:
    """The name of the output the head takes: ``model.output``, or the last item's.

    Called after a walk that ended without error, so there is a last item (or one input).
    """
    assert walk_state.last is not None
    if spec_output is None or spec_output in walk_state.outputs:
        return spec_output or walk_state.last, []
    known = [row.name for row in rows]
    return walk_state.last, [
        make(
            "DLS330",
            f"model.output names '{spec_output}', which is no layer of this model",
            walk_state.source_map.locate(("model", "output")),
            did_you_mean(spec_output, known) or "its layers: " + ", ".join(known),
        )
    ]


def unused(
    rows: list[LayerInfo],
    taken_by_head: str,
    source_map: SourceMap,
    inputs: dict[str, tuple[Any, ...]] | None = None,
) -> list[Diagnostic]:
    """DLS332: layers whose output no later item takes and the head does not either.

    ``inputs``: named inputs by where each stands in the YAML; one that nothing takes too.
    """
    taken = {taken_by_head} | {source for row in rows for source in row.inputs}
    layers = [
        make(
            "DLS332",
            f"the output of '{row.name}' goes nowhere: no layer takes it and the head takes "
            f"'{taken_by_head}', so the built model leaves it out",
            source_map.locate_key((*row.path, row.kind)),
            "take it with 'from', make it model.output, or remove the layer",
            warning=True,
        )
        for row in rows
        if row.name not in taken
    ]
    return layers + [
        make(
            "DLS332",
            f"the input '{name}' goes nowhere: no layer takes it, yet the data must give it",
            source_map.locate_key(path),
            "take it with 'from', or remove it from model.inputs",
            warning=True,
        )
        for name, path in (inputs or {}).items()
        if name not in taken
    ]


def _child(parent: Walk, block: str) -> Walk:
    """A walk for a block's body: names stay unique model-wide, the block reports shape errors.

    The body only runs after the block itself inferred without error, so the body's own shape
    errors cannot occur twice; a duplicate name inside it is reported like any other.
    """
    return Walk(parent.source_map, parent.data, parent.diagnostics, names=parent.names, block=block)
