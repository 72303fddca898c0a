"""The ``multi_head_attention`` layer kind: self-attention over a sequence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from dlspec.base import Params, Shape, ShapeError, format_shape
from dlspec.layers.layer import KerasLayer, LayerSpec, PositiveInt, Rate, keras_class, last_dim

if TYPE_CHECKING:
    import keras


def sequence_width(shape: Shape, what: str) -> int:
    """The width of a ``(steps, width)`` input, which attention layers need known.

    Raises:
        ShapeError: the input is not rank 2, or its width is unknown.
    """
    if len(shape) != 2:
        raise ShapeError(
            f"{what} needs a rank-2 input (steps, width), got {format_shape(shape)}",
            "put it after an 'embedding' layer, or reshape the input to (steps, width)",
        )
    return last_dim(shape, what)


def head_size(width: int, num_heads: int, key_dim: int | None, what: str) -> int:
    """The per-head key size: ``key_dim``, or ``width // num_heads`` when heads divide width.

    Raises:
        ShapeError: ``key_dim`` is unset and ``num_heads`` does not divide ``width`` (DLS317).
    """
    if key_dim is not None:
        return key_dim
    if width % num_heads != 0:
        raise ShapeError(
            f"{what} has {num_heads} heads, which do not divide the input width {width}",
            f"set key_dim or choose num_heads that divides {width}",
            code="DLS317",
        )
    return width // num_heads


def attention_params(
    width: int,
    num_heads: int,
    key_dim: int,
    value_dim: int,
    use_bias: bool = True,
    context: int | None = None,
) -> Params:
    """Parameters of ``keras.layers.MultiHeadAttention``, as self- or cross-attention.

    The query maps ``width -> num_heads x key_dim``; the key maps the context's width (the
    input's own, for self-attention) to ``num_heads x key_dim``, the value to
    ``num_heads x value_dim``; the output maps ``num_heads x value_dim -> width``.
    """
    source = width if context is None else context
    bias = num_heads * key_dim if use_bias else 0
    query_key = (width + source) * num_heads * key_dim + 2 * bias
    value = source * num_heads * value_dim + (num_heads * value_dim if use_bias else 0)
    output = num_heads * value_dim * width + (width if use_bias else 0)
    return Params(query_key + value + output)


class MultiHeadAttentionSpec(LayerSpec):
    """Multi-head self-attention: every step attends to every step (or, causal, to earlier ones).

    Query, key and value are all the input. Input shape ``(steps, width)``; output
    ``(steps, width)``, as wide as the input.

    ```yaml
    - multi_head_attention: {num_heads: 4, causal: true}
    - multi_head_attention: 8         # shorthand for num_heads
    ```
    """

    MAIN = "num_heads"
    kind: Literal["multi_head_attention"] = Field(description="Layer kind.")
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
    causal: bool = Field(
        default=False,
        description="Mask attention to later steps, so step t sees only steps up to t.",
    )

    def _sizes(self, shape: Shape) -> tuple[int, int, int]:
        """Width, key_dim and value_dim on this input."""
        width = sequence_width(shape, "multi_head_attention")
        key_dim = head_size(width, self.num_heads, self.key_dim, "multi_head_attention")
        return width, key_dim, self.value_dim or key_dim

    def output_shape(self, shape: Shape) -> Shape:
        """Unchanged: ``(steps, width)`` -> ``(steps, width)``."""
        self._sizes(shape)
        return shape

    def params(self, shape: Shape) -> Params:
        """Query, key, value and output maps, as Keras's ``MultiHeadAttention`` counts them."""
        width, key_dim, value_dim = self._sizes(shape)
        return attention_params(width, self.num_heads, key_dim, value_dim, self.use_bias)

    def build(self, name: str) -> keras.layers.Layer:
        """A ``dlspec>SelfAttention`` layer (``SelfAttentionLayer``)."""
        return keras_layer()(
            num_heads=self.num_heads,
            key_dim=self.key_dim,
            value_dim=self.value_dim,
            dropout=self.dropout,
            use_bias=self.use_bias,
            causal=self.causal,
            name=name,
        )


def padding_mask(mask: Any) -> Any:
    """An attention mask ``(batch, 1, steps)`` that hides padded keys, from a Keras mask."""
    from keras import ops

    if mask is None:
        return None
    return ops.expand_dims(ops.cast(mask, "bool"), -2)


def attend(
    attention: Any,
    query: Any,
    context: Any,
    value_dim: int | None,
    *,
    mask: Any = None,
    causal: bool = False,
    training: bool | None = None,
) -> Any:
    """``attention(query, context)``, by Keras's einsum path where JAX's fused one fails.

    ``attention`` is a ``keras.layers.MultiHeadAttention``. Keras 3.15 hands JAX's fused
    attention values whose head size differs from the keys' (``value_dim != key_dim``), which it
    rejects, and float16 on a CPU, which JAX's CPU matrix product refuses to accumulate in
    float32; asking for the scores takes Keras's own einsum path instead, the same attention.
    """
    import keras

    unfused = keras.backend.backend() == "jax" and (
        (value_dim is not None and value_dim != attention.key_dim)
        or (attention.compute_dtype == "float16" and _on_cpu())
    )
    output = attention(
        query,
        context,
        attention_mask=mask,
        use_causal_mask=causal,
        training=training,
        return_attention_scores=unfused,
    )
    return output[0] if unfused else output


def _on_cpu() -> bool:
    import jax

    return bool(jax.default_backend() == "cpu")


def default_key_dim(width: int | None, num_heads: int, key_dim: int | None, layer: str) -> int:
    """``head_size`` for a Keras layer's ``build``, where a bad input is a ValueError.

    Raises:
        ValueError: the width is unknown, or ``key_dim`` is None and ``num_heads`` does not
            divide the width (static inference reports both first, DLS301 and DLS317).
    """
    try:
        return head_size(last_dim((width,), layer), num_heads, key_dim, layer)
    except ShapeError as error:
        raise ValueError(f"{layer}: {error.message}") from None


class SelfAttentionLayer(KerasLayer):
    """Multi-head self-attention: ``keras.layers.MultiHeadAttention`` with query = key = value.

    ``key_dim`` defaults to ``width // num_heads``, ``value_dim`` to ``key_dim``. With
    ``causal=True`` step ``t`` attends only to steps up to ``t``. A Keras mask on the input
    (an ``embedding`` with ``mask_zero``) hides padded steps from attention.

    Input shape ``(batch, steps, width)``; output shape the same.
    """

    KERAS_NAME = "SelfAttention"

    def __init__(
        self,
        num_heads: int,
        key_dim: int | None = None,
        value_dim: int | None = None,
        dropout: float = 0.0,
        use_bias: bool = True,
        causal: bool = False,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.key_dim = key_dim
        self.value_dim = value_dim
        self.dropout = dropout
        self.use_bias = use_bias
        self.causal = causal
        self.supports_masking = True

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        """Create the attention layer, sized by the input width."""
        import keras

        width = input_shape[-1]
        self.attention = keras.layers.MultiHeadAttention(
            num_heads=self.num_heads,
            key_dim=default_key_dim(width, self.num_heads, self.key_dim, self.name),
            value_dim=self.value_dim,
            dropout=self.dropout,
            use_bias=self.use_bias,
            dtype=self.dtype_policy,
            name="attention",
        )
        self.attention.build(input_shape, input_shape)

    def call(self, inputs: Any, mask: Any = None, training: bool | None = None) -> Any:
        """Attention of the sequence over itself."""
        return attend(
            self.attention,
            inputs,
            inputs,
            self.value_dim,
            mask=padding_mask(mask),
            causal=self.causal,
            training=training,
        )

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        """Unchanged."""
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments, for saving."""
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "value_dim": self.value_dim,
            "dropout": self.dropout,
            "use_bias": self.use_bias,
            "causal": self.causal,
        }


def keras_layer() -> type[keras.layers.Layer]:
    """The ``dlspec>SelfAttention`` Keras layer class."""
    return keras_class(SelfAttentionLayer)
