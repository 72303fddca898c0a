import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.conv1d import Conv1DSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_the_mapping_form():
    spec = parse({"conv1d": {"filters": 16, "kernel_size": 5, "padding": "causal"}})
    assert spec == Conv1DSpec(kind="conv1d", filters=16, kernel_size=5, padding="causal")
    assert (spec.strides, spec.dilation_rate, spec.use_bias) == (1, 1, True)


@pytest.mark.parametrize(
    "item",
    [
        {"conv1d": 16},  # the shorthand sets filters, but kernel_size is required
        {"conv1d": {"filters": 16, "kernel_size": [3, 3]}},
        {"conv1d": {"filters": 16, "kernel_size": 0}},
        {"conv1d": {"filters": 16, "kernel_size": 3, "padding": "full"}},
        {"conv1d": {"filters": 16, "kernel_size": 3, "strides": 0}},
    ],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("args", "shape", "out", "params"),
    [
        ({"filters": 16, "kernel_size": 5}, (100, 8), (96, 16), 5 * 8 * 16 + 16),
        ({"filters": 16, "kernel_size": 5, "padding": "same"}, (100, 8), (100, 16), 656),
        ({"filters": 4, "kernel_size": 3, "strides": 2}, (10, 1), (4, 4), 16),
        ({"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"}, (11, 1), (6, 4), 16),
        (
            {"filters": 2, "kernel_size": 2, "padding": "causal", "dilation_rate": 4},
            (9, 3),
            (9, 2),
            14,
        ),
        ({"filters": 2, "kernel_size": 3, "dilation_rate": 3}, (9, 3), (3, 2), 20),
        ({"filters": 2, "kernel_size": 3, "use_bias": False}, (None, 3), (None, 2), 18),
    ],
)
def test_shape_and_params_by_hand(args, shape, out, params):
    spec = parse({"conv1d": args})
    assert spec.output_shape(shape) == out
    assert spec.params(shape) == Params(params)


@pytest.mark.parametrize("shape", [(100,), (28, 28, 1)])
def test_wrong_rank_is_dls301(shape):
    with pytest.raises(ShapeError) as info:
        parse({"conv1d": {"filters": 4, "kernel_size": 3}}).params(shape)
    assert info.value.code == "DLS301"
    assert "rank-2 input (steps, channels)" in info.value.message
    assert "[steps, channels]" in info.value.hint


def test_shrinking_below_one_is_dls302():
    with pytest.raises(ShapeError) as info:
        parse({"conv1d": {"filters": 4, "kernel_size": 5}}).output_shape((3, 1))
    assert info.value.code == "DLS302"
    assert info.value.message == "conv1d shrinks (3,) to (0,) with kernel_size 5 and strides 1"


@pytest.mark.keras
@pytest.mark.parametrize(
    ("args", "shape"),
    [
        ({"filters": 16, "kernel_size": 5}, (100, 8)),
        ({"filters": 16, "kernel_size": 5, "padding": "same", "activation": "relu"}, (100, 8)),
        ({"filters": 4, "kernel_size": 3, "strides": 2}, (10, 1)),
        ({"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"}, (11, 1)),
        ({"filters": 2, "kernel_size": 2, "padding": "causal", "dilation_rate": 4}, (9, 3)),
        ({"filters": 2, "kernel_size": 3, "strides": 3, "padding": "causal"}, (10, 3)),
        ({"filters": 2, "kernel_size": 3, "dilation_rate": 3}, (9, 3)),
        ({"filters": 2, "kernel_size": 3, "use_bias": False}, (None, 3)),
        ({"filters": 2, "kernel_size": 3, "kernel_regularizer": {"l1": 0.1}}, (6, 2)),
    ],
)
def test_matches_keras(keras_run, args, shape):
    spec = parse({"conv1d": args})
    assert keras_run(spec, shape) == (spec.output_shape(shape), spec.params(shape))


@pytest.mark.keras
@settings(max_examples=40, deadline=None)
@given(
    steps=st.integers(1, 12),
    kernel=st.integers(1, 5),
    strides=st.integers(1, 3),
    dilation=st.integers(1, 3),
    padding=st.sampled_from(["valid", "same", "causal"]),
)
def test_agrees_with_keras_on_random_configurations(
    keras_agrees, steps, kernel, strides, dilation, padding
):
    args = {"filters": 2, "kernel_size": kernel, "strides": strides, "padding": padding}
    spec = parse({"conv1d": {**args, "dilation_rate": dilation}})
    keras_agrees(spec, (steps, 2))
