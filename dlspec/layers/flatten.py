"""The ``flatten`` layer kind: one example's values laid out along a single axis."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Shape
from dlspec.layers.layer import LayerSpec, elements

if TYPE_CHECKING:
    import keras


class FlattenSpec(LayerSpec):
    """Lays out all values of one example along one axis (the batch axis is kept).

    Input shape any, e.g. ``(height, width, channels)``; output ``(height * width * channels,)``,
    or ``(None,)`` when a size is unknown. It has no weights.

    ```yaml
    - flatten
    ```
    """

    kind: Literal["flatten"] = Field(description="Layer kind.")

    def output_shape(self, shape: Shape) -> Shape:
        """``(d1, d2, ...)`` -> ``(d1 * d2 * ...,)``; a scalar becomes ``(1,)``, as in Keras."""
        return (elements(shape),)

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.Flatten``."""
        import keras

        return keras.layers.Flatten(name=name)
