"""The ``global_average_pooling1d`` layer kind: the mean of each channel over a sequence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.layers.global_pooling import GlobalPoolingSpec

if TYPE_CHECKING:
    import keras


class GlobalAveragePooling1DSpec(GlobalPoolingSpec):
    """Averages each channel over all steps of a sequence.

    Input shape ``(steps, channels)``; output ``(channels,)``, or
    ``(1, channels)`` with ``keepdims``. It has no weights.

    ```yaml
    - global_average_pooling1d
    - global_average_pooling1d: {keepdims: true}
    ```
    """

    RANK = 2
    kind: Literal["global_average_pooling1d"] = Field(description="Layer kind.")

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.GlobalAveragePooling1D``."""
        import keras

        return keras.layers.GlobalAveragePooling1D(keepdims=self.keepdims, name=name)
