"""What the image augmentation kinds share: an image in, the same shape out, only in training.

Keras's random image layers change each training batch (a flip, a rotation, a zoom, a shift)
and pass images through untouched when the model predicts or is evaluated, so augmentation
adds variety to training without changing what is scored.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from dlspec.base import Seed, Shape
from dlspec.layers.layer import LayerSpec
from dlspec.layers.pooling import require_spatial

# A fraction of the image (or of a full turn): one for both directions, or [lower, upper].
Factor = Annotated[float, Field(ge=0, le=1)]
Range = (
    Factor
    | Annotated[list[Annotated[float, Field(ge=-1, le=1)]], Field(min_length=2, max_length=2)]
)
FillMode = Literal["reflect", "wrap", "constant", "nearest"]


def factor(value: float | list[float]) -> float | tuple[float, float]:
    """Keras's form: a float, or a (lower, upper) pair."""
    return value if isinstance(value, float | int) else (value[0], value[1])


class AugmentationSpec(LayerSpec):
    """Base of the random image kinds: no weights, the image's shape unchanged."""

    seed: Seed | None = Field(default=None, description="Seed of the random changes.")

    def output_shape(self, shape: Shape) -> Shape:
        """Unchanged, for an image ``(height, width, channels)``."""
        require_spatial(shape, 3, self.kind)  # type: ignore[attr-defined]
        return shape
