"""The ``multi_head_attention`` layer kind: self-attention over a sequence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dlspec.base import Params, Shape, ShapeError, format_shape
from dlspec.layers.layer import LayerSpec, PositiveInt, Rate, last_dim

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
    width: int, num_heads: int, key_dim: int, value_dim: int, use_bias: bool = True
) -> Params:
    """Parameters of ``keras.layers.MultiHeadAttention`` used as self-attention.

    Query and key each map ``width -> num_heads x key_dim``, the value maps
    ``width -> num_heads x value_dim``, and the output maps ``num_heads x value_dim -> width``.
    """
    query_key = 2 * (width * num_heads * key_dim + (num_heads * key_dim if use_bias else 0))
    value = width * num_heads * value_dim + (num_heads * value_dim if use_bias else 0)
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
        """A ``dlspec.build.blocks.SelfAttention`` layer."""
        from dlspec.build.blocks import SelfAttention

        return SelfAttention(
            num_heads=self.num_heads,
            key_dim=self.key_dim,
            value_dim=self.value_dim,
            dropout=self.dropout,
            use_bias=self.use_bias,
            causal=self.causal,
            name=name,
        )
