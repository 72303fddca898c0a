"""The ``dropout`` layer kind: random zeroing of inputs while training."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Seed, Shape
from dlspec.layers.layer import LayerSpec, Rate

if TYPE_CHECKING:
    import keras


class DropoutSpec(LayerSpec):
    """Sets a fraction ``rate`` of inputs to 0 while training, scaling the rest by 1/(1-rate).

    Any input shape; output shape equals the input shape.

    ```yaml
    - dropout: 0.5
    ```
    """

    MAIN = "rate"
    kind: Literal["dropout"] = Field(description="Layer kind.")
    rate: Rate = Field(description="Fraction of inputs to drop, in [0, 1).")
    seed: Seed | None = Field(default=None, description="Seed of the dropout mask.")

    def output_shape(self, shape: Shape) -> Shape:
        """Unchanged."""
        return shape

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.Dropout``."""
        import keras

        return keras.layers.Dropout(self.rate, seed=self.seed, name=name)
