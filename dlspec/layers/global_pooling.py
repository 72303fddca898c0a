"""Shared base of the four global pooling kinds: one value per channel over all positions."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from dlspec.base import Shape
from dlspec.layers.layer import LayerSpec
from dlspec.layers.pooling import require_spatial


class GlobalPoolingSpec(LayerSpec):
    """Base of ``global_{average,max}_pooling{1,2}d``: pools every position into one.

    Input shape ``(steps, channels)`` (1d) or ``(height, width, channels)`` (2d); output
    ``(channels,)``, or with ``keepdims`` ``(1, channels)`` and ``(1, 1, channels)``.
    """

    # Rank of the input (batch axis excluded): 2 for the 1d kinds, 3 for the 2d kinds.
    RANK: ClassVar[int]
    kind: str = Field(description="Layer kind.")
    keepdims: bool = Field(
        default=False, description="Keep the pooled axes with size 1 instead of dropping them."
    )

    def output_shape(self, shape: Shape) -> Shape:
        """``(..., channels)`` -> ``(channels,)``, or size-1 pooled axes with ``keepdims``.

        Raises:
            ShapeError: the input does not have the kind's rank.
        """
        require_spatial(shape, self.RANK, self.kind)
        if self.keepdims:
            return (*(1 for _ in shape[:-1]), shape[-1])
        return (shape[-1],)
