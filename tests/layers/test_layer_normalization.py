import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.layer_normalization import LayerNormalizationSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_bare_and_mapping_forms():
    bare = parse("layer_normalization")
    assert bare == LayerNormalizationSpec(kind="layer_normalization")
    assert (bare.epsilon, bare.center, bare.scale) == (1e-3, True, True)
    assert parse({"layer_normalization": {"epsilon": 1e-6}}).epsilon == 1e-6


@pytest.mark.parametrize(
    "item",
    [
        {"layer_normalization": 1e-6},
        {"layer_normalization": {"epsilon": -1}},
        {"layer_normalization": {"axis": 1}},
    ],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("args", "shape", "params"),
    [
        ({}, (10,), 20),
        ({}, (None, 64), 128),
        ({"center": False}, (5, 8), 8),
        ({"center": False, "scale": False}, (8,), 0),
    ],
)
def test_shape_and_params_by_hand(args, shape, params):
    spec = parse({"layer_normalization": args})
    assert spec.output_shape(shape) == shape
    assert spec.params(shape) == Params(params)


def test_needs_a_known_last_axis():
    with pytest.raises(ShapeError):
        parse("layer_normalization").output_shape((4, None))


@pytest.mark.keras
@pytest.mark.parametrize(
    ("args", "shape"),
    [
        ({}, (10,)),
        ({"epsilon": 1e-6}, (None, 16)),
        ({"center": False}, (3, 3, 4)),
        ({"scale": False}, (7,)),
    ],
)
def test_matches_keras(keras_run, args, shape):
    spec = parse({"layer_normalization": args})
    assert keras_run(spec, shape) == (spec.output_shape(shape), spec.params(shape))
