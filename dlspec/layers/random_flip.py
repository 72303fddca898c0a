"""The ``random_flip`` layer kind: images mirrored at random while training."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.layers.augmentation import AugmentationSpec

if TYPE_CHECKING:
    import keras


class RandomFlipSpec(AugmentationSpec):
    """Mirrors each training image at random (left-right, up-down or both); not when scoring.

    Input and output ``(height, width, channels)``. No weights.

    ```yaml
    - random_flip: horizontal
    ```
    """

    MAIN = "mode"
    kind: Literal["random_flip"] = Field(description="Layer kind.")
    mode: Literal["horizontal", "vertical", "horizontal_and_vertical"] = Field(
        default="horizontal_and_vertical", description="Which mirrorings may happen."
    )

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.RandomFlip``."""
        import keras

        return keras.layers.RandomFlip(self.mode, seed=self.seed, name=name)
