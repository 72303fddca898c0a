"""The ``add`` layer kind: the element-wise sum of two or more inputs (a skip connection)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Shape
from dlspec.layers.merge import MergeSpec, elementwise

if TYPE_CHECKING:
    import keras


class AddSpec(MergeSpec):
    """Sums its inputs element-wise: the join of a skip connection, ``y = x + f(x)``.

    Inputs of one shape (a size of 1 stretches); output that shape. No weights.

    ```yaml
    - dense: {units: 16, name: a}
    - dense: {units: 16, name: b}
      from: input
    - add:
      from: [a, b]
    ```
    """

    kind: Literal["add"] = Field(description="Layer kind.")

    def merged_shape(self, shapes: list[Shape]) -> Shape:
        """The common shape."""
        return elementwise("add", shapes)

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.Add``."""
        import keras

        return keras.layers.Add(name=name)
