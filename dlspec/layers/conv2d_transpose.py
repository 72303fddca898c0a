"""The ``conv2d_transpose`` layer kind: a learned up-sampling of images (a decoder's step)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Params, Shape
from dlspec.layers.layer import (
    Activation,
    IntOrPair,
    LayerSpec,
    Padding,
    PositiveInt,
    last_dim,
    pair,
)
from dlspec.layers.pooling import require_spatial
from dlspec.layers.regularizer import RegularizerSpec
from dlspec.layers.transpose import transposed

if TYPE_CHECKING:
    import keras


class Conv2DTransposeSpec(LayerSpec):
    """A convolution run backwards: each input pixel spreads a learned window over the output.

    ``(height, width, channels)`` -> ``(new_height, new_width, filters)``, each side becoming
    ``side * strides + max(kernel - strides, 0)`` (``valid``) or ``side * strides`` (``same``):
    ``strides: 2`` doubles an image, undoing a strided convolution in an autoencoder.

    ```yaml
    - conv2d_transpose: {filters: 16, kernel_size: 3, strides: 2, padding: same}
    ```
    """

    MAIN = "filters"
    kind: Literal["conv2d_transpose"] = Field(description="Layer kind.")
    filters: PositiveInt = Field(description="Number of output channels.")
    kernel_size: IntOrPair = Field(description="Window size: an int or [height, width].")
    strides: IntOrPair = Field(default=1, description="Growth factor of each side: int or pair.")
    padding: Padding = Field(
        default="valid", description="same: each side times strides; valid: a kernel's more."
    )
    activation: Activation = Field(default="linear", description="Activation function.")
    use_bias: bool = Field(default=True, description="Whether the layer adds a bias vector.")
    kernel_regularizer: RegularizerSpec | None = Field(
        default=None, description="L1/L2 penalty on the kernel, e.g. {l2: 0.001}."
    )

    def output_shape(self, shape: Shape) -> Shape:
        """``(h, w, c)`` -> ``(h', w', filters)`` by the transposed size rule."""
        require_spatial(shape, 3, "conv2d_transpose")
        kernel, strides = pair(self.kernel_size), pair(self.strides)
        sides = (
            transposed(size, k, s, self.padding)
            for size, k, s in zip(shape[:2], kernel, strides, strict=True)
        )
        return (*sides, self.filters)

    def params(self, shape: Shape) -> Params:
        """``kernel_height * kernel_width * channels * filters`` weights plus ``filters`` biases."""
        require_spatial(shape, 3, "conv2d_transpose")
        channels = last_dim(shape, "conv2d_transpose")
        height, width = pair(self.kernel_size)
        bias = self.filters if self.use_bias else 0
        return Params(height * width * channels * self.filters + bias)

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.Conv2DTranspose``."""
        import keras

        return keras.layers.Conv2DTranspose(
            self.filters,
            pair(self.kernel_size),
            strides=pair(self.strides),
            padding=self.padding,
            activation=self.activation,
            use_bias=self.use_bias,
            kernel_regularizer=self.kernel_regularizer.build() if self.kernel_regularizer else None,
            name=name,
        )
