"""The ``max_pooling1d`` layer kind: the maximum of each window along a sequence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.layers.pooling import Pooling1DSpec

if TYPE_CHECKING:
    import keras


class MaxPooling1DSpec(Pooling1DSpec):
    """Keeps the largest value of each window of ``pool_size`` steps, per channel.

    Input shape ``(steps, channels)``; output ``(new_steps, channels)``, where ``new_steps`` is
    ``floor((steps - pool_size) / strides) + 1`` (``valid``) or ``ceil(steps / strides)``
    (``same``). It has no weights.

    ```yaml
    - max_pooling1d: 2
    - max_pooling1d: {pool_size: 3, strides: 1, padding: same}
    ```
    """

    kind: Literal["max_pooling1d"] = Field(description="Layer kind.")

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.MaxPooling1D``."""
        import keras

        return keras.layers.MaxPooling1D(
            pool_size=self.pool_size,
            strides=self.strides or self.pool_size,
            padding=self.padding,
            name=name,
        )
