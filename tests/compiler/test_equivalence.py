"""Static inference equals Keras: generated layer stacks, every kind, layer by layer.

Stacks are drawn one layer at a time from a strategy for the current input rank, so every stack
is valid; each item is a dict validated into a LayerSpec by ``TypeAdapter(LayerItem)``, as YAML
items are. The stack then goes through the whole pipeline (spec -> check -> build) and each
inferred row must match the built model's layer: output shape, trainable and non-trainable
counts. Separately, single layers on arbitrary inputs: where Keras rejects the input, static
inference must raise ShapeError, and where both accept they agree.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from dlspec import check
from dlspec import spec as spec_module
from dlspec.base import Shape, ShapeError
from dlspec.diagnostics import has_errors
from dlspec.layers import LayerItem, LayerSpec
from dlspec.spec import document

pytestmark = [
    pytest.mark.keras,
    # Generated stacks may mask tokens before layers that drop masks, or softmax one value.
    pytest.mark.filterwarnings("ignore:.*does not support masking:UserWarning"),
    pytest.mark.filterwarnings("ignore:You are using a softmax over axis:UserWarning"),
]

ITEM = TypeAdapter(LayerItem)
ACTIVATIONS = ["linear", "relu", "tanh", "sigmoid", "gelu"]
RECURRENT = ["simple_rnn", "gru", "lstm"]
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

small = st.integers(1, 6)


def item(kind: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
    """A YAML layer item ``{kind: {args}}``, without arguments left at None."""
    return {kind: {k: v for k, v in (args or {}).items() if v is not None}}


# -- layers for each input rank --------------------------------------------------------------


@st.composite
def shape_free(draw: st.DrawFn, shape: Shape) -> dict[str, Any]:
    """Layers that take any rank and keep the shape."""
    kind = draw(st.sampled_from(["dropout", "activation", "batch_normalization", "layer_norm"]))
    if kind == "dropout":
        return item("dropout", {"rate": draw(st.sampled_from([0.1, 0.5]))})
    if kind == "activation":
        return {"activation": draw(st.sampled_from(ACTIVATIONS))}
    flags = {"center": draw(st.booleans()), "scale": draw(st.booleans())}
    if kind == "batch_normalization":
        return item("batch_normalization", flags)
    return item("layer_normalization", flags)


@st.composite
def reshape(draw: st.DrawFn, shape: Shape) -> dict[str, Any]:
    """``flatten``, or a ``reshape`` to rank 1, 2 or 3 holding the same number of values."""
    size = math.prod(shape)  # type: ignore[arg-type]
    divisors = [d for d in range(1, size + 1) if size % d == 0]
    choice = draw(st.sampled_from(["flatten", "rank2", "rank2_infer", "rank3"]))
    if choice == "flatten":
        return {"flatten": None}
    last = draw(st.sampled_from(divisors))
    if choice == "rank2":
        return {"reshape": [size // last, last]}
    if choice == "rank2_infer":
        return {"reshape": [-1, last]}
    rest = size // last
    middle = draw(st.sampled_from([d for d in divisors if rest % d == 0]))
    return {"reshape": [rest // middle, middle, last]}


@st.composite
def dense(draw: st.DrawFn) -> dict[str, Any]:
    return item(
        "dense",
        {
            "units": draw(small),
            "activation": draw(st.sampled_from(ACTIVATIONS)),
            "use_bias": draw(st.booleans()),
        },
    )


@st.composite
def conv1d(draw: st.DrawFn, steps: int, same_only: bool = False) -> dict[str, Any]:
    padding = "same" if same_only else draw(st.sampled_from(["valid", "same", "causal"]))
    strides = draw(st.integers(1, 3))
    dilation = 1 if strides > 1 else draw(st.integers(1, 3))
    most = steps if padding == "valid" else steps + 2
    kernel_cap = (most - 1) // dilation + 1 if padding == "valid" else 4
    return item(
        "conv1d",
        {
            "filters": draw(small),
            "kernel_size": draw(st.integers(1, max(1, min(kernel_cap, 4)))),
            "strides": strides,
            "padding": padding,
            "dilation_rate": dilation,
            "activation": draw(st.sampled_from(ACTIVATIONS)),
            "use_bias": draw(st.booleans()),
        },
    )


@st.composite
def conv2d(draw: st.DrawFn, sides: tuple[int, int], same_only: bool = False) -> dict[str, Any]:
    padding = "same" if same_only else draw(st.sampled_from(["valid", "same"]))
    if same_only:
        strides: Any = draw(st.integers(1, 2))
    else:
        strides = draw(
            st.one_of(st.integers(1, 2), st.lists(st.integers(1, 3), min_size=2, max_size=2))
        )
    moving = max(strides) if isinstance(strides, list) else strides
    dilation: Any = 1 if moving > 1 else draw(st.one_of(st.integers(1, 2), st.just([1, 2])))
    dil = dilation if isinstance(dilation, list) else [dilation, dilation]
    caps = [
        min(3, (side - 1) // d + 1) if padding == "valid" else 3
        for side, d in zip(sides, dil, strict=True)
    ]
    kernel = [draw(st.integers(1, cap)) for cap in caps]
    return item(
        "conv2d",
        {
            "filters": draw(small),
            "kernel_size": kernel if kernel[0] != kernel[1] else kernel[0],
            "strides": strides,
            "padding": padding,
            "dilation_rate": dilation,
            "activation": draw(st.sampled_from(ACTIVATIONS)),
            "use_bias": draw(st.booleans()),
        },
    )


@st.composite
def pooling1d(draw: st.DrawFn, steps: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(["max_pooling1d", "average_pooling1d"]))
    padding = draw(st.sampled_from(["valid", "same"]))
    return item(
        kind,
        {
            "pool_size": draw(st.integers(1, min(steps, 3))),
            "strides": draw(st.one_of(st.none(), st.integers(1, 3))),
            "padding": padding,
        },
    )


@st.composite
def pooling2d(draw: st.DrawFn, sides: tuple[int, int]) -> dict[str, Any]:
    kind = draw(st.sampled_from(["max_pooling2d", "average_pooling2d"]))
    pool = [draw(st.integers(1, min(side, 3))) for side in sides]
    return item(
        kind,
        {
            "pool_size": pool if pool[0] != pool[1] else pool[0],
            "strides": draw(st.one_of(st.none(), st.integers(1, 2))),
            "padding": draw(st.sampled_from(["valid", "same"])),
        },
    )


@st.composite
def recurrent_args(draw: st.DrawFn, backwards: bool = True) -> dict[str, Any]:
    kind = draw(st.sampled_from(RECURRENT))
    args = {
        "units": draw(small),
        "return_sequences": draw(st.booleans()),
        "use_bias": draw(st.booleans()),
        "go_backwards": draw(st.booleans()) if backwards else None,
        "dropout": draw(st.sampled_from([0.0, 0.2])),
    }
    return item(kind, args)


@st.composite
def bidirectional(draw: st.DrawFn) -> dict[str, Any]:
    return item(
        "bidirectional",
        {
            "layer": draw(recurrent_args(backwards=False)),
            "merge_mode": draw(st.sampled_from(["concat", "sum", "mul", "ave"])),
        },
    )


@st.composite
def attention(draw: st.DrawFn, shape: Shape) -> dict[str, Any]:
    steps, width = shape
    kind = draw(st.sampled_from(["multi_head_attention", "transformer_block", "positional"]))
    if kind == "positional":
        return item(
            "positional_encoding",
            {
                "type": draw(st.sampled_from(["sinusoidal", "learned"])),
                "max_length": draw(st.one_of(st.none(), st.integers(steps, steps + 4))),  # type: ignore[operator]
            },
        )
    heads = draw(st.integers(1, 3))
    key_dim = (
        draw(st.integers(1, 4)) if width % heads else draw(st.one_of(st.none(), st.integers(1, 4)))
    )  # type: ignore[operator]
    if kind == "multi_head_attention":
        return item(
            kind,
            {
                "num_heads": heads,
                "key_dim": key_dim,
                "value_dim": draw(st.one_of(st.none(), st.integers(1, 4))),
                "use_bias": draw(st.booleans()),
                "causal": draw(st.booleans()),
                "dropout": draw(st.sampled_from([0.0, 0.1])),
            },
        )
    return item(
        kind,
        {
            "num_heads": heads,
            "key_dim": key_dim,
            "ff_dim": draw(small),
            "causal": draw(st.booleans()),
            "dropout": draw(st.sampled_from([0.0, 0.1])),
        },
    )


@st.composite
def residual(draw: st.DrawFn, shape: Shape, depth: int) -> dict[str, Any]:
    """A residual block whose body keeps the rank and can be projected back onto its input."""
    body: list[dict[str, Any]] = []
    current = shape
    for _ in range(draw(st.integers(1, 2))):
        layer = draw(body_layer(current, depth + 1))
        body.append(layer)
        current = ITEM.validate_python(layer).output_shape(current)
    args: dict[str, Any] = {"layers": body, "activation": draw(st.sampled_from([None, "relu"]))}
    return item("residual", args)


def body_layer(shape: Shape, depth: int) -> st.SearchStrategy[dict[str, Any]]:
    """Rank-keeping layers for a residual body (convolutions pad 'same', one common stride)."""
    options = [shape_free(shape)]
    if len(shape) <= 2:
        options.append(dense())
    if len(shape) == 2:
        options.append(conv1d(shape[0], same_only=True))  # type: ignore[arg-type]
        options.append(attention(shape))
    if len(shape) == 3:
        options.append(conv2d(shape[:2], same_only=True))  # type: ignore[arg-type]
    if depth < 2:
        options.append(residual(shape, depth))
    return st.one_of(options)


@st.composite
def recurrent(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    layer = draw(recurrent_args())
    return {kind: next(iter(layer.values()))}


def global_pooling(kinds: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda kind, keep: item(kind, {"keepdims": keep}), st.sampled_from(kinds), st.booleans()
    )


@st.composite
def next_layer(draw: st.DrawFn, shape: Shape, dtype: str) -> dict[str, Any]:
    """Any layer kind that takes ``shape``, the kind drawn first so that each is as likely."""
    if dtype == "int32":
        return item(
            "embedding",
            {
                "input_dim": draw(st.integers(2, 30)),
                "output_dim": draw(small),
                "mask_zero": draw(st.booleans()),
            },
        )
    choices: dict[str, st.SearchStrategy[dict[str, Any]]] = {
        "shape_free": shape_free(shape),
        "reshape": reshape(shape),
        "residual": residual(shape, 0),
    }
    if len(shape) == 1:
        choices["dense"] = dense()
    elif len(shape) == 2:
        steps = shape[0]
        choices |= {
            "dense": dense(),
            "conv1d": conv1d(steps),  # type: ignore[arg-type]
            "pooling1d": pooling1d(steps),  # type: ignore[arg-type]
            "global": global_pooling(["global_average_pooling1d", "global_max_pooling1d"]),
            **{kind: recurrent(kind) for kind in RECURRENT},
            "bidirectional": bidirectional(),
            "attention": attention(shape),
            "attention2": attention(shape),
        }
    else:
        sides = shape[:2]
        choices |= {
            "conv2d": conv2d(sides),  # type: ignore[arg-type]
            "conv2d_again": conv2d(sides),  # type: ignore[arg-type]
            "pooling2d": pooling2d(sides),  # type: ignore[arg-type]
            "global": global_pooling(["global_average_pooling2d", "global_max_pooling2d"]),
        }
    return draw(choices[draw(st.sampled_from(sorted(choices)))])


INPUTS = st.one_of(
    st.tuples(st.integers(1, 8)).map(lambda s: (s, "float32")),
    st.tuples(st.integers(1, 8)).map(lambda s: (s, "int32")),
    st.tuples(st.integers(1, 8), st.integers(1, 6)).map(lambda s: (s, "float32")),
    st.tuples(st.integers(1, 8), st.integers(1, 6)).map(lambda s: (s, "float32")),
    st.tuples(st.integers(1, 8), st.integers(1, 8), st.integers(1, 4)).map(
        lambda s: (s, "float32")
    ),
)


@st.composite
def stacks(draw: st.DrawFn) -> tuple[Shape, str, list[dict[str, Any]]]:
    """An input shape and dtype, and 1-5 layer items, each valid on its predecessor's output."""
    shape, dtype = draw(INPUTS)
    first_shape, first_dtype = shape, dtype
    items: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(1, 5))):
        layer = draw(next_layer(shape, dtype))
        items.append(layer)
        shape = ITEM.validate_python(layer).output_shape(shape)
        dtype = "float32"
    if len(shape) != 1:
        items.append({"flatten": None})
    return first_shape, first_dtype, items


# -- the property ----------------------------------------------------------------------------


def analyse(shape: Shape, dtype: str, items: list[dict[str, Any]]) -> tuple[Any, Any]:
    data = {
        "name": "generated",
        "task": {"type": "regression", "outputs": 2},
        "model": {"input": {"shape": list(shape), "dtype": dtype}, "layers": items},
    }
    spec, source_map = spec_module.parse(document.Document(data, "<generated>"))
    return spec, check.run(spec, source_map)


def weights(layer: Any) -> tuple[int, int]:
    trainable = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
    frozen = sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights)
    return trainable, frozen


@SETTINGS
@given(stacks())
def test_static_inference_equals_keras_layer_by_layer(stack):
    from dlspec import compiler
    from dlspec.report import summary as summary_module

    shape, dtype, items = stack
    direct: list[LayerSpec] = [ITEM.validate_python(i) for i in items]
    spec, inference = analyse(shape, dtype, items)
    assert list(spec.model.layers) == direct
    assert not has_errors(inference.diagnostics), [d.format() for d in inference.diagnostics]
    model = compiler.model(spec, inference)
    for _, row in summary_module.rows(inference):
        event(row.kind)  # kind coverage, in --hypothesis-show-statistics
    for row in inference.layers:
        layer = model.get_layer(row.name)
        assert tuple(layer.output.shape[1:]) == row.output_shape, row.name
        assert weights(layer) == (row.params.trainable, row.params.non_trainable), row.name
        assert layer.count_params() == row.params.total, row.name
    assert model.count_params() == inference.params.total
    view = summary_module.compare(inference, model)  # nested residual rows too
    assert view.agrees, view.differing
    batch = np.ones((2, *shape), dtype=dtype)
    assert model(batch).shape == (2, *inference.layers[-1].output_shape)


# -- Keras rejects -> static rejects ---------------------------------------------------------

ANY_SHAPE = st.lists(st.integers(1, 7), min_size=1, max_size=4).map(tuple)


@st.composite
def any_layer(draw: st.DrawFn) -> dict[str, Any]:
    """One layer with arguments drawn without regard to any input."""
    sides = (draw(st.integers(1, 7)), draw(st.integers(1, 7)))
    return draw(
        st.one_of(
            dense(),
            st.builds(
                lambda k, s, d, p: item(
                    "conv1d",
                    {
                        "filters": 2,
                        "kernel_size": k,
                        "strides": s,
                        "dilation_rate": d,
                        "padding": p,
                    },
                ),
                st.integers(1, 8),
                st.integers(1, 3),
                st.integers(1, 3),
                st.sampled_from(["valid", "same", "causal"]),
            ),
            st.builds(
                lambda k, s, d, p: item(
                    "conv2d",
                    {
                        "filters": 2,
                        "kernel_size": k,
                        "strides": s,
                        "dilation_rate": d,
                        "padding": p,
                    },
                ),
                st.integers(1, 8),
                st.integers(1, 3),
                st.integers(1, 3),
                st.sampled_from(["valid", "same"]),
            ),
            pooling1d(8).map(lambda i: {k: {**v, "pool_size": 5} for k, v in i.items()}),
            pooling1d(3),
            pooling2d(sides),
            st.builds(
                lambda kind: item(kind),
                st.sampled_from(
                    [
                        "global_average_pooling1d",
                        "global_max_pooling1d",
                        "global_average_pooling2d",
                        "global_max_pooling2d",
                    ]
                ),
            ),
            recurrent_args(backwards=False),
            bidirectional(),
            st.builds(lambda h: item("multi_head_attention", {"num_heads": h}), st.integers(1, 3)),
            st.builds(
                lambda h: item("transformer_block", {"num_heads": h, "ff_dim": 4}),
                st.integers(1, 3),
            ),
            st.just(item("positional_encoding", {"type": "learned", "max_length": 4})),
            st.just(item("layer_normalization")),
            st.just(item("batch_normalization")),
        )
    )


def keras_output(spec: LayerSpec, shape: Shape) -> tuple[Shape, int] | Exception:
    """Keras's output shape and count for one layer, or the error with which Keras rejects it."""
    import keras

    try:
        inputs = keras.Input(shape)
        layer = spec.build("x")
        outputs = layer(inputs)
        layer(np.zeros((1, *shape), "float32"))
    except Exception as error:  # any rejection by Keras counts
        return error
    return tuple(outputs.shape[1:]), layer.count_params()


@SETTINGS
@given(any_layer(), ANY_SHAPE)
@example(item("conv2d", {"filters": 2, "kernel_size": 3}), (8, 4))
@example(item("conv2d", {"filters": 2, "kernel_size": 5}), (4, 4, 1))
@example(item("conv1d", {"filters": 2, "kernel_size": 2, "strides": 2, "dilation_rate": 2}), (8, 3))
@example(item("lstm", {"units": 2}), (5,))
@example(item("max_pooling2d", {"pool_size": 3}), (2, 2, 1))
@example(item("multi_head_attention", {"num_heads": 3}), (4, 8))
@example(item("positional_encoding", {"type": "learned", "max_length": 4}), (6, 2))
@example(item("global_average_pooling1d"), (3, 3, 3))
def test_where_keras_rejects_an_input_static_inference_raises(layer_item, shape):
    spec = ITEM.validate_python(layer_item)
    found = keras_output(spec, shape)
    event("keras rejects" if isinstance(found, Exception) else "keras accepts")
    try:
        static = spec.output_shape(shape), spec.params(shape).total
    except ShapeError:
        event("static rejects")
        return  # static inference may be stricter than Keras, never looser
    assert not isinstance(found, Exception), f"Keras rejects what static accepts: {found!r}"
    assert found == static


# -- paired kinds: a sequence attending to a context -------------------------------------------


@st.composite
def paired(draw: st.DrawFn) -> tuple[dict[str, Any], Shape, Shape]:
    """A cross_attention or transformer_decoder_block item, a sequence and a context shape."""
    heads = draw(st.integers(1, 3))
    width = heads * draw(st.integers(1, 4))  # heads divide the width: key_dim may be left out
    shape: Shape = (draw(st.integers(1, 5)), width)
    context: Shape = (draw(st.integers(1, 6)), draw(st.integers(1, 9)))
    key_dim = draw(st.none() | st.integers(1, 4))
    if draw(st.booleans()):
        args = {"num_heads": heads, "key_dim": key_dim, "ff_dim": draw(st.integers(1, 8))}
        return item("transformer_decoder_block", args), shape, context
    args = {
        "num_heads": heads,
        "key_dim": key_dim,
        "value_dim": draw(st.none() | st.integers(1, 4)),
        "use_bias": draw(st.booleans()),
    }
    return item("cross_attention", args), shape, context


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paired())
def test_paired_kinds_infer_what_keras_builds(drawn):
    import keras

    layer_item, shape, context = drawn
    spec = ITEM.validate_python(layer_item)
    event(next(iter(layer_item)))
    layer = spec.build("x")
    outputs = layer(keras.Input(shape), keras.Input(context))
    assert tuple(outputs.shape[1:]) == spec.paired_shape(shape, context)
    assert layer.count_params() == spec.paired_params(shape, context).total
    ran = layer(np.ones((2, *shape), "float32"), np.ones((2, *context), "float32"))
    assert tuple(ran.shape) == (2, *shape)
