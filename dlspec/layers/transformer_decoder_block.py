"""The ``transformer_decoder_block`` layer kind: the original transformer's decoder block."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from dlspec.base import Params, Shape, ShapeError
from dlspec.layers.layer import KerasLayer, LayerSpec, PositiveInt, Rate, keras_class
from dlspec.layers.multi_head_attention import (
    attend,
    attention_params,
    default_key_dim,
    head_size,
    sequence_width,
)

if TYPE_CHECKING:
    import keras


class TransformerDecoderBlockSpec(LayerSpec):
    """The post-norm transformer decoder block of "Attention is all you need".

    ``x = LayerNorm(x + Dropout(CausalSelfAttention(x)))``, then
    ``x = LayerNorm(x + Dropout(CrossAttention(x, context)))``, then
    ``x = LayerNorm(x + Dropout(Dense(width)(Dense(ff_dim, relu)(x))))``.
    It takes the decoder's sequence and the encoder's output: ``from: [decoder, encoder]``.
    Input shapes ``(steps, width)`` and ``(context steps, context width)``; output
    ``(steps, width)``. Self-attention is causal: step t sees the target up to t only.

    ```yaml
    - transformer_decoder_block: {num_heads: 4, ff_dim: 128, from: [embedding_2, encoder]}
    ```
    """

    MAIN = "num_heads"
    PAIRED = True
    kind: Literal["transformer_decoder_block"] = Field(description="Layer kind.")
    num_heads: PositiveInt = Field(description="Number of attention heads.")
    key_dim: PositiveInt | None = Field(
        default=None,
        description="Size of each head's query, key and value; by default width / num_heads.",
    )
    ff_dim: PositiveInt = Field(description="Width of the feed-forward net's hidden layer.")
    dropout: Rate = Field(
        default=0.1,
        description="Dropout rate after each attention and after the feed-forward net, in [0, 1).",
    )
    epsilon: float = Field(
        default=1e-6, gt=0, description="Small constant the layer normalisations add to variance."
    )

    def output_shape(self, shape: Shape) -> Shape:
        """A context is needed: ``paired_shape``.

        Raises:
            ShapeError: always, as one input is one too few.
        """
        raise ShapeError(
            "transformer_decoder_block attends to the encoder's output: it takes two inputs",
            "name the decoder's sequence and the encoder's output: 'from: [decoder, encoder]'",
            code="DLS331",
            at=("from",),
        )

    def _sizes(self, shape: Shape, context: Shape) -> tuple[int, int, int]:
        what = "transformer_decoder_block"
        width = sequence_width(shape, what)
        source = sequence_width(context, f"{what}'s context")
        return width, source, head_size(width, self.num_heads, self.key_dim, what)

    def paired_shape(self, shape: Shape, context: Shape) -> Shape:
        """The decoder's shape, unchanged: ``(steps, width)``."""
        self._sizes(shape, context)
        return shape

    def paired_params(self, shape: Shape, context: Shape) -> Params:
        """Both attentions, three layer normalisations and the feed-forward net."""
        width, source, key_dim = self._sizes(shape, context)
        heads = self.num_heads
        attentions = attention_params(width, heads, key_dim, key_dim) + attention_params(
            width, heads, key_dim, key_dim, context=source
        )
        norms = 3 * (2 * width)
        feed_forward = (width * self.ff_dim + self.ff_dim) + (self.ff_dim * width + width)
        return attentions + Params(norms + feed_forward)

    def build(self, name: str) -> keras.layers.Layer:
        """A ``dlspec>TransformerDecoderBlock`` layer (``TransformerDecoderBlockLayer``)."""
        return keras_layer()(
            num_heads=self.num_heads,
            key_dim=self.key_dim,
            ff_dim=self.ff_dim,
            dropout=self.dropout,
            epsilon=self.epsilon,
            name=name,
        )


class TransformerDecoderBlockLayer(KerasLayer):
    """A post-norm transformer decoder block: causal self-attention, cross-attention, feed-forward.

    Each sub-block is residual and followed by layer normalisation. Input shapes
    ``(batch, steps, width)`` and ``(batch, context steps, context width)``; output
    ``(batch, steps, width)``.
    """

    KERAS_NAME = "TransformerDecoderBlock"

    def __init__(
        self,
        num_heads: int,
        ff_dim: int,
        key_dim: int | None = None,
        dropout: float = 0.1,
        epsilon: float = 1e-6,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.ff_dim = ff_dim
        self.key_dim = key_dim
        self.dropout = dropout
        self.epsilon = epsilon

    def build(
        self, inputs_shape: tuple[int | None, ...], context_shape: tuple[int | None, ...]
    ) -> None:
        """Create the sublayers, sized by the decoder's width."""
        import keras

        width = inputs_shape[-1]
        key_dim = default_key_dim(width, self.num_heads, self.key_dim, self.name)
        policy = self.dtype_policy

        def attention(name: str) -> Any:
            return keras.layers.MultiHeadAttention(
                num_heads=self.num_heads, key_dim=key_dim, dtype=policy, name=name
            )

        def norm() -> Any:
            return keras.layers.LayerNormalization(epsilon=self.epsilon, dtype=policy)

        self.self_attention, self.cross_attention = attention("self"), attention("cross")
        self.dropouts = [keras.layers.Dropout(self.dropout, dtype=policy) for _ in range(3)]
        self.norms = [norm() for _ in range(3)]
        self.feed_forward_hidden = keras.layers.Dense(self.ff_dim, activation="relu", dtype=policy)
        self.feed_forward_output = keras.layers.Dense(width, dtype=policy)
        self.self_attention.build(inputs_shape, inputs_shape)
        self.cross_attention.build(inputs_shape, context_shape)
        for layer in self.norms:
            layer.build(inputs_shape)
        self.feed_forward_hidden.build(inputs_shape)
        self.feed_forward_output.build((*inputs_shape[:-1], self.ff_dim))

    def call(self, inputs: Any, context: Any, training: bool | None = None) -> Any:
        """The three residual sub-blocks, each followed by layer normalisation."""
        first, second, third = self.norms
        drop_1, drop_2, drop_3 = self.dropouts
        attended = attend(self.self_attention, inputs, inputs, None, causal=True, training=training)
        x = first(inputs + drop_1(attended, training=training))
        attended = attend(self.cross_attention, x, context, None, training=training)
        x = second(x + drop_2(attended, training=training))
        transformed = self.feed_forward_output(self.feed_forward_hidden(x))
        return third(x + drop_3(transformed, training=training))

    def compute_output_shape(
        self, inputs_shape: tuple[int | None, ...], context_shape: tuple[int | None, ...]
    ) -> tuple[int | None, ...]:
        """The decoder's shape."""
        return tuple(inputs_shape)

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments, for saving."""
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "ff_dim": self.ff_dim,
            "key_dim": self.key_dim,
            "dropout": self.dropout,
            "epsilon": self.epsilon,
        }


def keras_layer() -> type[keras.layers.Layer]:
    """The ``dlspec>TransformerDecoderBlock`` Keras layer class."""
    return keras_class(TransformerDecoderBlockLayer)
