"""Static shape and parameter inference through the body and the head the task appends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dlspec.base import Params, Shape, ShapeError
from dlspec.diagnostics import Diagnostic, make
from dlspec.layers import EmbeddingSpec, LayerSpec, ResidualSpec, kind_of
from dlspec.sources import DataInfo
from dlspec.spec.document import SourceMap

# Names dlspec gives the layers it adds around the spec's body.
RESERVED_NAMES = ("input", "head")


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


@dataclass
class Walk:
    """State carried down the layer list: names in use, diagnostics found."""

    source_map: SourceMap
    data: DataInfo
    diagnostics: list[Diagnostic] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    names: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    block: str | None = None  # the enclosing block's name, inside a residual body

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
    layers: list[LayerSpec], shape: Shape, dtype: str, walk_state: Walk, prefix: tuple[Any, ...]
) -> tuple[list[LayerInfo], Shape | None]:
    """Infer every layer in turn; stop at the first that cannot take its input.

    Returns the rows inferred and the final shape (None after an error).
    """
    rows: list[LayerInfo] = []
    for index, layer in enumerate(layers):
        path = (*prefix, index)
        kind = kind_of(type(layer))
        layer = resolve(layer, walk_state.data)
        name = walk_state.name(layer, path)
        try:
            if isinstance(layer, EmbeddingSpec) and dtype != "int32":
                raise ShapeError(
                    f"embedding needs integer token ids, got {dtype} input",
                    "give model.input 'dtype: int32' and put the embedding first",
                    code="DLS304",
                )
            params = layer.params(shape)
            out = layer.output_shape(shape)
        except ShapeError as error:
            where = f"layers[{index}] ({kind})"
            if error.message.startswith(f"{kind} ") and not error.at:
                message = where + error.message[len(kind) :]
            else:
                message = f"{where}: {error.message}"
            walk_state.diagnostics.append(
                make(
                    error.code,
                    message,
                    walk_state.source_map.locate((*path, kind, *error.at)),
                    error.hint,
                )
            )
            return rows, None
        children: list[LayerInfo] = []
        if isinstance(layer, ResidualSpec):
            body = _child(walk_state, name)
            children, _ = walk(layer.sublayers(), shape, dtype, body, (*path, kind, "layers"))
        rows.append(LayerInfo(name, kind, out, params, layer, path, children))
        shape, dtype = out, "float32"
    return rows, shape


def _child(parent: Walk, block: str) -> Walk:
    """A walk for a block's body: names stay unique model-wide, the block reports shape errors.

    The body only runs after the block itself inferred without error, so the body's own shape
    errors cannot occur twice; a duplicate name inside it is reported like any other.
    """
    return Walk(parent.source_map, parent.data, parent.diagnostics, names=parent.names, block=block)
