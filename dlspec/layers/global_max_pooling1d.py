"""The ``global_max_pooling1d`` layer kind: the maximum of each channel over a sequence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.layers.global_pooling import GlobalPoolingSpec

if TYPE_CHECKING:
    import keras


class GlobalMaxPooling1DSpec(GlobalPoolingSpec):
    """Keeps each channel's largest value over all steps of a sequence.

    Input shape ``(steps, channels)``; output ``(channels,)``, or
    ``(1, channels)`` with ``keepdims``. It has no weights.

    ```yaml
    - global_max_pooling1d
    - global_max_pooling1d: {keepdims: true}
    ```
    """

    RANK = 2
    kind: Literal["global_max_pooling1d"] = Field(description="Layer kind.")

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.GlobalMaxPooling1D``."""
        import keras

        return keras.layers.GlobalMaxPooling1D(keepdims=self.keepdims, name=name)
