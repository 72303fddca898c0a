"""The ``random_rotation`` layer kind: images turned by a random angle while training."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.layers.augmentation import AugmentationSpec, FillMode, Range, factor

if TYPE_CHECKING:
    import keras


class RandomRotationSpec(AugmentationSpec):
    """Turns each training image by up to ``factor`` of a full turn (0.1: up to 36 degrees).

    Input and output ``(height, width, channels)``; ``fill_mode`` fills the corners. No weights.

    ```yaml
    - random_rotation: 0.1
    ```
    """

    MAIN = "factor"
    kind: Literal["random_rotation"] = Field(description="Layer kind.")
    factor: Range = Field(description="Largest turn, as a fraction of a full turn; or a range.")
    fill_mode: FillMode = Field(default="reflect", description="How corners are filled.")

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.RandomRotation``."""
        import keras

        return keras.layers.RandomRotation(
            factor(self.factor), fill_mode=self.fill_mode, seed=self.seed, name=name
        )
