"""The ``conv1d`` layer kind: a 1-D convolution along a sequence, channels last."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Params, Shape, ShapeError
from dlspec.layers.layer import Activation, LayerSpec, PositiveInt, last_dim
from dlspec.layers.pooling import require_spatial, window_output
from dlspec.layers.regularizer import RegularizerSpec

if TYPE_CHECKING:
    import keras


class Conv1DSpec(LayerSpec):
    """``filters`` learned windows of ``kernel_size`` steps slid along a sequence.

    Input shape ``(steps, channels)``; output ``(new_steps, filters)``, where ``new_steps`` is
    ``floor((steps - (kernel_size - 1) * dilation_rate - 1) / strides) + 1`` (``valid``) or
    ``ceil(steps / strides)`` (``same``, and ``causal``, which pads only the start so that no
    output sees a later step).

    ```yaml
    - conv1d: {filters: 64, kernel_size: 5, activation: relu}
    - conv1d: {filters: 32, kernel_size: 2, padding: causal, dilation_rate: 4}
    ```
    """

    MAIN = "filters"
    kind: Literal["conv1d"] = Field(description="Layer kind.")
    filters: PositiveInt = Field(description="Number of output channels.")
    kernel_size: PositiveInt = Field(description="Window length in steps.")
    strides: PositiveInt = Field(default=1, description="Step between windows.")
    padding: Literal["valid", "same", "causal"] = Field(
        default="valid",
        description="valid: only whole windows; same: pad both ends so that steps become "
        "ceil(steps / strides); causal: pad the start only.",
    )
    dilation_rate: PositiveInt = Field(
        default=1, description="Spacing between kernel taps (dilated convolution)."
    )
    activation: Activation = Field(default="linear", description="Activation function.")
    use_bias: bool = Field(default=True, description="Whether the layer adds a bias vector.")
    kernel_regularizer: RegularizerSpec | None = Field(
        default=None, description="L1/L2 penalty on the kernel, e.g. {l2: 0.001}."
    )

    def _check(self, shape: Shape) -> tuple[Shape, int]:
        """The output shape and the input's channels; raises ShapeError if the input won't do."""
        require_spatial(shape, 2, "conv1d")
        channels = last_dim(shape, "conv1d")
        if self.strides > 1 and self.dilation_rate > 1:
            # Keras rejects the pair when it builds the layer.
            raise ShapeError(
                f"conv1d cannot combine strides {self.strides} with "
                f"dilation_rate {self.dilation_rate}",
                "set strides or dilation_rate to 1 (Keras allows only one of them above 1)",
                code="DLS325",
            )
        steps = window_output(
            "conv1d",
            shape[:-1],
            (self.kernel_size,),
            (self.strides,),
            self.padding,
            (self.dilation_rate,),
        )
        return (*steps, self.filters), channels

    def output_shape(self, shape: Shape) -> Shape:
        """``(steps, channels)`` -> ``(new_steps, filters)``.

        Raises:
            ShapeError: the input is not rank 2, its channels are unknown, or the steps shrink
                below 1 (DLS302).
        """
        return self._check(shape)[0]

    def params(self, shape: Shape) -> Params:
        """``kernel_size * channels * filters`` weights plus ``filters`` biases."""
        channels = self._check(shape)[1]
        bias = self.filters if self.use_bias else 0
        return Params(self.kernel_size * channels * self.filters + bias)

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.Conv1D``."""
        import keras

        return keras.layers.Conv1D(
            self.filters,
            self.kernel_size,
            strides=self.strides,
            padding=self.padding,
            dilation_rate=self.dilation_rate,
            activation=self.activation,
            use_bias=self.use_bias,
            kernel_regularizer=self.kernel_regularizer.build() if self.kernel_regularizer else None,
            name=name,
        )
