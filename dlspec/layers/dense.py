"""The ``dense`` layer kind: a fully connected layer, applied to the last axis."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Params, Shape, ShapeError, format_shape
from dlspec.layers.layer import Activation, LayerSpec, PositiveInt, last_dim
from dlspec.layers.regularizer import RegularizerSpec

if TYPE_CHECKING:
    import keras


class DenseSpec(LayerSpec):
    """A fully connected layer: ``activation(x @ kernel + bias)``.

    Input shape ``(features,)`` or ``(steps, features)``; output ``(units,)`` or
    ``(steps, units)``: on a sequence it applies the same weights at every position.

    ```yaml
    - dense: {units: 64, activation: relu}
    - dense: 10          # shorthand for units
    ```
    """

    MAIN = "units"
    kind: Literal["dense"] = Field(description="Layer kind.")
    units: PositiveInt = Field(description="Width of the output.")
    activation: Activation = Field(default="linear", description="Activation function.")
    use_bias: bool = Field(default=True, description="Whether the layer adds a bias vector.")
    kernel_regularizer: RegularizerSpec | None = Field(
        default=None, description="L1/L2 penalty on the kernel, e.g. {l2: 0.001}."
    )

    def output_shape(self, shape: Shape) -> Shape:
        """``(..., features)`` -> ``(..., units)`` for rank 1 or 2."""
        if len(shape) not in (1, 2):
            raise ShapeError(
                f"dense needs a rank-1 input (or rank-2 sequence), got {format_shape(shape)}",
                "add a 'flatten' or a global pooling layer before it",
            )
        last_dim(shape, "dense")
        return (*shape[:-1], self.units)

    def params(self, shape: Shape) -> Params:
        """``features * units`` weights plus ``units`` biases."""
        features = last_dim(shape, "dense")
        return Params(features * self.units + (self.units if self.use_bias else 0))

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.Dense``."""
        import keras

        return keras.layers.Dense(
            self.units,
            activation=self.activation,
            use_bias=self.use_bias,
            kernel_regularizer=self.kernel_regularizer.build() if self.kernel_regularizer else None,
            name=name,
        )
