"""The ``transformer_block`` layer kind: self-attention and a feed-forward net, each residual."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Params, Shape
from dlspec.layers.layer import LayerSpec, PositiveInt, Rate
from dlspec.layers.multi_head_attention import attention_params, head_size, sequence_width

if TYPE_CHECKING:
    import keras


class TransformerBlockSpec(LayerSpec):
    """The course's post-norm transformer encoder block.

    ``x = LayerNorm(x + Dropout(SelfAttention(x)))``, then
    ``x = LayerNorm(x + Dropout(Dense(width)(Dense(ff_dim, relu)(x))))``.
    Input shape ``(steps, width)``; output ``(steps, width)``.

    ```yaml
    - transformer_block: {num_heads: 4, ff_dim: 128, causal: true}
    ```
    """

    MAIN = "num_heads"
    kind: Literal["transformer_block"] = Field(description="Layer kind.")
    num_heads: PositiveInt = Field(description="Number of attention heads.")
    key_dim: PositiveInt | None = Field(
        default=None,
        description="Size of each head's query, key and value; by default width / num_heads.",
    )
    ff_dim: PositiveInt = Field(description="Width of the feed-forward net's hidden layer.")
    dropout: Rate = Field(
        default=0.1,
        description="Dropout rate after the attention and after the feed-forward net, in [0, 1).",
    )
    causal: bool = Field(
        default=False,
        description="Mask attention to later steps, so step t sees only steps up to t.",
    )
    epsilon: float = Field(
        default=1e-6, gt=0, description="Small constant the layer normalisations add to variance."
    )

    def output_shape(self, shape: Shape) -> Shape:
        """Unchanged: ``(steps, width)`` -> ``(steps, width)``."""
        width = sequence_width(shape, "transformer_block")
        head_size(width, self.num_heads, self.key_dim, "transformer_block")
        return shape

    def params(self, shape: Shape) -> Params:
        """Attention, two layer normalisations and the two dense layers of the feed-forward net."""
        width = sequence_width(shape, "transformer_block")
        key_dim = head_size(width, self.num_heads, self.key_dim, "transformer_block")
        attention = attention_params(width, self.num_heads, key_dim, key_dim)
        norms = 2 * (2 * width)
        feed_forward = (width * self.ff_dim + self.ff_dim) + (self.ff_dim * width + width)
        return attention + Params(norms + feed_forward)

    def build(self, name: str) -> keras.layers.Layer:
        """A ``dlspec.build.blocks.TransformerBlock`` layer."""
        from dlspec.build.blocks import TransformerBlock

        return TransformerBlock(
            num_heads=self.num_heads,
            key_dim=self.key_dim,
            ff_dim=self.ff_dim,
            dropout=self.dropout,
            causal=self.causal,
            epsilon=self.epsilon,
            name=name,
        )
