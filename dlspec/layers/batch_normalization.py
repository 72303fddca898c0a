"""The ``batch_normalization`` layer kind: per-feature normalisation with batch statistics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Params, Shape
from dlspec.layers.layer import LayerSpec, last_dim

if TYPE_CHECKING:
    import keras


class BatchNormalizationSpec(LayerSpec):
    """Normalises each feature (the last axis) to zero mean and unit variance.

    While training it uses the batch's mean and variance and updates moving averages of
    them; at inference it uses the moving averages. ``gamma`` (scale) and ``beta`` (center)
    are learned. Input shape any with a known last axis ``(..., features)``; output shape
    equals the input shape.

    ```yaml
    - batch_normalization
    - batch_normalization: {momentum: 0.9}
    ```
    """

    kind: Literal["batch_normalization"] = Field(description="Layer kind.")
    momentum: float = Field(
        default=0.99, ge=0, le=1, description="Momentum of the moving mean and variance."
    )
    epsilon: float = Field(
        default=1e-3, gt=0, description="Small value added to the variance before dividing."
    )
    center: bool = Field(default=True, description="Whether to learn an offset beta.")
    scale: bool = Field(default=True, description="Whether to learn a factor gamma.")

    def output_shape(self, shape: Shape) -> Shape:
        """Unchanged."""
        last_dim(shape, "batch_normalization")
        return shape

    def params(self, shape: Shape) -> Params:
        """Trainable gamma and beta (``features`` each); non-trainable moving mean and variance."""
        features = last_dim(shape, "batch_normalization")
        learned = (features if self.scale else 0) + (features if self.center else 0)
        return Params(learned, 2 * features)

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.BatchNormalization`` on the last axis."""
        import keras

        return keras.layers.BatchNormalization(
            axis=-1,
            momentum=self.momentum,
            epsilon=self.epsilon,
            center=self.center,
            scale=self.scale,
            name=name,
        )
