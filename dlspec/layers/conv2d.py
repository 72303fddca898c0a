"""The ``conv2d`` layer kind: a 2-D convolution over images, channels last."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Params, Shape, ShapeError
from dlspec.layers.layer import (
    Activation,
    IntOrPair,
    LayerSpec,
    Padding,
    PositiveInt,
    last_dim,
    pair,
)
from dlspec.layers.pooling import require_spatial, show, window_output
from dlspec.layers.regularizer import RegularizerSpec

if TYPE_CHECKING:
    import keras


class Conv2DSpec(LayerSpec):
    """``filters`` learned ``kernel_size`` windows slid over an image: ``activation(conv + bias)``.

    Input shape ``(height, width, channels)``; output ``(new_height, new_width, filters)``, where
    each side becomes ``floor((side - (kernel - 1) * dilation_rate - 1) / strides) + 1``
    (``valid``) or ``ceil(side / strides)`` (``same``).

    ```yaml
    - conv2d: {filters: 32, kernel_size: 3, padding: same, activation: relu}
    - conv2d: {filters: 64, kernel_size: [3, 5], strides: 2}
    ```
    """

    MAIN = "filters"
    kind: Literal["conv2d"] = Field(description="Layer kind.")
    filters: PositiveInt = Field(description="Number of output channels.")
    kernel_size: IntOrPair = Field(description="Window size: an int or [height, width].")
    strides: IntOrPair = Field(default=1, description="Step between windows: an int or a pair.")
    padding: Padding = Field(
        default="valid",
        description="valid: only whole windows; same: pad so that each side becomes "
        "ceil(side / strides).",
    )
    dilation_rate: IntOrPair = Field(
        default=1, description="Spacing between kernel taps (atrous convolution): int or pair."
    )
    activation: Activation = Field(default="linear", description="Activation function.")
    use_bias: bool = Field(default=True, description="Whether the layer adds a bias vector.")
    kernel_regularizer: RegularizerSpec | None = Field(
        default=None, description="L1/L2 penalty on the kernel, e.g. {l2: 0.001}."
    )

    def _check(self, shape: Shape) -> tuple[Shape, int]:
        """The output shape and the input's channels; raises ShapeError if the input won't do."""
        require_spatial(shape, 3, "conv2d")
        channels = last_dim(shape, "conv2d")
        strides, dilation = pair(self.strides), pair(self.dilation_rate)
        if max(strides) > 1 and max(dilation) > 1:
            # Keras rejects the pair when it builds the layer.
            raise ShapeError(
                f"conv2d cannot combine strides {show(strides)} with "
                f"dilation_rate {show(dilation)}",
                "set strides or dilation_rate to 1 (Keras allows only one of them above 1)",
                code="DLS325",
            )
        sides = window_output(
            "conv2d", shape[:-1], pair(self.kernel_size), strides, self.padding, dilation
        )
        return (*sides, self.filters), channels

    def output_shape(self, shape: Shape) -> Shape:
        """``(height, width, channels)`` -> ``(new_height, new_width, filters)``.

        Raises:
            ShapeError: the input is not rank 3, its channels are unknown, or a side shrinks
                below 1 (DLS302).
        """
        return self._check(shape)[0]

    def params(self, shape: Shape) -> Params:
        """``kernel_height * kernel_width * channels * filters`` weights plus ``filters`` biases."""
        channels = self._check(shape)[1]
        height, width = pair(self.kernel_size)
        bias = self.filters if self.use_bias else 0
        return Params(height * width * channels * self.filters + bias)

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.Conv2D``."""
        import keras

        return keras.layers.Conv2D(
            self.filters,
            pair(self.kernel_size),
            strides=pair(self.strides),
            padding=self.padding,
            dilation_rate=pair(self.dilation_rate),
            activation=self.activation,
            use_bias=self.use_bias,
            kernel_regularizer=self.kernel_regularizer.build() if self.kernel_regularizer else None,
            name=name,
        )
