import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.average_pooling2d import AveragePooling2DSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_shorthand_bare_and_mapping_forms():
    assert parse("average_pooling2d") == AveragePooling2DSpec(kind="average_pooling2d")
    assert parse({"average_pooling2d": 3}).pool_size == 3
    assert parse({"average_pooling2d": [2, 3]}).pool_size == [2, 3]
    spec = parse({"average_pooling2d": {"pool_size": 3, "strides": [1, 2], "padding": "same"}})
    assert (spec.pool_size, spec.strides, spec.padding) == (3, [1, 2], "same")


@pytest.mark.parametrize(
    "item",
    [
        {"average_pooling2d": 0},
        {"average_pooling2d": [2, 2, 2]},
        {"average_pooling2d": {"strides": [1, 0]}},
        {"average_pooling2d": {"padding": "full"}},
    ],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("args", "shape", "out"),
    [
        ({}, (28, 28, 6), (14, 14, 6)),
        ({}, (5, 5, 1), (2, 2, 1)),
        ({"padding": "same"}, (5, 5, 1), (3, 3, 1)),
        ({"pool_size": 3, "strides": 1}, (5, 5, 1), (3, 3, 1)),
        ({"pool_size": [3, 2], "strides": [2, 1]}, (7, 7, 2), (3, 6, 2)),
        ({"pool_size": 3, "strides": 2, "padding": "same"}, (7, 8, 2), (4, 4, 2)),
        ({}, (None, 10, 4), (None, 5, 4)),
    ],
)
def test_output_shape_by_hand(args, shape, out):
    spec = parse({"average_pooling2d": args})
    assert spec.output_shape(shape) == out
    assert spec.params(shape) == Params()


@pytest.mark.parametrize("shape", [(64,), (10, 4)])
def test_wrong_rank_is_dls301(shape):
    with pytest.raises(ShapeError) as info:
        parse("average_pooling2d").output_shape(shape)
    assert info.value.code == "DLS301"
    assert "rank-3 input (height, width, channels)" in info.value.message


def test_shrinking_below_one_is_dls302():
    with pytest.raises(ShapeError) as info:
        parse({"average_pooling2d": 7}).output_shape((5, 5, 1))
    assert info.value.code == "DLS302"
    assert (
        info.value.message
        == "average_pooling2d shrinks (5, 5) to (0, 0) with pool_size 7 and strides 7"
    )
    assert "padding: same" in info.value.hint


@pytest.mark.keras
@pytest.mark.parametrize(
    ("args", "shape"),
    [
        ({}, (28, 28, 6)),
        ({}, (5, 5, 1)),
        ({"padding": "same"}, (5, 5, 1)),
        ({"pool_size": 3, "strides": 1}, (5, 5, 1)),
        ({"pool_size": [3, 2], "strides": [2, 1]}, (7, 7, 2)),
        ({"pool_size": 3, "strides": 2, "padding": "same"}, (7, 8, 2)),
        ({"pool_size": [2, 4], "padding": "same"}, (7, 9, 3)),
        ({}, (None, 10, 4)),
    ],
)
def test_matches_keras(keras_run, args, shape):
    spec = parse({"average_pooling2d": args})
    assert keras_run(spec, shape) == (spec.output_shape(shape), Params())


@pytest.mark.keras
@settings(max_examples=30, deadline=None)
@given(
    side=st.integers(1, 12),
    pool=st.integers(1, 5),
    strides=st.none() | st.integers(1, 3),
    padding=st.sampled_from(["valid", "same"]),
)
def test_agrees_with_keras_on_random_configurations(side, pool, strides, padding):
    import keras

    spec = parse({"average_pooling2d": {"pool_size": pool, "strides": strides, "padding": padding}})
    shape = (side, side + 2, 1)
    try:
        out = spec.output_shape(shape)
    except ShapeError:
        out = None
    try:
        theirs = tuple(spec.build("x")(keras.Input(shape)).shape[1:])
    except ValueError:
        theirs = None
    assert out == theirs
