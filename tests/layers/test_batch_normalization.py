import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.batch_normalization import BatchNormalizationSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_bare_and_mapping_forms():
    bare = parse("batch_normalization")
    assert bare == BatchNormalizationSpec(kind="batch_normalization")
    assert (bare.momentum, bare.epsilon, bare.center, bare.scale) == (0.99, 1e-3, True, True)
    assert parse({"batch_normalization": {"momentum": 0.9, "scale": False}}).momentum == 0.9


@pytest.mark.parametrize(
    "item",
    [
        {"batch_normalization": 0.9},
        {"batch_normalization": {"momentum": 1.5}},
        {"batch_normalization": {"epsilon": 0}},
        {"batch_normalization": {"axis": 1}},
        {"batch_normalization": {"center": "maybe"}},
    ],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("args", "shape", "trainable", "non_trainable"),
    [
        ({}, (10,), 20, 20),
        ({}, (28, 28, 32), 64, 64),
        ({"center": False}, (None, 8), 8, 16),
        ({"center": False, "scale": False}, (8,), 0, 16),
    ],
)
def test_shape_and_params_by_hand(args, shape, trainable, non_trainable):
    spec = parse({"batch_normalization": args})
    assert spec.output_shape(shape) == shape
    assert spec.params(shape) == Params(trainable, non_trainable)


@pytest.mark.parametrize("shape", [(), (4, None)])
def test_needs_a_known_last_axis(shape):
    with pytest.raises(ShapeError):
        parse("batch_normalization").params(shape)


@pytest.mark.keras
@pytest.mark.parametrize(
    ("args", "shape"),
    [
        ({}, (10,)),
        ({"momentum": 0.9, "epsilon": 1e-5}, (6, 6, 3)),
        ({"center": False}, (None, 8)),
        ({"scale": False}, (4,)),
        ({"center": False, "scale": False}, (5, 2)),
    ],
)
def test_matches_keras(keras_run, args, shape):
    spec = parse({"batch_normalization": args})
    assert keras_run(spec, shape) == (spec.output_shape(shape), spec.params(shape))
