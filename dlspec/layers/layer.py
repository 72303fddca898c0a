"""The base every layer kind's spec class extends, and the argument types kinds share."""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, ConfigDict, Field

from dlspec.base import Params, PositiveInt, Shape, ShapeError, SpecModel

if TYPE_CHECKING:
    import keras

    KerasLayer = keras.layers.Layer
else:
    KerasLayer = object  # keras_class() puts keras.layers.Layer beneath a kind's Keras methods

PACKAGE = "dlspec"  # Keras saves dlspec's own classes as "dlspec>Name"

# Keras's activation names (keras.activations.get accepts each of them).
Activation = Literal[
    "linear",
    "relu",
    "sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
    "elu",
    "selu",
    "gelu",
    "silu",
    "swish",
    "softplus",
    "softsign",
    "leaky_relu",
    "relu6",
    "hard_sigmoid",
    "hard_silu",
    "mish",
    "exponential",
]

Padding = Literal["valid", "same"]
Rate = Annotated[float, Field(ge=0, lt=1)]
# An int or a [height, width] pair, as Keras's kernel_size, strides and pool_size take them.
IntOrPair = PositiveInt | Annotated[list[PositiveInt], Field(min_length=2, max_length=2)]


NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_.\-]*$"
LayerName = Annotated[str, Field(pattern=NAME_PATTERN)]


def _one_or_many(value: Any) -> Any:
    """``from: dense_1`` is ``from: [dense_1]``."""
    return [value] if isinstance(value, str) else value


def pair(value: int | list[int]) -> tuple[int, int]:
    """Normalise an int-or-pair argument to a (height, width) tuple."""
    if isinstance(value, int):
        return (value, value)
    return (value[0], value[1])


class LayerSpec(SpecModel):
    """Base of all layer kinds.

    Subclasses declare ``kind: Literal["<kind>"]`` and fields named as the Keras constructor
    arguments. ``MAIN`` names the argument a scalar shorthand sets (``dropout: 0.1``).
    """

    MAIN: ClassVar[str | None] = None
    # How many inputs the kind takes: one (most), or two and more (a merge: add, concatenate).
    MERGES: ClassVar[bool] = False
    # A kind that attends from a sequence to a context takes both: 'from: [sequence, context]'
    # (cross-attention); ``paired_shape`` and ``paired_params`` then stand for the one-input ones.
    PAIRED: ClassVar[bool] = False

    # serialize_by_alias: a dumped item says 'from', as users write it ('from' is a keyword).
    model_config = ConfigDict(serialize_by_alias=True)

    name: str | None = Field(
        default=None,
        pattern=NAME_PATTERN,
        description="Keras layer name; by default the kind with a counter (dense_1, dense_2).",
    )
    from_: Annotated[list[LayerName], Field(min_length=1), BeforeValidator(_one_or_many)] | None = (
        Field(
            default=None,
            alias="from",
            description="The layers (or 'input') whose outputs this item takes; by default the "
            "item before it. Two or more for a merge (add, concatenate, multiply).",
        )
    )

    def output_shape(self, shape: Shape) -> Shape:
        """Shape of one output example for one input example (no batch axis).

        Raises:
            ShapeError: the layer cannot take this input shape.
        """
        raise NotImplementedError

    def params(self, shape: Shape) -> Params:
        """Parameter counts of this layer on this input shape, as Keras reports them."""
        return Params()

    def paired_shape(self, shape: Shape, context: Shape) -> Shape:
        """A paired kind's output shape for a sequence ``shape`` attending to ``context``.

        Raises:
            ShapeError: the layer cannot take these shapes.
        """
        raise NotImplementedError

    def paired_params(self, shape: Shape, context: Shape) -> Params:
        """A paired kind's parameter counts for these shapes, as Keras reports them."""
        return Params()

    def sublayers(self) -> list[LayerSpec]:
        """Layer items nested inside this one (a residual body, a wrapped recurrent layer)."""
        return []

    def build(self, name: str) -> keras.layers.Layer:
        """The Keras layer for this spec, named ``name`` (imports Keras: heavy side only)."""
        raise NotImplementedError(f"{self.__class__.__name__} cannot be built yet")


def last_dim(shape: Shape, what: str) -> int:
    """The feature axis of a shape, which must be known to size weights."""
    if not shape:
        raise ShapeError(f"{what} needs at least a rank-1 input, got a scalar")
    width = shape[-1]
    if width is None:
        raise ShapeError(
            f"{what} needs a known last axis to size its weights, got None",
            "give model.input a fixed last dimension",
        )
    return width


@functools.cache
def keras_class(methods: type[Any]) -> type[keras.layers.Layer]:
    """The Keras layer class whose methods ``methods`` defines, on ``keras.layers.Layer``.

    A kind that needs its own Keras layer defines its methods in a plain class in the kind's
    file (``ResidualLayer``), so that the file imports no Keras: the light side imports every
    kind. The class is made the first time a model needs it, named ``methods.KERAS_NAME`` and
    registered as ``dlspec>KERAS_NAME`` for saving; ``compiler.saving`` names every one for
    loading.
    """
    import keras

    name = methods.KERAS_NAME
    made = type(
        name,
        (methods, keras.layers.Layer),
        {"__module__": methods.__module__, "__qualname__": name, "__doc__": methods.__doc__},
    )
    return keras.saving.register_keras_serializable(package=PACKAGE)(made)


def elements(shape: Shape) -> int | None:
    """How many values one example of this shape holds (None when a size is unknown)."""
    if any(d is None for d in shape):
        return None
    return math.prod(shape)  # type: ignore[arg-type]
