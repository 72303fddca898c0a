"""The ``activation`` layer kind: an element-wise activation function as its own layer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Shape
from dlspec.layers.layer import Activation, LayerSpec

if TYPE_CHECKING:
    import keras


class ActivationSpec(LayerSpec):
    """Applies an activation function to every value, e.g. after a ``batch_normalization``.

    Any input shape; output shape equals the input shape. It has no weights.

    ```yaml
    - activation: relu
    - activation: {activation: softmax}
    ```
    """

    MAIN = "activation"
    kind: Literal["activation"] = Field(description="Layer kind.")
    activation: Activation = Field(description="Activation function.")

    def output_shape(self, shape: Shape) -> Shape:
        """Unchanged."""
        return shape

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.Activation``."""
        import keras

        return keras.layers.Activation(self.activation, name=name)
