"""The ``layer_normalization`` layer kind: per-example normalisation over the feature axis."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Params, Shape
from dlspec.layers.layer import LayerSpec, last_dim

if TYPE_CHECKING:
    import keras


class LayerNormalizationSpec(LayerSpec):
    """Normalises each example's features (the last axis) to zero mean and unit variance.

    Unlike ``batch_normalization`` it uses no batch statistics, so it behaves the same in
    training and inference (the usual choice in transformers). ``gamma`` (scale) and ``beta``
    (center) are learned. Input shape any with a known last axis ``(..., features)``; output
    shape equals the input shape.

    ```yaml
    - layer_normalization
    - layer_normalization: {epsilon: 1.0e-6}
    ```
    """

    kind: Literal["layer_normalization"] = Field(description="Layer kind.")
    epsilon: float = Field(
        default=1e-3, gt=0, description="Small value added to the variance before dividing."
    )
    center: bool = Field(default=True, description="Whether to learn an offset beta.")
    scale: bool = Field(default=True, description="Whether to learn a factor gamma.")

    def output_shape(self, shape: Shape) -> Shape:
        """Unchanged."""
        last_dim(shape, "layer_normalization")
        return shape

    def params(self, shape: Shape) -> Params:
        """Gamma and beta, ``features`` each (when ``scale`` and ``center`` are on)."""
        features = last_dim(shape, "layer_normalization")
        return Params((features if self.scale else 0) + (features if self.center else 0))

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.LayerNormalization`` on the last axis."""
        import keras

        return keras.layers.LayerNormalization(
            axis=-1, epsilon=self.epsilon, center=self.center, scale=self.scale, name=name
        )
