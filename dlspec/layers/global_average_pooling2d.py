"""The ``global_average_pooling2d`` layer kind: the mean of each channel over an image."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.layers.global_pooling import GlobalPoolingSpec

if TYPE_CHECKING:
    import keras


class GlobalAveragePooling2DSpec(GlobalPoolingSpec):
    """Averages each channel over all positions of an image (height and width).

    Input shape ``(height, width, channels)``; output ``(channels,)``, or
    ``(1, 1, channels)`` with ``keepdims``. It has no weights.

    ```yaml
    - global_average_pooling2d
    - global_average_pooling2d: {keepdims: true}
    ```
    """

    RANK = 3
    kind: Literal["global_average_pooling2d"] = Field(description="Layer kind.")

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.GlobalAveragePooling2D``."""
        import keras

        return keras.layers.GlobalAveragePooling2D(keepdims=self.keepdims, name=name)
