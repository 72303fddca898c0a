"""The ``positional_encoding`` layer kind: adds each position's code to a sequence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Params, Shape, ShapeError
from dlspec.layers.layer import LayerSpec, PositiveInt
from dlspec.layers.multi_head_attention import sequence_width

if TYPE_CHECKING:
    import keras


class PositionalEncodingSpec(LayerSpec):
    """Adds a position code to every step of a sequence, so attention can tell steps apart.

    ``sinusoidal`` adds the fixed code of "Attention Is All You Need",
    ``PE[t, 2k] = sin(t / 10000^(2k/d))`` and ``PE[t, 2k+1] = cos(t / 10000^(2k/d))`` for a
    width ``d`` (an odd width simply ends on a sine column); it has no weights. ``learned``
    adds a row of a trainable ``max_length x width`` table. Input shape ``(steps, width)``;
    output shape the same.

    ```yaml
    - positional_encoding: sinusoidal
    - positional_encoding: {type: learned, max_length: 512}
    ```
    """

    MAIN = "type"
    kind: Literal["positional_encoding"] = Field(description="Layer kind.")
    type: Literal["sinusoidal", "learned"] = Field(
        default="sinusoidal",
        description="Fixed sine/cosine code (no weights) or a trainable table of position rows.",
    )
    max_length: PositiveInt | None = Field(
        default=None,
        description="Longest sequence the encoding takes; by default the input's sequence length.",
    )

    def _length(self, shape: Shape) -> int | None:
        """The encoding's length for this input: max_length, else the input's steps."""
        sequence_width(shape, "positional_encoding")
        steps = shape[0]
        if self.max_length is not None and steps is not None and steps > self.max_length:
            raise ShapeError(
                f"positional_encoding has max_length {self.max_length}, "
                f"but the sequence has {steps} steps",
                f"set max_length to at least {steps}, or shorten the input sequences",
                code="DLS318",
            )
        if self.type == "learned" and self.max_length is None and steps is None:
            raise ShapeError(
                "a learned positional_encoding needs a max_length when the sequence length "
                "is unknown (None)",
                "set max_length, or give model.input a fixed sequence length",
                code="DLS318",
            )
        return self.max_length if self.max_length is not None else steps

    def output_shape(self, shape: Shape) -> Shape:
        """Unchanged: ``(steps, width)`` -> ``(steps, width)``."""
        self._length(shape)
        return shape

    def params(self, shape: Shape) -> Params:
        """``max_length * width`` for ``learned`` (max_length defaulting to steps), else 0."""
        length = self._length(shape)
        if self.type == "sinusoidal":
            return Params()
        return Params(length * sequence_width(shape, "positional_encoding"))  # type: ignore[operator]

    def build(self, name: str) -> keras.layers.Layer:
        """A ``dlspec.build.blocks.PositionalEncoding`` layer."""
        from dlspec.build.blocks import PositionalEncoding

        return PositionalEncoding(mode=self.type, max_length=self.max_length, name=name)
