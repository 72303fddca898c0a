import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.max_pooling1d import MaxPooling1DSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_shorthand_bare_and_mapping_forms():
    assert parse("max_pooling1d") == MaxPooling1DSpec(kind="max_pooling1d")
    assert parse({"max_pooling1d": 3}).pool_size == 3
    spec = parse({"max_pooling1d": {"pool_size": 3, "strides": 1, "padding": "same"}})
    assert (spec.pool_size, spec.strides, spec.padding) == (3, 1, "same")


@pytest.mark.parametrize(
    "item",
    [
        {"max_pooling1d": 0},
        {"max_pooling1d": [2, 2]},
        {"max_pooling1d": {"strides": 0}},
        {"max_pooling1d": {"padding": "causal"}},
        {"max_pooling1d": {"padding": "full"}},
    ],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("args", "shape", "out"),
    [
        ({}, (100, 8), (50, 8)),
        ({}, (5, 1), (2, 1)),
        ({"padding": "same"}, (5, 1), (3, 1)),
        ({"pool_size": 3, "strides": 1}, (5, 2), (3, 2)),
        ({"pool_size": 3, "strides": 2, "padding": "same"}, (6, 2), (3, 2)),
        ({}, (None, 4), (None, 4)),
    ],
)
def test_output_shape_by_hand(args, shape, out):
    spec = parse({"max_pooling1d": args})
    assert spec.output_shape(shape) == out
    assert spec.params(shape) == Params()


def test_wrong_rank_is_dls301():
    with pytest.raises(ShapeError) as info:
        parse("max_pooling1d").output_shape((28, 28, 1))
    assert info.value.code == "DLS301"
    assert "rank-2 input (steps, channels)" in info.value.message


def test_shrinking_below_one_is_dls302():
    with pytest.raises(ShapeError) as info:
        parse({"max_pooling1d": 4}).output_shape((3, 8))
    assert info.value.code == "DLS302"
    assert info.value.message == "max_pooling1d shrinks (3,) to (0,) with pool_size 4 and strides 4"
    assert "a smaller pool_size" in info.value.hint


@pytest.mark.keras
@pytest.mark.parametrize(
    ("args", "shape"),
    [
        ({}, (100, 8)),
        ({}, (5, 1)),
        ({"padding": "same"}, (5, 1)),
        ({"pool_size": 3, "strides": 1}, (5, 2)),
        ({"pool_size": 3, "strides": 2, "padding": "same"}, (6, 2)),
        ({"pool_size": 2, "strides": 3}, (10, 2)),
        ({}, (None, 4)),
    ],
)
def test_matches_keras(keras_run, args, shape):
    spec = parse({"max_pooling1d": args})
    assert keras_run(spec, shape) == (spec.output_shape(shape), Params())
