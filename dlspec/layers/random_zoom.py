"""The ``random_zoom`` layer kind: images zoomed in or out at random while training."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.layers.augmentation import AugmentationSpec, FillMode, Range, factor

if TYPE_CHECKING:
    import keras


class RandomZoomSpec(AugmentationSpec):
    """Zooms each training image by up to ``height_factor`` (0.2: 20% in or out).

    ``width_factor`` defaults to the same zoom, keeping the aspect. Input and output
    ``(height, width, channels)``. No weights.

    ```yaml
    - random_zoom: 0.2
    ```
    """

    MAIN = "height_factor"
    kind: Literal["random_zoom"] = Field(description="Layer kind.")
    height_factor: Range = Field(description="Largest vertical zoom, as a fraction; or a range.")
    width_factor: Range | None = Field(
        default=None, description="Largest horizontal zoom; by default the vertical one's."
    )
    fill_mode: FillMode = Field(default="reflect", description="How new borders are filled.")

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.RandomZoom``."""
        import keras

        return keras.layers.RandomZoom(
            factor(self.height_factor),
            factor(self.width_factor) if self.width_factor is not None else None,
            fill_mode=self.fill_mode,
            seed=self.seed,
            name=name,
        )
