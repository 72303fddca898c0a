"""The ``conv1d_transpose`` layer kind: a learned up-sampling of sequences."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Params, Shape
from dlspec.layers.layer import Activation, LayerSpec, Padding, PositiveInt, last_dim
from dlspec.layers.pooling import require_spatial
from dlspec.layers.regularizer import RegularizerSpec
from dlspec.layers.transpose import transposed

if TYPE_CHECKING:
    import keras


class Conv1DTransposeSpec(LayerSpec):
    """A 1-D convolution run backwards: each step spreads a learned window over the output.

    ``(steps, channels)`` -> ``(new_steps, filters)``: ``steps * strides + max(kernel -
    strides, 0)`` (``valid``) or ``steps * strides`` (``same``).

    ```yaml
    - conv1d_transpose: {filters: 8, kernel_size: 3, strides: 2, padding: same}
    ```
    """

    MAIN = "filters"
    kind: Literal["conv1d_transpose"] = Field(description="Layer kind.")
    filters: PositiveInt = Field(description="Number of output channels.")
    kernel_size: PositiveInt = Field(description="Window length in steps.")
    strides: PositiveInt = Field(default=1, description="Growth factor of the steps.")
    padding: Padding = Field(
        default="valid", description="same: steps times strides; valid: a kernel's more."
    )
    activation: Activation = Field(default="linear", description="Activation function.")
    use_bias: bool = Field(default=True, description="Whether the layer adds a bias vector.")
    kernel_regularizer: RegularizerSpec | None = Field(
        default=None, description="L1/L2 penalty on the kernel, e.g. {l2: 0.001}."
    )

    def output_shape(self, shape: Shape) -> Shape:
        """``(steps, c)`` -> ``(steps', filters)`` by the transposed size rule."""
        require_spatial(shape, 2, "conv1d_transpose")
        return (transposed(shape[0], self.kernel_size, self.strides, self.padding), self.filters)

    def params(self, shape: Shape) -> Params:
        """``kernel_size * channels * filters`` weights plus ``filters`` biases."""
        require_spatial(shape, 2, "conv1d_transpose")
        channels = last_dim(shape, "conv1d_transpose")
        bias = self.filters if self.use_bias else 0
        return Params(self.kernel_size * channels * self.filters + bias)

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.Conv1DTranspose``."""
        import keras

        return keras.layers.Conv1DTranspose(
            self.filters,
            self.kernel_size,
            strides=self.strides,
            padding=self.padding,
            activation=self.activation,
            use_bias=self.use_bias,
            kernel_regularizer=self.kernel_regularizer.build() if self.kernel_regularizer else None,
            name=name,
        )
