"""The ``max_pooling2d`` layer kind: the maximum of each window of an image."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.layers.layer import pair
from dlspec.layers.pooling import Pooling2DSpec

if TYPE_CHECKING:
    import keras


class MaxPooling2DSpec(Pooling2DSpec):
    """Keeps the largest value of each ``pool_size`` window, per channel.

    Input shape ``(height, width, channels)``; output ``(new_height, new_width, channels)``,
    where each side becomes ``floor((side - pool_size) / strides) + 1`` (``valid``) or
    ``ceil(side / strides)`` (``same``). It has no weights.

    ```yaml
    - max_pooling2d: 2
    - max_pooling2d: {pool_size: [3, 3], strides: 2, padding: same}
    ```
    """

    kind: Literal["max_pooling2d"] = Field(description="Layer kind.")

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.MaxPooling2D``."""
        import keras

        return keras.layers.MaxPooling2D(
            pool_size=pair(self.pool_size),
            strides=self._strides(),
            padding=self.padding,
            name=name,
        )
