"""The ``random_translation`` layer kind: images shifted at random while training."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.layers.augmentation import AugmentationSpec, FillMode, Range, factor

if TYPE_CHECKING:
    import keras


class RandomTranslationSpec(AugmentationSpec):
    """Shifts each training image by up to a fraction of its height and width.

    Input and output ``(height, width, channels)``; ``fill_mode`` fills what moves in. No
    weights.

    ```yaml
    - random_translation: {height_factor: 0.1, width_factor: 0.1}
    ```
    """

    kind: Literal["random_translation"] = Field(description="Layer kind.")
    height_factor: Range = Field(description="Largest vertical shift, a fraction of the height.")
    width_factor: Range = Field(description="Largest horizontal shift, a fraction of the width.")
    fill_mode: FillMode = Field(default="reflect", description="How uncovered pixels are filled.")

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.RandomTranslation``."""
        import keras

        return keras.layers.RandomTranslation(
            factor(self.height_factor),
            factor(self.width_factor),
            fill_mode=self.fill_mode,
            seed=self.seed,
            name=name,
        )
