import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.dense import DenseSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_shorthand_and_mapping_forms():
    assert parse({"dense": 10}) == DenseSpec(kind="dense", units=10)
    full = parse({"dense": {"units": 64, "activation": "relu", "kernel_regularizer": {"l2": 0.01}}})
    assert (full.units, full.activation, full.kernel_regularizer.l2) == (64, "relu", 0.01)


@pytest.mark.parametrize(
    "item",
    [
        "dense",
        {"dense": 0},
        {"dense": "ten"},
        {"dense": {"units": 4, "activation": "relux"}},
        {"dense": {"units": 4, "kernel_regularizer": {"l2": -1}}},
        {"dense": {"units": 4, "unit": 4}},
    ],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("item", "shape", "out", "params"),
    [
        ({"dense": 128}, (784,), (128,), 784 * 128 + 128),
        ({"dense": {"units": 10, "use_bias": False}}, (128,), (10,), 1280),
        ({"dense": 16}, (None, 8), (None, 16), 8 * 16 + 16),
    ],
)
def test_shape_and_params_by_hand(item, shape, out, params):
    spec = parse(item)
    assert spec.output_shape(shape) == out
    assert spec.params(shape) == Params(params)


@pytest.mark.parametrize("shape", [(28, 28, 1), (), (None,)])
def test_shape_errors(shape):
    with pytest.raises(ShapeError) as info:
        parse({"dense": 4}).output_shape(shape)
    assert info.value.code == "DLS301"


@pytest.mark.keras
@pytest.mark.parametrize(
    ("item", "shape"),
    [
        ({"dense": 7}, (13,)),
        ({"dense": {"units": 3, "use_bias": False, "activation": "softmax"}}, (5,)),
        ({"dense": {"units": 4, "kernel_regularizer": {"l1": 0.1}}}, (None, 6)),
    ],
)
def test_matches_keras(keras_run, item, shape):
    spec = parse(item)
    assert keras_run(spec, shape) == (spec.output_shape(shape), spec.params(shape))
