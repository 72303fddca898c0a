"""The ``time_distributed`` layer kind: one layer applied to every step of a sequence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Params, Shape, ShapeError, format_shape
from dlspec.layers.layer import LayerSpec

if TYPE_CHECKING:
    import keras

    from dlspec.layers import LayerItem


class TimeDistributedSpec(LayerSpec):
    """Applies the wrapped layer to each step on its own, with one set of weights for all.

    Input ``(steps, *step_shape)``; output ``(steps, *wrapped output)``: a ``dense`` per frame
    (a label per time step), a ``conv2d`` per video frame. The weights are the wrapped layer's.

    ```yaml
    - time_distributed: {dense: 8}
    - time_distributed: {layer: {conv2d: {filters: 8, kernel_size: 3}}}
    ```
    """

    MAIN = "layer"
    kind: Literal["time_distributed"] = Field(description="Layer kind.")
    layer: LayerItem = Field(description="The layer applied to every step: one layer item.")

    def sublayers(self) -> list[LayerSpec]:
        """The wrapped layer."""
        return [self.layer]

    def _step(self, shape: Shape) -> Shape:
        """One step's shape; raises ShapeError for an input without a step axis or a merge."""
        if len(shape) < 2:
            raise ShapeError(
                f"time_distributed needs a sequence (steps, ...), got {format_shape(shape)}",
                "give it a sequence: return_sequences: true, or a (steps, features) input",
            )
        if self.layer.MERGES or self.layer.PAIRED:
            raise ShapeError(
                f"time_distributed cannot wrap {self.layer.kind}, which takes several inputs",  # type: ignore[attr-defined]
                "wrap a one-input kind such as dense",
                code="DLS331",
                at=("layer",),
            )
        return shape[1:]

    def output_shape(self, shape: Shape) -> Shape:
        """The steps, then the wrapped layer's output for one step."""
        step = self._step(shape)
        try:
            return (shape[0], *self.layer.output_shape(step))
        except ShapeError as error:
            raise error.within("layer") from None

    def params(self, shape: Shape) -> Params:
        """The wrapped layer's parameters: one set, shared by every step."""
        step = self._step(shape)
        try:
            return self.layer.params(step)
        except ShapeError as error:
            raise error.within("layer") from None

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.TimeDistributed`` around the wrapped layer's Keras layer."""
        import keras

        inner = self.layer.build(self.layer.name or f"{name}_{self.layer.kind}")  # type: ignore[attr-defined]
        return keras.layers.TimeDistributed(inner, name=name)
