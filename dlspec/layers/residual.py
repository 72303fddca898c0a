"""The ``residual`` block kind: output = input + body(input), projecting the input if needed."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from dlspec.base import Params, Shape, ShapeError, format_shape
from dlspec.layers.layer import Activation, KerasLayer, LayerSpec, keras_class

if TYPE_CHECKING:
    import keras

    from dlspec.layers import LayerItem


def run_body(layers: list[LayerSpec], shape: Shape) -> tuple[Shape, Params]:
    """Output shape and parameters of a layer sequence; errors name the failing item."""
    total = Params()
    for index, layer in enumerate(layers):
        try:
            total = total + layer.params(shape)
            shape = layer.output_shape(shape)
        except ShapeError as error:
            raise error.within("layers", index) from None
    return shape, total


def projection_stride(shape: Shape, target: Shape) -> int | None:
    """The stride of a 1x1 projection from ``shape`` to ``target``, or None if none fits.

    A projection may change the feature (last) axis and, with one common stride and ``same``
    padding, shrink every other axis to ceil(size / stride), as ResNet's shortcut does.
    """
    if len(shape) != len(target):
        return None
    spatial, goal = shape[:-1], target[:-1]
    if spatial == goal:
        return 1
    if len(shape) not in (2, 3):
        return None
    sizes = [d for d in spatial if d is not None]
    goals = [d for d in goal if d is not None]
    if len(sizes) != len(spatial) or len(goals) != len(goal):
        return None  # a size known only at run time
    for stride in range(2, max(sizes) + 1):
        if all(math.ceil(s / stride) == g for s, g in zip(sizes, goals, strict=True)):
            return stride
    return None


class ResidualSpec(LayerSpec):
    """A residual (skip) connection around a body of layers: ``y = x + body(x)``.

    When the body changes the shape, the input passes through a learned 1x1 projection
    (a dense map of the last axis, strided on the other axes if the body shrank them).
    Input shape any; output shape the body's.

    ```yaml
    - residual:
        layers:
          - conv2d: {filters: 16, kernel_size: 3, padding: same, activation: relu}
          - conv2d: {filters: 16, kernel_size: 3, padding: same}
        activation: relu
    ```
    """

    MAIN = "layers"
    kind: Literal["residual"] = Field(description="Layer kind.")
    layers: list[LayerItem] = Field(min_length=1, description="The body: a list of layer items.")
    projection: bool = Field(
        default=True,
        description="Learn a 1x1 projection of the input when the body changes its shape.",
    )
    activation: Activation | None = Field(
        default=None, description="Activation applied after the addition (ResNet uses relu)."
    )

    def sublayers(self) -> list[LayerSpec]:
        """The body's layers."""
        return list(self.layers)

    def _body(self, shape: Shape) -> tuple[Shape, Params]:
        body_shape, body_params = run_body(self.sublayers(), shape)
        if body_shape == shape:
            return body_shape, body_params
        hint = "end the body with a layer that restores the input's shape"
        if not self.projection:
            raise ShapeError(
                f"residual body changes the shape from {format_shape(shape)} to "
                f"{format_shape(body_shape)}, and projection is off",
                hint + ", or set 'projection: true'",
                code="DLS303",
            )
        if projection_stride(shape, body_shape) is None or shape[-1] is None:
            raise ShapeError(
                f"residual body changes the shape from {format_shape(shape)} to "
                f"{format_shape(body_shape)}, which no 1x1 projection can match",
                hint,
                code="DLS303",
            )
        return body_shape, body_params

    def output_shape(self, shape: Shape) -> Shape:
        """The body's output shape (the projection, if any, matches the input to it)."""
        return self._body(shape)[0]

    def params(self, shape: Shape) -> Params:
        """The body's parameters plus, when shapes differ, the projection's kernel and bias."""
        body_shape, body_params = self._body(shape)
        if body_shape == shape:
            return body_params
        width_in, width_out = shape[-1], body_shape[-1]
        return body_params + Params(width_in * width_out + width_out)  # type: ignore[operator]

    def build(self, name: str) -> keras.layers.Layer:
        """A ``dlspec>Residual`` layer (``ResidualLayer``) wrapping the body's Keras layers.

        Body layers keep their own ``name:``; the others are named ``<name>_<kind>_<index>``
        (``residual_1_conv2d_2``), so a summary or a saved model shows where each comes from.
        """
        body = [
            layer.build(layer.name or f"{name}_{layer.kind}_{i + 1}")  # type: ignore[attr-defined]
            for i, layer in enumerate(self.layers)
        ]
        return keras_layer()(
            body=body,
            projection=self.projection,
            activation=self.activation,
            name=name,
        )


class ResidualLayer(KerasLayer):
    """A skip connection around a body of layers: ``activation(body(x) + shortcut(x))``.

    The shortcut is the identity when the body keeps the shape. Otherwise, with
    ``projection=True``, it is a learned 1x1 projection: a ``Dense`` when only the last axis
    changes, a ``Conv1D``/``Conv2D`` with kernel 1, ``same`` padding and the stride that maps
    the input's spatial axes onto the body's, when the body shrank them.

    Input shape any the body takes; output shape the body's.
    """

    KERAS_NAME = "Residual"

    def __init__(
        self,
        body: list[keras.layers.Layer],
        projection: bool = True,
        activation: str | None = None,
        **kwargs: Any,
    ):
        import keras

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
        import keras

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
        import keras

        strided = isinstance(self.shortcut, keras.layers.Conv1D | keras.layers.Conv2D)
        return None if strided else mask

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments, the body's layers serialised."""
        import keras

        return {
            **super().get_config(),
            "body": [keras.saving.serialize_keras_object(layer) for layer in self.body],
            "projection": self.projection,
            "activation": self.activation,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Any:
        """The layer from ``get_config``'s output, the body's layers deserialised."""
        import keras

        config = dict(config)
        body = [keras.saving.deserialize_keras_object(item) for item in config.pop("body")]
        return cls(body=body, **config)


def keras_layer() -> type[keras.layers.Layer]:
    """The ``dlspec>Residual`` Keras layer class."""
    return keras_class(ResidualLayer)
