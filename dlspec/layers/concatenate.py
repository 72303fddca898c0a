"""The ``concatenate`` layer kind: two or more inputs joined along one axis."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Shape, ShapeError, format_shape
from dlspec.layers.merge import MergeSpec

if TYPE_CHECKING:
    import keras


class ConcatenateSpec(MergeSpec):
    """Joins its inputs along ``axis`` (the last by default): wide-and-deep, Inception branches.

    Inputs of one rank whose sizes agree on every other axis; output the same, with the joined
    axis the sum of theirs. No weights.

    ```yaml
    - concatenate:
      from: [dense_1, dense_2]
    ```
    """

    MAIN = "axis"
    kind: Literal["concatenate"] = Field(description="Layer kind.")
    axis: int = Field(
        default=-1,
        ge=-(2**31 - 1),
        le=2**31 - 1,
        description="The axis joined, as Keras counts it: -1 the last, 1 the first after the "
        "batch axis (0, the batch, cannot be joined).",
    )

    def merged_shape(self, shapes: list[Shape]) -> Shape:
        """Every axis shared; the joined one summed (unknown if any of them is)."""
        rank = len(shapes[0])
        shown = " and ".join(format_shape(s) for s in shapes)
        if any(len(s) != rank for s in shapes):
            raise ShapeError(
                f"concatenate needs inputs of one rank, got {shown}",
                "flatten or reshape the branches to one rank first",
                code="DLS331",
            )
        if self.axis == 0 or not -rank <= (self.axis - 1 if self.axis > 0 else self.axis) < rank:
            raise ShapeError(
                f"concatenate cannot join axis {self.axis} of inputs {shown}: axis 0 is the "
                f"batch, and one example has {rank}",
                "join the last axis (-1, the default)",
                code="DLS331",
                at=("axis",),
            )
        joined = (self.axis - 1) if self.axis > 0 else rank + self.axis
        out: list[int | None] = []
        for index in range(rank):
            sizes = [s[index] for s in shapes]
            if index == joined:
                out.append(None if None in sizes else sum(sizes))  # type: ignore[arg-type]
                continue
            known = {size for size in sizes if size is not None}
            if len(known) > 1:
                raise ShapeError(
                    f"concatenate joins axis {self.axis}, so the inputs must agree on the "
                    f"others, got {shown}",
                    "make the branches agree on every axis but the joined one",
                    code="DLS331",
                )
            out.append(sizes[0])  # as Keras reports it: the first input's size
        return tuple(out)

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.Concatenate``."""
        import keras

        return keras.layers.Concatenate(axis=self.axis, name=name)
