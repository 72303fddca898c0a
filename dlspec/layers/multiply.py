"""The ``multiply`` layer kind: the element-wise product of two or more inputs (a gate)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Shape
from dlspec.layers.merge import MergeSpec, elementwise

if TYPE_CHECKING:
    import keras


class MultiplySpec(MergeSpec):
    """Multiplies its inputs element-wise: one branch gating another (a sigmoid gate).

    Inputs of one shape (a size of 1 stretches); output that shape. No weights.

    ```yaml
    - dense: {units: 16, activation: sigmoid, name: gate}
    - dense: {units: 16, name: values}
      from: input
    - multiply:
      from: [gate, values]
    ```
    """

    kind: Literal["multiply"] = Field(description="Layer kind.")

    def merged_shape(self, shapes: list[Shape]) -> Shape:
        """The common shape."""
        return elementwise("multiply", shapes)

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.Multiply``."""
        import keras

        return keras.layers.Multiply(name=name)
