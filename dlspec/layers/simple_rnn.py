"""The ``simple_rnn`` layer kind: a fully connected recurrent layer (Elman network)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Params, Shape
from dlspec.layers.recurrent import RecurrentSpec

if TYPE_CHECKING:
    import keras


class SimpleRNNSpec(RecurrentSpec):
    """A plain recurrent layer: ``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent + bias)``.

    Input shape ``(steps, features)``; output ``(units,)``, or ``(steps, units)`` with
    ``return_sequences``.

    ```yaml
    - simple_rnn: 32
    - simple_rnn: {units: 32, return_sequences: true}
    ```
    """

    kind: Literal["simple_rnn"] = Field(description="Layer kind.")

    def params(self, shape: Shape) -> Params:
        """``features * units`` + ``units * units`` weights plus ``units`` biases."""
        features = self._features(shape)
        units = self.units
        return Params(features * units + units * units + (units if self.use_bias else 0))

    def build(self, name: str, return_state: bool = False) -> keras.layers.Layer:
        """A ``keras.layers.SimpleRNN``; see ``RecurrentSpec.build``."""
        import keras

        return keras.layers.SimpleRNN(**self._keras_args(), return_state=return_state, name=name)
