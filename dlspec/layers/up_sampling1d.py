"""The ``up_sampling1d`` layer kind: each step of a sequence repeated ``size`` times."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Shape
from dlspec.layers.layer import LayerSpec, PositiveInt
from dlspec.layers.padding import times
from dlspec.layers.pooling import require_spatial

if TYPE_CHECKING:
    import keras


class UpSampling1DSpec(LayerSpec):
    """Repeats each step ``size`` times: the decoder's way back up after pooling.

    ``(steps, channels)`` -> ``(steps * size, channels)``. No weights.

    ```yaml
    - up_sampling1d: 2
    ```
    """

    MAIN = "size"
    kind: Literal["up_sampling1d"] = Field(description="Layer kind.")
    size: PositiveInt = Field(default=2, description="How many times each step is repeated.")

    def output_shape(self, shape: Shape) -> Shape:
        """The steps multiply; the channels stay."""
        require_spatial(shape, 2, "up_sampling1d")
        return (times(shape[0], self.size), shape[1])

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.UpSampling1D``."""
        import keras

        return keras.layers.UpSampling1D(size=self.size, name=name)
