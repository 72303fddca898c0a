"""The ``cross_attention`` layer kind: a sequence attends to another (a decoder to its encoder)."""

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


class CrossAttentionSpec(LayerSpec):
    """Multi-head cross-attention: each step of a sequence attends to every step of a context.

    The queries come from the first output ``from`` names, the keys and values from the second
    (an encoder's output): ``from: [decoder, encoder]``. Input shapes ``(steps, width)`` and
    ``(context steps, context width)``; output ``(steps, width)``.

    ```yaml
    - cross_attention: {num_heads: 4, from: [embedding_2, encoder]}
    ```
    """

    MAIN = "num_heads"
    PAIRED = True
    kind: Literal["cross_attention"] = Field(description="Layer kind.")
    num_heads: PositiveInt = Field(description="Number of attention heads.")
    key_dim: PositiveInt | None = Field(
        default=None,
        description="Size of each head's query and key; by default width / num_heads.",
    )
    value_dim: PositiveInt | None = Field(
        default=None, description="Size of each head's value; by default key_dim."
    )
    dropout: Rate = Field(
        default=0.0, description="Dropout rate on the attention weights, in [0, 1)."
    )
    use_bias: bool = Field(
        default=True, description="Whether the query, key, value and output maps add biases."
    )

    def _sizes(self, shape: Shape, context: Shape) -> tuple[int, int, int, int]:
        """Width, the context's width, key_dim and value_dim on these inputs."""
        width = sequence_width(shape, "cross_attention")
        source = sequence_width(context, "cross_attention's context")
        key_dim = head_size(width, self.num_heads, self.key_dim, "cross_attention")
        return width, source, key_dim, self.value_dim or key_dim

    def output_shape(self, shape: Shape) -> Shape:
        """A context is needed: ``paired_shape``.

        Raises:
            ShapeError: always, as one input is one too few.
        """
        raise ShapeError(
            "cross_attention attends to a context: it takes two inputs",
            "name the sequence and the context: 'from: [decoder, encoder]'",
            code="DLS331",
            at=("from",),
        )

    def paired_shape(self, shape: Shape, context: Shape) -> Shape:
        """The sequence's shape, unchanged: ``(steps, width)``."""
        self._sizes(shape, context)
        return shape

    def paired_params(self, shape: Shape, context: Shape) -> Params:
        """Query, key, value and output maps, as Keras's ``MultiHeadAttention`` counts them."""
        width, source, key_dim, value_dim = self._sizes(shape, context)
        return attention_params(width, self.num_heads, key_dim, value_dim, self.use_bias, source)

    def build(self, name: str) -> keras.layers.Layer:
        """A ``dlspec>CrossAttention`` layer (``CrossAttentionLayer``)."""
        return keras_layer()(
            num_heads=self.num_heads,
            key_dim=self.key_dim,
            value_dim=self.value_dim,
            dropout=self.dropout,
            use_bias=self.use_bias,
            name=name,
        )


class CrossAttentionLayer(KerasLayer):
    """Multi-head attention with queries from one sequence, keys and values from a context.

    Keras's ``MultiHeadAttention``; ``key_dim`` defaults to ``width // num_heads`` of the
    queries, ``value_dim`` to ``key_dim``. Input shapes ``(batch, steps, width)`` and
    ``(batch, context steps, context width)``; output ``(batch, steps, width)``.
    """

    KERAS_NAME = "CrossAttention"

    def __init__(
        self,
        num_heads: int,
        key_dim: int | None = None,
        value_dim: int | None = None,
        dropout: float = 0.0,
        use_bias: bool = True,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.key_dim = key_dim
        self.value_dim = value_dim
        self.dropout = dropout
        self.use_bias = use_bias

    def build(
        self, query_shape: tuple[int | None, ...], context_shape: tuple[int | None, ...]
    ) -> None:
        """Create the attention layer, sized by the queries' width."""
        import keras

        self.attention = keras.layers.MultiHeadAttention(
            num_heads=self.num_heads,
            key_dim=default_key_dim(query_shape[-1], self.num_heads, self.key_dim, self.name),
            value_dim=self.value_dim,
            dropout=self.dropout,
            use_bias=self.use_bias,
            dtype=self.dtype_policy,
            name="attention",
        )
        self.attention.build(query_shape, context_shape)

    def call(self, query: Any, context: Any, training: bool | None = None) -> Any:
        """Attention of the queries over the context."""
        return attend(self.attention, query, context, self.value_dim, training=training)

    def compute_output_shape(
        self, query_shape: tuple[int | None, ...], context_shape: tuple[int | None, ...]
    ) -> tuple[int | None, ...]:
        """The queries' shape."""
        return tuple(query_shape)

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments, for saving."""
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "value_dim": self.value_dim,
            "dropout": self.dropout,
            "use_bias": self.use_bias,
        }


def keras_layer() -> type[keras.layers.Layer]:
    """The ``dlspec>CrossAttention`` Keras layer class."""
    return keras_class(CrossAttentionLayer)
