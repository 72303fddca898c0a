"""The ``zero_padding2d`` layer kind: rows and columns of zeros around an image."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from dlspec.base import Shape
from dlspec.layers.layer import LayerSpec
from dlspec.layers.padding import Count, Sides, grown, sides
from dlspec.layers.pooling import require_spatial

if TYPE_CHECKING:
    import keras


def _rows_columns(value: Any) -> tuple[tuple[int, int], ...]:
    """``1``, ``[rows, columns]`` or ``[[top, bottom], [left, right]]`` as Keras's pairs."""
    if isinstance(value, int):
        return ((value, value), (value, value))
    if all(isinstance(v, int) for v in value):
        rows, columns = value
        return ((rows, rows), (columns, columns))
    return tuple(sides(v) for v in value)


class ZeroPadding2DSpec(LayerSpec):
    """Adds zero rows and columns around an image: the explicit P of the course's formula.

    ``padding`` is one count for every side, ``[rows, columns]`` (each at both ends), or
    ``[[top, bottom], [left, right]]``. ``(h, w, c)`` -> ``(h + top + bottom, w + left + right,
    c)``. No weights.

    ```yaml
    - zero_padding2d: 1          # 28x28 -> 30x30
    - zero_padding2d: [[1, 0], [1, 0]]
    ```
    """

    MAIN = "padding"
    kind: Literal["zero_padding2d"] = Field(description="Layer kind.")
    padding: (
        Count
        | Annotated[list[Count], Field(min_length=2, max_length=2)]
        | Annotated[list[Sides], Field(min_length=2, max_length=2)]
    ) = Field(
        default=1,
        description="Zeros on every side, [rows, columns], or [[top, bottom], [left, right]].",
    )

    def output_shape(self, shape: Shape) -> Shape:
        """Height and width grow by the padding; the channels stay."""
        require_spatial(shape, 3, "zero_padding2d")
        (top, bottom), (left, right) = _rows_columns(self.padding)
        return (grown(shape[0], top + bottom), grown(shape[1], left + right), shape[2])

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.ZeroPadding2D``."""
        import keras

        return keras.layers.ZeroPadding2D(padding=_rows_columns(self.padding), name=name)
