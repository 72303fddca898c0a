"""Shared base of the recurrent kinds (``simple_rnn``, ``gru``, ``lstm``): one step at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from dlspec.base import Shape, ShapeError, format_shape
from dlspec.layers.layer import Activation, LayerSpec, PositiveInt, Rate, last_dim
from dlspec.layers.regularizer import RegularizerSpec

if TYPE_CHECKING:
    import keras


class RecurrentSpec(LayerSpec):
    """Base of the recurrent kinds: reads a sequence step by step, carrying a state of ``units``.

    Input shape ``(steps, features)``; output ``(units,)`` (the last step's output), or
    ``(steps, units)`` with ``return_sequences``.
    """

    MAIN = "units"
    kind: str = Field(description="Layer kind.")
    units: PositiveInt = Field(description="Width of the state and of the output.")
    activation: Activation = Field(default="tanh", description="Activation of the output.")
    use_bias: bool = Field(default=True, description="Whether the layer adds bias vectors.")
    return_sequences: bool = Field(
        default=False, description="Output every step's output, not only the last one."
    )
    go_backwards: bool = Field(
        default=False, description="Read the sequence from its end and return it reversed."
    )
    dropout: Rate = Field(default=0.0, description="Fraction of the inputs to drop, in [0, 1).")
    recurrent_dropout: Rate = Field(
        default=0.0, description="Fraction of the carried state to drop, in [0, 1)."
    )
    kernel_regularizer: RegularizerSpec | None = Field(
        default=None, description="L1/L2 penalty on the input kernel, e.g. {l2: 0.001}."
    )

    def _features(self, shape: Shape) -> int:
        """The input's feature width; raises ShapeError unless the input is a sequence."""
        if len(shape) != 2:
            raise ShapeError(
                f"{self.kind} needs a rank-2 input (steps, features), got {format_shape(shape)}",
                "a recurrent layer reads (steps, features) sequences: "
                "add an 'embedding' or a 'reshape' before it",
            )
        return last_dim(shape, self.kind)

    def output_shape(self, shape: Shape) -> Shape:
        """``(steps, features)`` -> ``(units,)``, or ``(steps, units)`` with return_sequences.

        Raises:
            ShapeError: the input is not rank 2 or its features are unknown.
        """
        self._features(shape)
        if self.return_sequences:
            return (shape[0], self.units)
        return (self.units,)

    def build(self, name: str, return_state: bool = False) -> keras.layers.Layer:
        """The Keras layer; with ``return_state`` it also returns its final state.

        An encoder returns its state for a decoder to start from (``from: [x, encoder]``).
        """
        raise NotImplementedError(self.kind)

    def _keras_args(self) -> dict[str, Any]:
        """The Keras constructor arguments every recurrent kind shares."""
        return {
            "units": self.units,
            "activation": self.activation,
            "use_bias": self.use_bias,
            "return_sequences": self.return_sequences,
            "go_backwards": self.go_backwards,
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "kernel_regularizer": (
                self.kernel_regularizer.build() if self.kernel_regularizer else None
            ),
        }
