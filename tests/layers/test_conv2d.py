import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.conv2d import Conv2DSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_the_mapping_form():
    spec = parse({"conv2d": {"filters": 8, "kernel_size": 3}})
    assert spec == Conv2DSpec(kind="conv2d", filters=8, kernel_size=3)
    assert (spec.strides, spec.padding, spec.dilation_rate, spec.activation) == (
        1,
        "valid",
        1,
        "linear",
    )
    pairs = parse({"conv2d": {"filters": 8, "kernel_size": [3, 5], "strides": [2, 1]}})
    assert (pairs.kernel_size, pairs.strides) == ([3, 5], [2, 1])


@pytest.mark.parametrize(
    "item",
    [
        {"conv2d": 8},  # the shorthand sets filters, but kernel_size is required
        "conv2d",
        {"conv2d": {"filters": 0, "kernel_size": 3}},
        {"conv2d": {"filters": 8, "kernel_size": [3, 3, 3]}},
        {"conv2d": {"filters": 8, "kernel_size": [3, 0]}},
        {"conv2d": {"filters": 8, "kernel_size": 3, "padding": "full"}},
        {"conv2d": {"filters": 8, "kernel_size": 3, "padding": "causal"}},
        {"conv2d": {"filters": 8, "kernel_size": 3, "activation": "relux"}},
    ],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("args", "shape", "out", "params"),
    [
        # LeNet's first layer: 6 filters of 5x5 on one channel, 6 * (25 + 1) parameters.
        ({"filters": 6, "kernel_size": 5, "padding": "same"}, (28, 28, 1), (28, 28, 6), 156),
        ({"filters": 6, "kernel_size": 5}, (28, 28, 1), (24, 24, 6), 156),
        ({"filters": 16, "kernel_size": 5}, (14, 14, 6), (10, 10, 16), 2416),
        ({"filters": 4, "kernel_size": [3, 5], "strides": [2, 1]}, (9, 9, 2), (4, 5, 4), 124),
        (
            {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"},
            (9, 9, 2),
            (5, 5, 4),
            76,
        ),
        ({"filters": 1, "kernel_size": 3, "dilation_rate": 2}, (10, 10, 1), (6, 6, 1), 10),
        ({"filters": 8, "kernel_size": 1, "use_bias": False}, (None, None, 3), (None, None, 8), 24),
    ],
)
def test_shape_and_params_by_hand(args, shape, out, params):
    spec = parse({"conv2d": args})
    assert spec.output_shape(shape) == out
    assert spec.params(shape) == Params(params)


def test_wrong_rank_is_dls301_with_a_hint():
    with pytest.raises(ShapeError) as info:
        parse({"conv2d": {"filters": 8, "kernel_size": 3}}).output_shape((64,))
    assert info.value.code == "DLS301"
    assert info.value.message == (
        "conv2d needs a rank-3 input (height, width, channels), got (64,)"
    )
    assert info.value.hint == "give model.input as [height, width, channels] or add a 'reshape'"


def test_shrinking_below_one_is_dls302():
    spec = parse({"conv2d": {"filters": 8, "kernel_size": 7}})
    for method in (spec.output_shape, spec.params):
        with pytest.raises(ShapeError) as info:
            method((5, 5, 1))
        assert info.value.code == "DLS302"
        assert info.value.message == (
            "conv2d shrinks (5, 5) to (0, 0) with kernel_size 7 and strides 1"
        )
        assert info.value.hint == "use padding: same, a smaller kernel_size or fewer pooling layers"
    # The same kernel fits with same padding.
    assert parse({"conv2d": {"filters": 8, "kernel_size": 7, "padding": "same"}}).output_shape(
        (5, 5, 1)
    ) == (5, 5, 8)


def test_shrink_message_names_pairs_and_dilation():
    spec = parse({"conv2d": {"filters": 1, "kernel_size": [3, 1], "dilation_rate": 3}})
    with pytest.raises(ShapeError) as info:
        spec.output_shape((6, 6, 1))
    assert "with kernel_size (3, 1), strides 1 and dilation_rate 3" in info.value.message


def test_unknown_channels_cannot_size_the_kernel():
    with pytest.raises(ShapeError):
        parse({"conv2d": {"filters": 8, "kernel_size": 3}}).params((8, 8, None))


def test_strides_with_dilation_is_an_error():
    spec = parse({"conv2d": {"filters": 8, "kernel_size": 3, "strides": 2, "dilation_rate": 2}})
    with pytest.raises(ShapeError) as info:
        spec.output_shape((16, 16, 1))
    assert "strides 2 with dilation_rate 2" in info.value.message


@pytest.mark.keras
@pytest.mark.parametrize(
    ("args", "shape"),
    [
        ({"filters": 6, "kernel_size": 5, "padding": "same"}, (28, 28, 1)),
        ({"filters": 6, "kernel_size": 5, "activation": "relu"}, (28, 28, 1)),
        ({"filters": 4, "kernel_size": [3, 5], "strides": [2, 1]}, (9, 9, 2)),
        ({"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"}, (9, 9, 2)),
        ({"filters": 4, "kernel_size": 3, "strides": 3}, (10, 11, 2)),
        ({"filters": 2, "kernel_size": [2, 3], "dilation_rate": [2, 3]}, (10, 12, 1)),
        ({"filters": 2, "kernel_size": 3, "dilation_rate": 2, "padding": "same"}, (7, 7, 3)),
        ({"filters": 8, "kernel_size": 1, "use_bias": False}, (None, None, 3)),
        ({"filters": 3, "kernel_size": 3, "kernel_regularizer": {"l2": 0.01}}, (5, 5, 2)),
    ],
)
def test_matches_keras(keras_run, args, shape):
    spec = parse({"conv2d": args})
    assert keras_run(spec, shape) == (spec.output_shape(shape), spec.params(shape))


@pytest.mark.keras
@pytest.mark.parametrize(
    ("args", "shape"),
    [
        ({"filters": 8, "kernel_size": 7}, (5, 5, 1)),
        ({"filters": 8, "kernel_size": 3, "strides": 2, "dilation_rate": 2}, (16, 16, 1)),
    ],
)
def test_keras_rejects_what_the_checker_rejects(args, shape):
    import keras

    spec = parse({"conv2d": args})
    with pytest.raises(ShapeError):
        spec.output_shape(shape)
    with pytest.raises(ValueError):
        spec.build("x")(keras.Input(shape))


@pytest.mark.keras
@settings(max_examples=40, deadline=None)
@given(
    side=st.integers(1, 12),
    kernel=st.integers(1, 5),
    strides=st.integers(1, 3),
    dilation=st.integers(1, 3),
    padding=st.sampled_from(["valid", "same"]),
)
def test_agrees_with_keras_on_random_configurations(
    keras_agrees, side, kernel, strides, dilation, padding
):
    args = {"filters": 2, "kernel_size": kernel, "strides": strides, "padding": padding}
    spec = parse({"conv2d": {**args, "dilation_rate": dilation}})
    keras_agrees(spec, (side, side + 1, 1))
