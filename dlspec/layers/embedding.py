"""The ``embedding`` layer kind: a learned vector for each token id."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Params, Shape, ShapeError, format_shape
from dlspec.layers.layer import LayerSpec, PositiveInt

if TYPE_CHECKING:
    import keras


class EmbeddingSpec(LayerSpec):
    """Maps each integer token id in ``[0, input_dim)`` to a learned ``output_dim`` vector.

    Input shape ``(steps,)`` of integer ids; output ``(steps, output_dim)``.

    ```yaml
    - embedding: 64                      # shorthand for output_dim; input_dim from the data
    - embedding: {input_dim: 10000, output_dim: 128, mask_zero: true}
    ```
    """

    MAIN = "output_dim"
    kind: Literal["embedding"] = Field(description="Layer kind.")
    input_dim: PositiveInt | None = Field(
        default=None,
        description="Vocabulary size (largest token id + 1); by default the data's vocabulary.",
    )
    output_dim: PositiveInt = Field(description="Width of each token's vector.")
    mask_zero: bool = Field(
        default=False,
        description="Treat token id 0 as padding and mask it for the layers that follow.",
    )

    def _vocabulary(self) -> int:
        """``input_dim``, which the checker fills in from the data when the spec omits it."""
        if self.input_dim is None:
            raise ShapeError(
                "embedding input_dim is not given and the data does not tell the vocabulary",
                "set input_dim to the vocabulary size",
                code="DLS319",
            )
        return self.input_dim

    def output_shape(self, shape: Shape) -> Shape:
        """``(steps,)`` -> ``(steps, output_dim)``.

        Raises:
            ShapeError: the input is not a rank-1 sequence of token ids.
        """
        if len(shape) != 1:
            raise ShapeError(
                f"embedding needs a rank-1 input (steps,) of token ids, got {format_shape(shape)}",
                "give model.input as [steps] (a sequence of integer token ids)",
            )
        return (*shape, self.output_dim)

    def params(self, shape: Shape) -> Params:
        """``input_dim * output_dim`` weights (one row per token id).

        Raises:
            ShapeError: input_dim is neither given nor filled in from the data (DLS319).
        """
        self.output_shape(shape)
        return Params(self._vocabulary() * self.output_dim)

    def build(self, name: str) -> keras.layers.Layer:
        """A ``keras.layers.Embedding``.

        Raises:
            ShapeError: input_dim is neither given nor filled in from the data (DLS319).
        """
        import keras

        return keras.layers.Embedding(
            self._vocabulary(), self.output_dim, mask_zero=self.mask_zero, name=name
        )
