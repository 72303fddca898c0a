"""The ``zero_padding1d`` layer kind: zeros added before and after a sequence's steps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Shape
from dlspec.layers.layer import LayerSpec
from dlspec.layers.padding import Sides, grown, sides
from dlspec.layers.pooling import require_spatial

if TYPE_CHECKING:
    import keras


class ZeroPadding1DSpec(LayerSpec):
    """Adds ``padding`` zero steps at each end of a sequence (or [before, after]).

    The explicit P of out = floor((2P + in - K) / S) + 1, before a ``valid`` convolution.
    ``(steps, channels)`` -> ``(steps + before + after, channels)``. No weights.

    ```yaml
    - zero_padding1d: 2
    - zero_padding1d: [1, 0]     # one step before, none after
    ```
    """

    MAIN = "padding"
    kind: Literal["zero_padding1d"] = Field(description="Layer kind.")
    padding: Sides = Field(default=1, description="Zero steps at each end, or [before, after].")

    def output_shape(self, shape: Shape) -> Shape:
        """The steps grow by the padding; the channels stay."""
        require_spatial(shape, 2, "zero_padding1d")
        before, after = sides(self.padding)
        return (grown(shape[0], before + after), shape[1])

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.ZeroPadding1D``."""
        import keras

        return keras.layers.ZeroPadding1D(padding=sides(self.padding), name=name)
