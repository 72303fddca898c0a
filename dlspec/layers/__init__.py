"""The layer kinds: the explicit ``LAYERS`` table and the ``LayerItem`` union built from it.

A layer item in YAML is a one-key mapping ``kind: {arguments}``, ``kind: value`` (the kind's
main argument) or a bare ``kind``; ``normalize`` turns each form into ``{"kind": ..., **args}``
before pydantic picks the class by ``kind``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Union, get_args

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from dlspec.layers.activation import ActivationSpec
from dlspec.layers.add import AddSpec
from dlspec.layers.average_pooling1d import AveragePooling1DSpec
from dlspec.layers.average_pooling2d import AveragePooling2DSpec
from dlspec.layers.batch_normalization import BatchNormalizationSpec
from dlspec.layers.bidirectional import BidirectionalSpec
from dlspec.layers.concatenate import ConcatenateSpec
from dlspec.layers.conv1d import Conv1DSpec
from dlspec.layers.conv1d_transpose import Conv1DTransposeSpec
from dlspec.layers.conv2d import Conv2DSpec
from dlspec.layers.conv2d_transpose import Conv2DTransposeSpec
from dlspec.layers.cross_attention import CrossAttentionSpec
from dlspec.layers.dense import DenseSpec
from dlspec.layers.dropout import DropoutSpec
from dlspec.layers.embedding import EmbeddingSpec
from dlspec.layers.flatten import FlattenSpec
from dlspec.layers.gaussian_noise import GaussianNoiseSpec
from dlspec.layers.global_average_pooling1d import GlobalAveragePooling1DSpec
from dlspec.layers.global_average_pooling2d import GlobalAveragePooling2DSpec
from dlspec.layers.global_max_pooling1d import GlobalMaxPooling1DSpec
from dlspec.layers.global_max_pooling2d import GlobalMaxPooling2DSpec
from dlspec.layers.gru import GRUSpec
from dlspec.layers.layer import LayerSpec
from dlspec.layers.layer_normalization import LayerNormalizationSpec
from dlspec.layers.lstm import LSTMSpec
from dlspec.layers.max_pooling1d import MaxPooling1DSpec
from dlspec.layers.max_pooling2d import MaxPooling2DSpec
from dlspec.layers.multi_head_attention import MultiHeadAttentionSpec
from dlspec.layers.multiply import MultiplySpec
from dlspec.layers.positional_encoding import PositionalEncodingSpec
from dlspec.layers.random_flip import RandomFlipSpec
from dlspec.layers.random_rotation import RandomRotationSpec
from dlspec.layers.random_translation import RandomTranslationSpec
from dlspec.layers.random_zoom import RandomZoomSpec
from dlspec.layers.repeat_vector import RepeatVectorSpec
from dlspec.layers.reshape import ReshapeSpec
from dlspec.layers.residual import ResidualSpec
from dlspec.layers.simple_rnn import SimpleRNNSpec
from dlspec.layers.time_distributed import TimeDistributedSpec
from dlspec.layers.transformer_block import TransformerBlockSpec
from dlspec.layers.transformer_decoder_block import TransformerDecoderBlockSpec
from dlspec.layers.up_sampling1d import UpSampling1DSpec
from dlspec.layers.up_sampling2d import UpSampling2DSpec
from dlspec.layers.zero_padding1d import ZeroPadding1DSpec
from dlspec.layers.zero_padding2d import ZeroPadding2DSpec

LAYERS: list[type[LayerSpec]] = [
    # core
    DenseSpec,
    DropoutSpec,
    GaussianNoiseSpec,
    ActivationSpec,
    FlattenSpec,
    ReshapeSpec,
    BatchNormalizationSpec,
    LayerNormalizationSpec,
    # convolution and pooling
    Conv1DSpec,
    Conv2DSpec,
    MaxPooling1DSpec,
    MaxPooling2DSpec,
    AveragePooling1DSpec,
    AveragePooling2DSpec,
    GlobalAveragePooling1DSpec,
    GlobalAveragePooling2DSpec,
    GlobalMaxPooling1DSpec,
    GlobalMaxPooling2DSpec,
    ZeroPadding1DSpec,
    ZeroPadding2DSpec,
    UpSampling1DSpec,
    UpSampling2DSpec,
    Conv1DTransposeSpec,
    Conv2DTransposeSpec,
    # recurrent
    SimpleRNNSpec,
    GRUSpec,
    LSTMSpec,
    BidirectionalSpec,
    RepeatVectorSpec,
    TimeDistributedSpec,
    # text and attention
    EmbeddingSpec,
    PositionalEncodingSpec,
    MultiHeadAttentionSpec,
    TransformerBlockSpec,
    CrossAttentionSpec,
    TransformerDecoderBlockSpec,
    # image augmentation (training only)
    RandomFlipSpec,
    RandomRotationSpec,
    RandomZoomSpec,
    RandomTranslationSpec,
    # blocks
    ResidualSpec,
    # graphs: merges of the outputs that 'from' names
    AddSpec,
    ConcatenateSpec,
    MultiplySpec,
]


def kind_of(cls: type[LayerSpec]) -> str:
    """The YAML kind name of a layer spec class (its ``kind`` literal)."""
    return get_args(cls.model_fields["kind"].annotation)[0]


BY_KIND: dict[str, type[LayerSpec]] = {kind_of(cls): cls for cls in LAYERS}
# Keys a layer item may carry beside its kind: ``- dense: 8`` with ``name:`` and ``from:``.
ITEM_KEYS = ("name", "from")
RECURRENT_KINDS = ("simple_rnn", "gru", "lstm")


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"the number {value}"
    if value is None:
        return "nothing (null)"
    return "a list" if isinstance(value, list) else f"a {type(value).__name__}"


def normalize(value: Any) -> Any:
    """Turn a YAML layer item into ``{"kind": ..., **arguments}`` for the discriminated union.

    Raises:
        PydanticCustomError: the item is not a single-kind mapping or a bare kind name.
    """
    if isinstance(value, str):
        return {"kind": value}
    if not isinstance(value, dict):
        raise PydanticCustomError(
            "layer_item",
            "expected a layer ('kind: {args}', 'kind: value' or a bare kind), got {got}",
            # pydantic formats the template with ctx and has no brace escape: pass them in.
            {"args": "{arguments}", "got": _describe(value)},
        )
    keys = [k for k in value if k not in ITEM_KEYS]
    if len(keys) != 1:
        found = ", ".join(f"'{k}'" for k in keys) or "only " + " and ".join(f"'{k}'" for k in value)
        raise PydanticCustomError(
            "layer_item",
            "expected exactly one layer kind in this item, got {found}",
            {"found": found},
        )
    kind = keys[0]
    args = value[kind]
    if not isinstance(kind, str) or kind not in BY_KIND:
        normalized: dict[str, Any] = {}
    else:
        if (
            isinstance(args, dict)
            and "kind" in args
            and not _is_nested_shorthand(BY_KIND[kind], args)
        ):
            raise PydanticCustomError(
                "layer_item", "'kind' is not an argument: the item's key names the kind"
            )
        parsed = arguments(kind, args)
        if parsed is None:
            raise PydanticCustomError(
                "layer_item",
                "'{kind}' has no main argument, so it takes no shorthand value",
                {"kind": kind},
            )
        normalized = parsed
    for key in ITEM_KEYS:
        if key in value:
            normalized[key] = value[key]
    normalized["kind"] = kind
    return normalized


def arguments(kind: str, value: Any) -> dict[str, Any] | None:
    """The arguments a layer item's value stands for, in every written form.

    ``flatten`` or ``flatten:`` -> ``{}``; ``dropout: {rate: 0.1}`` -> the mapping;
    ``dropout: 0.1`` and ``max_pooling2d: [2, 2]`` -> ``{MAIN: value}``; ``bidirectional:
    {lstm: 64}`` (a layer item as the main argument) -> ``{"layer": {"lstm": 64}}``. None when
    the kind has no main argument to take a shorthand value. The one reading of the written
    form: validation (``normalize``) and ``--set`` (``spec.apply``) both use it.
    """
    cls = BY_KIND[kind]
    if value is None:
        return {}
    if isinstance(value, dict) and not _is_nested_shorthand(cls, value):
        return dict(value)
    if cls.MAIN is None:
        return None
    return {cls.MAIN: value}


def written(value: Any) -> Any:
    """Dumped layer items (``{"kind": k, **arguments}``) back in the written form ``{k: {...}}``.

    Nested blocks (a residual body, a wrapped layer) included; the inverse of ``normalize``.
    """
    if isinstance(value, list):
        return [written(item) for item in value]
    if isinstance(value, dict):
        if isinstance(value.get("kind"), str) and value["kind"] in BY_KIND:
            args = {k: written(v) for k, v in value.items() if k not in ("kind", "from")}
            taken = {"from": value["from"]} if "from" in value else {}  # beside the kind
            return {value["kind"]: args, **taken}
        return {k: written(v) for k, v in value.items()}
    return value


def _is_nested_shorthand(cls: type[LayerSpec], args: dict[Any, Any]) -> bool:
    """``bidirectional: {lstm: 64}``: the mapping is the wrapped layer item itself."""
    if cls.MAIN is None or len(args) != 1:
        return False
    (key,) = args
    return key in BY_KIND and key not in cls.model_fields


if TYPE_CHECKING:
    # A type checker sees the common base: every kind is a LayerSpec.
    LayerItem = LayerSpec
else:
    LayerItem = Annotated[
        # A Union built from the table keeps LAYERS the single place a kind is listed.
        Annotated[Union[tuple(LAYERS)], Field(discriminator="kind")],  # noqa: UP007
        BeforeValidator(normalize),
    ]
RecurrentItem = Annotated[
    Annotated[SimpleRNNSpec | GRUSpec | LSTMSpec, Field(discriminator="kind")],
    BeforeValidator(normalize),
]

# Nested items are forward references: resolve the wrapper first, then the recursive block.
BidirectionalSpec.model_rebuild(_types_namespace={"RecurrentItem": RecurrentItem})
ResidualSpec.model_rebuild(_types_namespace={"LayerItem": LayerItem})
TimeDistributedSpec.model_rebuild(_types_namespace={"LayerItem": LayerItem})

__all__ = [
    "BY_KIND",
    "ITEM_KEYS",
    "LAYERS",
    "LayerItem",
    "LayerSpec",
    "RecurrentItem",
    "kind_of",
    "normalize",
]
