"""The ``repeat_vector`` layer kind: one vector repeated into a sequence (one-to-many)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Shape, ShapeError, format_shape
from dlspec.layers.layer import LayerSpec, PositiveInt

if TYPE_CHECKING:
    import keras


class RepeatVectorSpec(LayerSpec):
    """Repeats a vector ``n`` times into a sequence: an encoding fed to a decoder at every step.

    ``(features,)`` -> ``(n, features)``. No weights.

    ```yaml
    - lstm: 32                   # the encoding: (32,)
    - repeat_vector: 10          # (10, 32), one copy per output step
    - lstm: {units: 32, return_sequences: true}
    ```
    """

    MAIN = "n"
    kind: Literal["repeat_vector"] = Field(description="Layer kind.")
    n: PositiveInt = Field(description="How many steps the sequence has.")

    def output_shape(self, shape: Shape) -> Shape:
        """A step axis of ``n`` in front of the vector."""
        if len(shape) != 1:
            raise ShapeError(
                f"repeat_vector needs a rank-1 input (features,), got {format_shape(shape)}",
                "end the encoder with a vector: a recurrent layer without return_sequences, "
                "flatten or global pooling",
            )
        return (self.n, shape[0])

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.RepeatVector``."""
        import keras

        return keras.layers.RepeatVector(self.n, name=name)
