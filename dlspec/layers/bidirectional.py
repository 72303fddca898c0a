"""The ``bidirectional`` layer kind: a recurrent layer run forwards and backwards."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Params, Shape, ShapeError
from dlspec.layers.layer import LayerSpec

if TYPE_CHECKING:
    import keras

    from dlspec.layers import RecurrentItem


class BidirectionalSpec(LayerSpec):
    """Runs a copy of a recurrent layer over the reversed sequence too, and merges both outputs.

    Input shape ``(steps, features)``; output the wrapped layer's, ``(units,)`` or
    ``(steps, units)``, with ``2 * units`` in place of ``units`` when ``merge_mode`` is
    ``concat``. It has twice the wrapped layer's weights.

    ```yaml
    - bidirectional: {layer: {lstm: 64}}
    - bidirectional:
        layer: {gru: {units: 32, return_sequences: true}}
        merge_mode: sum
    ```
    """

    MAIN = "layer"
    kind: Literal["bidirectional"] = Field(description="Layer kind.")
    layer: RecurrentItem = Field(
        description="The recurrent layer to wrap: a simple_rnn, gru or lstm item."
    )
    merge_mode: Literal["concat", "sum", "mul", "ave"] = Field(
        default="concat",
        description="How to merge the forward and backward outputs: concatenate them along "
        "the last axis, or add, multiply or average them.",
    )

    def sublayers(self) -> list[LayerSpec]:
        """The wrapped recurrent layer."""
        return [self.layer]

    def _check_layer(self) -> None:
        """Raise ShapeError, located at ``layer``, for a wrapped layer Keras cannot wrap."""
        if self.layer.go_backwards:
            # Keras builds the backward copy with go_backwards on, and rejects two equal copies.
            raise ShapeError(
                f"bidirectional already reads the sequence backwards, so its {self.layer.kind} "
                "cannot set go_backwards",
                "remove go_backwards from the wrapped layer",
                code="DLS325",
                at=("layer",),
            )

    def output_shape(self, shape: Shape) -> Shape:
        """The wrapped layer's output shape, its last axis doubled by ``concat``.

        Raises:
            ShapeError: the wrapped layer cannot take the input or sets go_backwards, located
                at ``layer``.
        """
        self._check_layer()
        try:
            inner = self.layer.output_shape(shape)
        except ShapeError as error:
            raise error.within("layer") from None
        if self.merge_mode != "concat":
            return inner
        return (*inner[:-1], 2 * inner[-1])  # type: ignore[operator]

    def params(self, shape: Shape) -> Params:
        """Twice the wrapped layer's parameters (a forward and a backward copy)."""
        self._check_layer()
        try:
            return self.layer.params(shape) * 2
        except ShapeError as error:
            raise error.within("layer") from None

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.Bidirectional`` around the wrapped layer's Keras layer."""
        import keras

        inner = self.layer.build(self.layer.name or f"{name}_{self.layer.kind}")
        return keras.layers.Bidirectional(inner, merge_mode=self.merge_mode, name=name)
