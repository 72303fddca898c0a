"""dlspec's own Keras layers: positional encoding, self-attention, transformer and residual blocks.

Each is made of ``keras.layers`` and ``keras.ops`` only, so it runs on every Keras backend, and is
registered as serialisable, so a model saved as ``.keras`` loads back with ``safe_mode=True``.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from dlspec.layers.residual import projection_stride

PACKAGE = "dlspec"


def sinusoid(steps: Any, width: int) -> Any:
    """The sinusoidal position code, a float32 ``(steps, width)`` tensor.

    ``code[t, 2k] = sin(t / 10000^(2k/width))`` and ``code[t, 2k+1] = cos(t / 10000^(2k/width))``;
    an odd width ends on a sine column.
    """
    positions = ops.expand_dims(ops.cast(ops.arange(steps), "float32"), -1)
    dims = ops.arange(width)
    even = ops.cast(dims - ops.mod(dims, 2), "float32")
    angles = positions / ops.power(10000.0, even / float(width))
    return ops.where(ops.equal(ops.mod(dims, 2), 0), ops.sin(angles), ops.cos(angles))


def padding_mask(mask: Any) -> Any:
    """An attention mask ``(batch, 1, steps)`` that hides padded keys, from a Keras mask."""
    if mask is None:
        return None
    return ops.expand_dims(ops.cast(mask, "bool"), -2)


def default_key_dim(width: int, num_heads: int, key_dim: int | None, layer: str) -> int:
    """``key_dim``, or ``width // num_heads`` when the heads divide the width.

    Raises:
        ValueError: ``key_dim`` is None and ``num_heads`` does not divide ``width``.
    """
    if key_dim is not None:
        return key_dim
    if width % num_heads:
        raise ValueError(
            f"{layer}: {num_heads} heads do not divide the input width {width}; set key_dim"
        )
    return width // num_heads


@keras.saving.register_keras_serializable(package=PACKAGE)
class PositionalEncoding(keras.layers.Layer):
    """Adds a position code to each step of a sequence.

    ``mode="sinusoidal"`` adds the fixed sine/cosine code (no weights); ``mode="learned"`` adds
    the first ``steps`` rows of a trainable ``(max_length, width)`` table, where ``max_length``
    defaults to the sequence length the layer is built on.

    Input shape ``(batch, steps, width)``; output shape the same.
    """

    def __init__(self, mode: str = "sinusoidal", max_length: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if mode not in ("sinusoidal", "learned"):
            raise ValueError(f"mode must be 'sinusoidal' or 'learned', got {mode!r}")
        self.mode = mode
        self.max_length = max_length
        self.supports_masking = True

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        """Check the sequence fits and, for ``learned``, create the table."""
        steps, width = input_shape[-2], input_shape[-1]
        if self.max_length is not None and steps is not None and steps > self.max_length:
            raise ValueError(
                f"{self.name}: sequences of {steps} steps exceed max_length {self.max_length}"
            )
        if self.mode == "learned":
            length = self.max_length if self.max_length is not None else steps
            if length is None:
                raise ValueError(
                    f"{self.name}: a learned encoding of unknown length needs max_length"
                )
            self.table = self.add_weight(
                shape=(length, width), initializer="uniform", name="table", trainable=True
            )

    def call(self, inputs: Any) -> Any:
        """``inputs + code[:steps]``."""
        steps, width = ops.shape(inputs)[-2], ops.shape(inputs)[-1]
        if self.mode == "learned":
            table = ops.convert_to_tensor(self.table)
            code = ops.slice(table, (0, 0), (steps, width))
        else:
            code = sinusoid(steps, width)
        return inputs + ops.cast(code, inputs.dtype)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        """Unchanged."""
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments, for saving."""
        return {**super().get_config(), "mode": self.mode, "max_length": self.max_length}


@keras.saving.register_keras_serializable(package=PACKAGE)
class SelfAttention(keras.layers.Layer):
    """Multi-head self-attention: ``keras.layers.MultiHeadAttention`` with query = key = value.

    ``key_dim`` defaults to ``width // num_heads``, ``value_dim`` to ``key_dim``. With
    ``causal=True`` step ``t`` attends only to steps up to ``t``. A Keras mask on the input
    (an ``embedding`` with ``mask_zero``) hides padded steps from attention.

    Input shape ``(batch, steps, width)``; output shape the same.
    """

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
        return self.attention(
            inputs,
            inputs,
            attention_mask=padding_mask(mask),
            use_causal_mask=self.causal,
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


@keras.saving.register_keras_serializable(package=PACKAGE)
class TransformerBlock(keras.layers.Layer):
    """A post-norm transformer encoder block.

    ``x = LayerNorm(x + Dropout(SelfAttention(x)))``, then
    ``x = LayerNorm(x + Dropout(Dense(width)(Dense(ff_dim, relu)(x))))``.

    Input shape ``(batch, steps, width)``; output shape the same.
    """

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
        width = input_shape[-1]
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
        attended = self.attention(
            inputs,
            inputs,
            attention_mask=padding_mask(mask),
            use_causal_mask=self.causal,
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


@keras.saving.register_keras_serializable(package=PACKAGE)
class Residual(keras.layers.Layer):
    """A skip connection around a body of layers: ``activation(body(x) + shortcut(x))``.

    The shortcut is the identity when the body keeps the shape. Otherwise, with
    ``projection=True``, it is a learned 1x1 projection: a ``Dense`` when only the last axis
    changes, a ``Conv1D``/``Conv2D`` with kernel 1, ``same`` padding and the stride that maps
    the input's spatial axes onto the body's, when the body shrank them.

    Input shape any the body takes; output shape the body's.
    """

    def __init__(
        self,
        body: list[keras.layers.Layer],
        projection: bool = True,
        activation: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        if not body:
            raise ValueError("a residual body needs at least one layer")
        self.body = list(body)
        self.projection = projection
        self.activation = activation
        self.activation_fn = keras.activations.get(activation)
        self.shortcut: keras.layers.Layer | None = None
        # The output keeps the input's padding mask (an embedding's mask_zero) for what follows.
        self.supports_masking = True

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        """Build the body in turn, then the projection if the body changed the shape."""
        input_shape = tuple(input_shape)
        x = keras.KerasTensor(input_shape, dtype=self.compute_dtype)
        for layer in self.body:
            # A symbolic call builds the layer and infers its output, whatever its build takes.
            x = layer(x)
        body_shape = tuple(x.shape)
        if body_shape == input_shape:
            return
        stride = projection_stride(input_shape[1:], body_shape[1:])
        if not self.projection or stride is None or body_shape[-1] is None:
            raise ValueError(
                f"{self.name}: the body maps {input_shape} to {body_shape}, and "
                + ("projection is off" if not self.projection else "no 1x1 projection fits")
            )
        width = body_shape[-1]
        policy = self.dtype_policy
        if stride == 1:
            self.shortcut = keras.layers.Dense(width, dtype=policy, name="projection")
        else:
            conv = keras.layers.Conv1D if len(input_shape) == 3 else keras.layers.Conv2D
            self.shortcut = conv(
                width, 1, strides=stride, padding="same", dtype=policy, name="projection"
            )
        self.shortcut.build(input_shape)

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        """``activation(body(inputs) + shortcut(inputs))``.

        The body sees the input's padding mask: Keras carries it on the tensors themselves.
        """
        x = inputs
        for layer in self.body:
            x = layer(x, training=training)
        shortcut = inputs if self.shortcut is None else self.shortcut(inputs)
        return self.activation_fn(x + shortcut)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The input's mask while the steps are kept; none once a strided body shrank them."""
        strided = isinstance(self.shortcut, keras.layers.Conv1D | keras.layers.Conv2D)
        return None if strided else mask

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments, the body's layers serialised."""
        return {
            **super().get_config(),
            "body": [keras.saving.serialize_keras_object(layer) for layer in self.body],
            "projection": self.projection,
            "activation": self.activation,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Residual:
        """The layer from ``get_config``'s output, the body's layers deserialised."""
        config = dict(config)
        body = [keras.saving.deserialize_keras_object(item) for item in config.pop("body")]
        return cls(body=body, **config)
