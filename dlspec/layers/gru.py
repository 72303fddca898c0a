"""The ``gru`` layer kind: a gated recurrent unit layer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Params, Shape
from dlspec.layers.layer import Activation
from dlspec.layers.recurrent import RecurrentSpec

if TYPE_CHECKING:
    import keras


class GRUSpec(RecurrentSpec):
    """A gated recurrent unit: update and reset gates decide how much state to carry over.

    It uses Keras's default ``reset_after=True`` (the cuDNN-compatible variant, with separate
    input and recurrent biases). Input shape ``(steps, features)``; output ``(units,)``, or
    ``(steps, units)`` with ``return_sequences``.

    ```yaml
    - gru: 64
    - gru: {units: 64, return_sequences: true, recurrent_dropout: 0.1}
    ```
    """

    kind: Literal["gru"] = Field(description="Layer kind.")
    recurrent_activation: Activation = Field(
        default="sigmoid", description="Activation of the gates."
    )

    def params(self, shape: Shape) -> Params:
        """Three blocks (2 gates and the candidate) of ``features * units + units * units``.

        Plus ``6 * units`` biases (an input and a recurrent bias per block) with ``use_bias``.
        """
        features = self._features(shape)
        units = self.units
        bias = 6 * units if self.use_bias else 0
        return Params(3 * (features * units + units * units) + bias)

    def build(self, name: str, return_state: bool = False) -> keras.layers.Layer:
        """A ``keras.layers.GRU``; see ``RecurrentSpec.build``."""
        import keras

        return keras.layers.GRU(
            **self._keras_args(),
            recurrent_activation=self.recurrent_activation,
            return_state=return_state,
            name=name,
        )
