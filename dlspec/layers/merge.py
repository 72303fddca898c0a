"""What the merge kinds share (``add``, ``multiply``, ``concatenate``): two or more inputs.

A merge takes the outputs its ``from:`` names and gives one; static inference calls
``merged_shape`` with their shapes instead of ``output_shape``. The element-wise rule is Keras's
own (``Merge._compute_elemwise_op_output_shape``): shapes align at their last axes, and a size
of 1 (or one known only at run time) stretches to the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from dlspec.base import Shape, ShapeError, format_shape
from dlspec.layers.layer import LayerSpec

if TYPE_CHECKING:
    import keras

HINT = "name two or more inputs: 'from: [dense_1, dense_2]'"


class MergeSpec(LayerSpec):
    """Base of the kinds that merge several inputs into one; it has no weights."""

    MERGES: ClassVar[bool] = True

    def output_shape(self, shape: Shape) -> Shape:
        """A merge of one input is a mistake: it is given its inputs by ``from``."""
        raise ShapeError(
            f"{self.kind} merges two or more inputs, and it takes one here",  # type: ignore[attr-defined]
            HINT,
            code="DLS331",
        )

    def merged_shape(self, shapes: list[Shape]) -> Shape:
        """The output shape of one example for inputs of ``shapes``.

        Raises:
            ShapeError: DLS331 when the shapes do not fit together.
        """
        raise NotImplementedError


def elementwise(kind: str, shapes: list[Shape]) -> Shape:
    """Keras's element-wise merge shape: sizes equal, or 1, or unknown, aligned at the end."""
    out = shapes[0]
    for shape in shapes[1:]:
        longer, shorter = (out, shape) if len(out) >= len(shape) else (shape, out)
        merged = list(longer[: len(longer) - len(shorter)])
        for a, b in zip(longer[len(longer) - len(shorter) :], shorter, strict=True):
            if a is None or b is None:
                merged.append(None)
            elif a == 1 or b == 1:
                merged.append(b if a == 1 else a)
            elif a != b:
                raise ShapeError(
                    f"{kind} needs inputs of one shape (or sizes of 1 that stretch), got "
                    + " and ".join(format_shape(s) for s in shapes),
                    "make the branches end at the same width, or use concatenate",
                    code="DLS331",
                )
            else:
                merged.append(a)
        out = tuple(merged)
    return out


class ElementwiseSpec(MergeSpec):
    """Base of ``add`` and ``multiply``: inputs of one shape, joined value by value.

    The Keras layer is ``keras.layers.<KERAS_CLASS>`` (``Add``, ``Multiply``).
    """

    KERAS_CLASS: ClassVar[str]

    def merged_shape(self, shapes: list[Shape]) -> Shape:
        """The common shape."""
        return elementwise(self.kind, shapes)  # type: ignore[attr-defined]

    def build(self, name: str) -> keras.layers.Layer:
        """The Keras merge layer of ``KERAS_CLASS``."""
        import keras

        layer: keras.layers.Layer = getattr(keras.layers, self.KERAS_CLASS)(name=name)
        return layer
