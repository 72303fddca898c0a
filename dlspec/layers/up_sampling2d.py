"""The ``up_sampling2d`` layer kind: an image's rows and columns repeated."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Shape
from dlspec.layers.layer import IntOrPair, LayerSpec, pair
from dlspec.layers.padding import times
from dlspec.layers.pooling import require_spatial

if TYPE_CHECKING:
    import keras


class UpSampling2DSpec(LayerSpec):
    """Repeats rows and columns ``size`` times (or ``[rows, columns]``): an image decoder's step.

    ``(h, w, c)`` -> ``(h * rows, w * columns, c)``; ``interpolation`` nearest (copies) or
    bilinear. No weights.

    ```yaml
    - up_sampling2d: 2           # 7x7 -> 14x14
    - up_sampling2d: {size: [2, 1], interpolation: bilinear}
    ```
    """

    MAIN = "size"
    kind: Literal["up_sampling2d"] = Field(description="Layer kind.")
    size: IntOrPair = Field(default=2, description="Repeats of each row and column.")
    interpolation: Literal["nearest", "bilinear"] = Field(
        default="nearest", description="nearest repeats values; bilinear blends them."
    )

    def output_shape(self, shape: Shape) -> Shape:
        """Height and width multiply; the channels stay."""
        require_spatial(shape, 3, "up_sampling2d")
        rows, columns = pair(self.size)
        return (times(shape[0], rows), times(shape[1], columns), shape[2])

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.UpSampling2D``."""
        import keras

        return keras.layers.UpSampling2D(
            size=pair(self.size), interpolation=self.interpolation, name=name
        )
