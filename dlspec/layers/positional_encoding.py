"""The ``positional_encoding`` layer kind: adds each position's code to a sequence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from dlspec.base import Params, Shape, ShapeError
from dlspec.layers.layer import KerasLayer, LayerSpec, PositiveInt, keras_class
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
        """A ``dlspec>PositionalEncoding`` layer (``PositionalEncodingLayer``)."""
        return keras_layer()(mode=self.type, max_length=self.max_length, name=name)


def sinusoid(steps: Any, width: int) -> Any:
    """The sinusoidal position code, a float32 ``(steps, width)`` tensor.

    ``code[t, 2k] = sin(t / 10000^(2k/width))`` and ``code[t, 2k+1] = cos(t / 10000^(2k/width))``;
    an odd width ends on a sine column.
    """
    from keras import ops

    positions = ops.expand_dims(ops.cast(ops.arange(steps), "float32"), -1)
    dims = ops.arange(width)
    even = ops.cast(dims - ops.mod(dims, 2), "float32")
    angles = positions / ops.power(10000.0, even / float(width))
    return ops.where(ops.equal(ops.mod(dims, 2), 0), ops.sin(angles), ops.cos(angles))


class PositionalEncodingLayer(KerasLayer):
    """Adds a position code to each step of a sequence.

    ``mode="sinusoidal"`` adds the fixed sine/cosine code (no weights); ``mode="learned"`` adds
    the first ``steps`` rows of a trainable ``(max_length, width)`` table, where ``max_length``
    defaults to the sequence length the layer is built on.

    Input shape ``(batch, steps, width)``; output shape the same.
    """

    KERAS_NAME = "PositionalEncoding"

    def __init__(self, mode: str = "sinusoidal", max_length: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if mode not in ("sinusoidal", "learned"):
            raise ValueError(f"mode must be 'sinusoidal' or 'learned', got {mode!r}")
        self.mode = mode
        self.max_length = max_length
        self.supports_masking = True

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        """Check the sequence fits and, for ``learned``, create the table."""
        steps, width = input_shape[-2], input_shape[-1]
        if self.max_length is not None and steps is not None and steps > self.max_length:
            raise ValueError(
                f"{self.name}: sequences of {steps} steps exceed max_length {self.max_length}"
            )
        if self.mode == "learned":
            length = self.max_length if self.max_length is not None else steps
            if length is None:
                raise ValueError(
                    f"{self.name}: a learned encoding of unknown length needs max_length"
                )
            self.table = self.add_weight(
                shape=(length, width), initializer="uniform", name="table", trainable=True
            )

    def call(self, inputs: Any) -> Any:
        """``inputs + code[:steps]``."""
        from keras import ops

        steps, width = ops.shape(inputs)[-2], ops.shape(inputs)[-1]
        if self.mode == "learned":
            table = ops.convert_to_tensor(self.table)
            code = ops.slice(table, (0, 0), (steps, width))
        else:
            code = sinusoid(steps, width)
        return inputs + ops.cast(code, inputs.dtype)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        """Unchanged."""
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments, for saving."""
        return {**super().get_config(), "mode": self.mode, "max_length": self.max_length}


def keras_layer() -> type[keras.layers.Layer]:
    """The ``dlspec>PositionalEncoding`` Keras layer class."""
    return keras_class(PositionalEncodingLayer)
