"""The ``lstm`` layer kind: a long short-term memory recurrent layer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Params, Shape
from dlspec.layers.layer import Activation
from dlspec.layers.recurrent import RecurrentSpec

if TYPE_CHECKING:
    import keras


class LSTMSpec(RecurrentSpec):
    """A long short-term memory layer: input, forget and output gates guard a cell state.

    Input shape ``(steps, features)``; output ``(units,)``, or ``(steps, units)`` with
    ``return_sequences``.

    ```yaml
    - lstm: 64
    - lstm: {units: 64, return_sequences: true, dropout: 0.2}
    ```
    """

    kind: Literal["lstm"] = Field(description="Layer kind.")
    recurrent_activation: Activation = Field(
        default="sigmoid", description="Activation of the gates."
    )

    def params(self, shape: Shape) -> Params:
        """Four blocks (3 gates and the candidate) of ``features * units + units * units + units``.

        Without ``use_bias`` the ``4 * units`` biases are left out.
        """
        features = self._features(shape)
        units = self.units
        return Params(4 * (features * units + units * units + (units if self.use_bias else 0)))

    def build(self, name: str, return_state: bool = False) -> keras.layers.Layer:
        """A ``keras.layers.LSTM``; see ``RecurrentSpec.build``."""
        import keras

        return keras.layers.LSTM(
            **self._keras_args(),
            recurrent_activation=self.recurrent_activation,
            return_state=return_state,
            name=name,
        )
