"""The ``reshape`` layer kind: the same values of one example, in a new shape."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, field_validator

from dlspec.base import Shape, ShapeError, format_shape
from dlspec.layers.layer import LayerSpec, PositiveInt, elements

if TYPE_CHECKING:
    import keras

# A target axis: a size, or -1 for the one axis whose size follows from the others.
TargetAxis = Annotated[PositiveInt | Literal[-1], Field(union_mode="left_to_right")]


class ReshapeSpec(LayerSpec):
    """Rearranges each example's values into ``target_shape`` (the batch axis is kept).

    Input shape any; output shape ``target_shape``, with a ``-1`` axis replaced by the size
    that keeps the number of values (``None`` when the input has an unknown size). It has no
    weights.

    ```yaml
    - reshape: [28, 28, 1]
    - reshape: {target_shape: [-1, 16]}
    ```
    """

    MAIN = "target_shape"
    kind: Literal["reshape"] = Field(description="Layer kind.")
    target_shape: list[TargetAxis] = Field(
        min_length=1,
        description="Output shape without the batch axis; one axis may be -1 (inferred).",
    )

    @field_validator("target_shape")
    @classmethod
    def _one_inferred_axis(cls, value: list[int]) -> list[int]:
        if value.count(-1) > 1:
            raise ValueError("at most one axis of target_shape may be -1")
        return value

    def output_shape(self, shape: Shape) -> Shape:
        """``target_shape`` with its ``-1`` axis resolved.

        Raises:
            ShapeError: the target cannot hold exactly the input's values (DLS316).
        """
        size = elements(shape)
        target = tuple(self.target_shape)
        if size is None:
            return tuple(None if d == -1 else d for d in target)
        known = math.prod(d for d in target if d != -1)
        if -1 not in target:
            if known != size:
                raise ShapeError(
                    f"reshape cannot turn {format_shape(shape)} ({size} values) into "
                    f"{format_shape(target)} ({known} values)",
                    f"give a target_shape whose sizes multiply to {size}, or make one axis -1",
                    code="DLS316",
                )
            return target
        if size % known != 0:
            raise ShapeError(
                f"reshape cannot turn {format_shape(shape)} ({size} values) into "
                f"{format_shape(target)}: {size} is not a multiple of {known}",
                f"give target_shape sizes (besides the -1) whose product divides {size}",
                code="DLS316",
            )
        return tuple(size // known if d == -1 else d for d in target)

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.Reshape``."""
        import keras

        return keras.layers.Reshape(tuple(self.target_shape), name=name)
