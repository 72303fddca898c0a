"""Shared bases of the four pooling kinds, and the sliding-window size rule convolutions share.

A sliding window (a convolution kernel or a pooling window) maps each spatial axis of a
``(steps, channels)`` or ``(height, width, channels)`` input to ``conv_output_size``; the
helpers here check the input's rank and report a side that shrinks below 1 (DLS302).
"""

from __future__ import annotations

import math

from pydantic import Field

from dlspec.base import Shape, ShapeError, format_shape
from dlspec.layers.layer import IntOrPair, LayerSpec, Padding, PositiveInt, pair

# What each axis of a spatial input means, by rank (the batch axis excluded).
AXES = {2: "(steps, channels)", 3: "(height, width, channels)"}


def require_spatial(shape: Shape, rank: int, what: str) -> None:
    """Raise ShapeError unless ``shape`` is a rank-``rank`` spatial input with channels last."""
    if len(shape) != rank:
        axes = AXES[rank]
        raise ShapeError(
            f"{what} needs a rank-{rank} input {axes}, got {format_shape(shape)}",
            f"give model.input as [{axes[1:-1]}] or add a 'reshape'",
        )


def show(values: tuple[int, ...]) -> str:
    """A window argument as users write it: ``3`` when every axis agrees, else ``(3, 5)``."""
    return str(values[0]) if len(set(values)) == 1 else format_shape(values)


def window_output(
    what: str,
    spatial: Shape,
    window: tuple[int, ...],
    strides: tuple[int, ...],
    padding: str,
    dilation: tuple[int, ...] | None = None,
    window_arg: str = "kernel_size",
) -> Shape:
    """The spatial axes' sizes after a sliding window, as Keras computes them.

    Args:
        what: the layer kind, for messages.
        spatial: the input's spatial axes (channels excluded).
        window: window size per axis (``kernel_size`` or ``pool_size``).
        strides: step per axis.
        padding: ``valid``, ``same`` or ``causal``.
        dilation: dilation rate per axis (convolutions only).
        window_arg: the argument name of ``window``, for messages.

    Returns:
        The output's spatial sizes (None where the input's size is unknown).

    Raises:
        ShapeError: an output side would be smaller than 1 (DLS302).
    """
    dilation = dilation or (1,) * len(window)
    sizes = tuple(
        conv_output_size(size, k, s, padding, d)
        for size, k, s, d in zip(spatial, window, strides, dilation, strict=True)
    )
    if any(size is not None and size < 1 for size in sizes):
        shrunk = tuple(None if size is None else max(size, 0) for size in sizes)
        settings = [f"{window_arg} {show(window)}", f"strides {show(strides)}"]
        if any(d > 1 for d in dilation):
            settings.append(f"dilation_rate {show(dilation)}")
        raise ShapeError(
            f"{what} shrinks {format_shape(spatial)} to {format_shape(shrunk)} with "
            f"{', '.join(settings[:-1])} and {settings[-1]}",
            f"use padding: same, a smaller {window_arg} or fewer pooling layers",
            code="DLS302",
        )
    return sizes


class Pooling1DSpec(LayerSpec):
    """Base of ``max_pooling1d`` and ``average_pooling1d``: a window sliding along the steps.

    Input shape ``(steps, channels)``; output ``(new_steps, channels)``.
    """

    MAIN = "pool_size"
    kind: str = Field(description="Layer kind.")
    pool_size: PositiveInt = Field(default=2, description="Length of the pooling window.")
    strides: PositiveInt | None = Field(
        default=None, description="Step between windows; by default pool_size."
    )
    padding: Padding = Field(
        default="valid",
        description="valid: only whole windows; same: pad so that steps become "
        "ceil(steps / strides).",
    )

    def output_shape(self, shape: Shape) -> Shape:
        """``(steps, channels)`` -> ``(new_steps, channels)``.

        Raises:
            ShapeError: the input is not rank 2, or the steps shrink below 1 (DLS302).
        """
        require_spatial(shape, 2, self.kind)
        steps = window_output(
            self.kind,
            shape[:-1],
            (self.pool_size,),
            (self.strides or self.pool_size,),
            self.padding,
            window_arg="pool_size",
        )
        return (*steps, shape[-1])


class Pooling2DSpec(LayerSpec):
    """Base of ``max_pooling2d`` and ``average_pooling2d``: a window sliding over an image.

    Input shape ``(height, width, channels)``; output ``(new_height, new_width, channels)``.
    """

    MAIN = "pool_size"
    kind: str = Field(description="Layer kind.")
    pool_size: IntOrPair = Field(
        default=2, description="Size of the pooling window: an int or [height, width]."
    )
    strides: IntOrPair | None = Field(
        default=None, description="Step between windows: an int or a pair; by default pool_size."
    )
    padding: Padding = Field(
        default="valid",
        description="valid: only whole windows; same: pad so that each side becomes "
        "ceil(side / strides).",
    )

    def _strides(self) -> tuple[int, int]:
        return pair(self.strides if self.strides is not None else self.pool_size)

    def output_shape(self, shape: Shape) -> Shape:
        """``(height, width, channels)`` -> ``(new_height, new_width, channels)``.

        Raises:
            ShapeError: the input is not rank 3, or a side shrinks below 1 (DLS302).
        """
        require_spatial(shape, 3, self.kind)
        sides = window_output(
            self.kind,
            shape[:-1],
            pair(self.pool_size),
            self._strides(),
            self.padding,
            window_arg="pool_size",
        )
        return (*sides, shape[-1])


def conv_output_size(
    size: int | None, kernel: int, stride: int, padding: str, dilation: int = 1
) -> int | None:
    """Output length of one spatial axis, as Keras computes it.

    ``valid``: floor((in - K_eff) / S) + 1; ``same`` and ``causal``: ceil(in / S), where
    K_eff = (K - 1) * dilation + 1.
    """
    if size is None:
        return None
    if padding in ("same", "causal"):
        return math.ceil(size / stride)
    effective = (kernel - 1) * dilation + 1
    return (size - effective) // stride + 1
