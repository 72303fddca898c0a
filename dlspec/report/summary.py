"""``dlspec summary``: the statically inferred model as a rich table or JSON.

With ``--keras`` the table and the JSON also show what Keras reports for the built model
(``compare``), beside the static figures, and mark every row where the two differ. This module
stays on the light side: it reads a Keras model it is given and never imports Keras itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.table import Table

from dlspec.base import Shape, format_shape
from dlspec.check import Inference, LayerInfo
from dlspec.check.shapes import INPUT

if TYPE_CHECKING:
    import keras

Path = tuple[Any, ...]


def rows(inference: Inference) -> list[tuple[int, LayerInfo]]:
    """Every layer with its nesting depth, the head last."""

    def visit(items: list[LayerInfo], depth: int) -> list[tuple[int, LayerInfo]]:
        out: list[tuple[int, LayerInfo]] = []
        for item in items:
            out.append((depth, item))
            out.extend(visit(item.children, depth + 1))
        return out

    return visit(inference.layers, 0)


@dataclass(frozen=True)
class KerasLayer:
    """What Keras reports for one layer of the built model."""

    output_shape: Shape  # without the batch axis
    params: int


@dataclass(frozen=True)
class KerasView:
    """Keras's figures for every inferred row (keyed by the row's YAML path), and the total."""

    layers: dict[Path, KerasLayer]
    total_params: int
    static_total: int
    differing: list[str] = field(default_factory=list)  # names of rows where the two differ

    def get(self, row: LayerInfo) -> KerasLayer | None:
        """Keras's figures for a row, or None if the model has no layer for it."""
        return self.layers.get(row.path)

    def differs(self, row: LayerInfo) -> bool:
        """Whether Keras's output shape or parameter count for ``row`` differs from static."""
        found = self.get(row)
        return (
            found is None
            or found.output_shape != row.output_shape
            or (found.params != row.params.total)
        )

    @property
    def agrees(self) -> bool:
        """True when every row and the total agree."""
        return not self.differing and self.total_params == self.static_total


def _shape(tensor: Any) -> Shape:
    """One output's shape; a layer that also returns its state (an encoder) gives its output."""
    if isinstance(tensor, (list, tuple)):
        tensor = tensor[0]
    return tuple(tensor.shape[1:])


def _children(rows_: list[LayerInfo], layer: Any, inputs: Any, out: dict[Path, KerasLayer]) -> None:
    """Match a block's nested rows with its Keras sublayers, calling them symbolically in turn."""
    body = getattr(layer, "body", None)
    if not rows_ or body is None or len(body) != len(rows_):
        return
    x = inputs
    for row, sublayer in zip(rows_, body, strict=True):
        given = x
        x = sublayer(x)
        out[row.path] = KerasLayer(_shape(x), sublayer.count_params())
        _children(row.children, sublayer, given, out)


def compare(inference: Inference, model: keras.Model) -> KerasView:
    """Keras's output shapes and parameter counts for each inferred row, from the built model.

    Layers are matched by name (the head is ``"head"``); the rows nested in a ``residual`` are
    matched with its body's layers in order.
    """
    found: dict[Path, KerasLayer] = {}
    names = {layer.name for layer in model.layers}
    for row in inference.layers:
        if row.name not in names:
            continue
        layer = model.get_layer(row.name)
        found[row.path] = KerasLayer(_shape(layer.output), layer.count_params())
        _children(row.children, layer, layer.input, found)
    view = KerasView(found, model.count_params(), inference.params.total)
    view.differing.extend(row.name for _, row in rows(inference) if view.differs(row))
    return view


def to_json(inference: Inference, keras_view: KerasView | None = None) -> dict[str, Any]:
    """``{"layers": [{"name", "kind", "inputs", "output_shape", "params"}, ...], ...}``.

    ``inputs`` names the outputs a layer takes (``input``, or earlier layers by name). The
    top-level ``inputs`` gives each input's shape by name; ``input_shape`` the one input's of a
    model without named inputs (else null).

    With ``keras_view`` each layer also has ``"keras_output_shape"`` and ``"keras_params"``
    (null where the model has no such layer), and the whole ``"keras_total_params"``.
    """
    params = inference.params
    layers = []
    for row in inference.layers:
        item: dict[str, Any] = {
            "name": row.name,
            "kind": row.kind,
            "inputs": list(row.inputs),
            "output_shape": list(row.output_shape),
            "params": row.params.total,
        }
        if keras_view is not None:
            found = keras_view.get(row)
            item["keras_output_shape"] = list(found.output_shape) if found else None
            item["keras_params"] = found.params if found else None
        layers.append(item)
    out: dict[str, Any] = {
        "input_shape": list(inference.input_shape) if inference.input_shape else None,
        "inputs": {name: list(shape) for name, (shape, _) in (inference.inputs or {}).items()},
        "layers": layers,
        "total_params": params.total,
        "trainable_params": params.trainable,
        "non_trainable_params": params.non_trainable,
    }
    if keras_view is not None:
        out["keras_total_params"] = keras_view.total_params
        out["keras_differences"] = list(keras_view.differing)
    return out


def table(inference: Inference, title: str, keras_view: KerasView | None = None) -> Table:
    """Layer, kind, output shape and parameters, with totals in the footer.

    A graph (a layer with ``from``, or a ``model.output``) also shows what each layer takes;
    named inputs come first, one row each.

    With ``keras_view``, Keras's output shape and count follow the static ones, and a "keras"
    column says ``ok`` where they agree and ``DIFFERS`` where they do not.
    """
    params = inference.params
    out = Table(title=title, show_footer=True, title_justify="left")
    # Named inputs are rows of their own, as layers take them; the one input is in the footer.
    named = inference.inputs if inference.named and inference.inputs is not None else {}
    if inference.inputs is None:
        given = "input ?"
    elif named:
        given = f"{len(named)} input{'s' * (len(named) != 1)}"
    else:
        given = f"input {format_shape(inference.inputs[INPUT][0])}"
    # Names stay whole (their ends tell nested layers apart) and the kind column gives way;
    # beside Keras's columns there is no room for that, so names fold there.
    out.add_column("layer", footer="total", no_wrap=keras_view is None, overflow="fold")
    out.add_column("kind", footer=given, overflow="fold")
    graph = inference.graph  # a graph shows what each layer takes; a chain needs no column
    if graph:
        out.add_column("from", overflow="fold")
    out.add_column("output shape", no_wrap=keras_view is not None)
    out.add_column("params", justify="right", footer=f"{params.total:,}")
    if keras_view is not None:
        total_ok = keras_view.total_params == params.total
        out.add_column("keras shape", no_wrap=True)
        out.add_column("keras params", justify="right", footer=f"{keras_view.total_params:,}")
        out.add_column("keras", footer=_mark(total_ok))
    for name, (shape, _) in named.items():
        out.add_row(
            name,
            "input",
            *([""] if graph else []),
            format_shape(shape),
            "0",
            *(["", "", ""] if keras_view is not None else []),
        )
    for depth, row in rows(inference):
        prefix = "  " * depth + ("└ " if depth else "")
        cells = [
            prefix + row.name,
            row.kind,
            *([", ".join(row.inputs)] if graph else []),
            format_shape(row.output_shape),
            f"{row.params.total:,}",
        ]
        if keras_view is not None:
            found = keras_view.get(row)
            cells += [
                format_shape(found.output_shape) if found else "-",
                f"{found.params:,}" if found else "-",
                _mark(not keras_view.differs(row)),
            ]
        out.add_row(*cells)
    out.caption = f"trainable {params.trainable:,} · non-trainable {params.non_trainable:,}"
    if keras_view is not None:
        out.caption += (
            " · keras agrees on every layer"
            if keras_view.agrees
            else f" · keras differs: {', '.join(keras_view.differing) or 'total'}"
        )
    return out


def _mark(same: bool) -> str:
    """The agreement mark: words, not colour alone."""
    return "ok" if same else "DIFFERS"
