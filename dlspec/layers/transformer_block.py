"""The ``transformer_block`` layer kind: self-attention and a feed-forward net, each residual."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from dlspec.base import Params, Shape
from dlspec.layers.layer import KerasLayer, LayerSpec, PositiveInt, Rate, keras_class
from dlspec.layers.multi_head_attention import (
    attend,
    attention_params,
    default_key_dim,
    head_size,
    padding_mask,
    sequence_width,
)

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
        """A ``dlspec>TransformerBlock`` layer (``TransformerBlockLayer``)."""
        return keras_layer()(
            num_heads=self.num_heads,
            key_dim=self.key_dim,
            ff_dim=self.ff_dim,
            dropout=self.dropout,
            causal=self.causal,
            epsilon=self.epsilon,
            name=name,
        )


class TransformerBlockLayer(KerasLayer):
    """A post-norm transformer encoder block.

    ``x = LayerNorm(x + Dropout(SelfAttention(x)))``, then
    ``x = LayerNorm(x + Dropout(Dense(width)(Dense(ff_dim, relu)(x))))``.

    Input shape ``(batch, steps, width)``; output shape the same.
    """

    KERAS_NAME = "TransformerBlock"

    def __init__(
        self,
        num_heads: int,
        ff_dim: int,
        key_dim: int | None = None,
        dropout: float = 0.1,
        causal: bool = False,
        epsilon: float = 1e-6,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.ff_dim = ff_dim
        self.key_dim = key_dim
        self.dropout = dropout
        self.causal = causal
        self.epsilon = epsilon
        self.supports_masking = True

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        """Create the sublayers, sized by the input width."""
        import keras

        width = input_shape[-1]  # default_key_dim refuses an unknown one
        hidden_shape = (*input_shape[:-1], self.ff_dim)
        policy = self.dtype_policy
        self.attention = keras.layers.MultiHeadAttention(
            num_heads=self.num_heads,
            key_dim=default_key_dim(width, self.num_heads, self.key_dim, self.name),
            dtype=policy,
            name="attention",
        )
        self.attention_dropout = keras.layers.Dropout(self.dropout, dtype=policy)
        self.attention_norm = keras.layers.LayerNormalization(epsilon=self.epsilon, dtype=policy)
        self.feed_forward_hidden = keras.layers.Dense(self.ff_dim, activation="relu", dtype=policy)
        self.feed_forward_output = keras.layers.Dense(width, dtype=policy)
        self.feed_forward_dropout = keras.layers.Dropout(self.dropout, dtype=policy)
        self.feed_forward_norm = keras.layers.LayerNormalization(epsilon=self.epsilon, dtype=policy)
        self.attention.build(input_shape, input_shape)
        self.attention_norm.build(input_shape)
        self.feed_forward_hidden.build(input_shape)
        self.feed_forward_output.build(hidden_shape)
        self.feed_forward_norm.build(input_shape)

    def call(self, inputs: Any, mask: Any = None, training: bool | None = None) -> Any:
        """The two residual sub-blocks, each followed by layer normalisation."""
        attended = attend(
            self.attention,
            inputs,
            inputs,
            None,
            mask=padding_mask(mask),
            causal=self.causal,
            training=training,
        )
        x = self.attention_norm(inputs + self.attention_dropout(attended, training=training))
        transformed = self.feed_forward_output(self.feed_forward_hidden(x))
        return self.feed_forward_norm(x + self.feed_forward_dropout(transformed, training=training))

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        """Unchanged."""
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments, for saving."""
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "ff_dim": self.ff_dim,
            "key_dim": self.key_dim,
            "dropout": self.dropout,
            "causal": self.causal,
            "epsilon": self.epsilon,
        }


def keras_layer() -> type[keras.layers.Layer]:
    """The ``dlspec>TransformerBlock`` Keras layer class."""
    return keras_class(TransformerBlockLayer)
