"""The ``gaussian_noise`` layer kind: zero-mean Gaussian noise added while training."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Seed, Shape
from dlspec.layers.layer import LayerSpec

if TYPE_CHECKING:
    import keras


class GaussianNoiseSpec(LayerSpec):
    """Adds noise drawn from N(0, stddev²) to every input while training; off at inference.

    A regulariser, and the corruption of a denoising autoencoder. Any input shape; output
    shape equals the input shape.

    ```yaml
    - gaussian_noise: 0.1
    ```
    """

    MAIN = "stddev"
    kind: Literal["gaussian_noise"] = Field(description="Layer kind.")
    stddev: float = Field(gt=0, description="Standard deviation of the noise.")
    seed: Seed | None = Field(default=None, description="Seed of the noise.")

    def output_shape(self, shape: Shape) -> Shape:
        """Unchanged."""
        return shape

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.GaussianNoise``."""
        import keras

        return keras.layers.GaussianNoise(self.stddev, seed=self.seed, name=name)
