import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.global_max_pooling2d import GlobalMaxPooling2DSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_bare_and_mapping_forms():
    assert parse("global_max_pooling2d") == GlobalMaxPooling2DSpec(kind="global_max_pooling2d")
    assert parse({"global_max_pooling2d": {"keepdims": True}}).keepdims is True


@pytest.mark.parametrize(
    "item",
    [
        {"global_max_pooling2d": True},
        {"global_max_pooling2d": {"keepdims": "maybe"}},
        {"global_max_pooling2d": {"axis": 1}},
    ],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("keepdims", "shape", "out"),
    [
        (False, (7, 7, 64), (64,)),
        (True, (7, 7, 64), (1, 1, 64)),
        (False, (None, None, 3), (3,)),
        (True, (None, 5, 3), (1, 1, 3)),
    ],
)
def test_output_shape_by_hand(keepdims, shape, out):
    spec = parse({"global_max_pooling2d": {"keepdims": keepdims}})
    assert spec.output_shape(shape) == out
    assert spec.params(shape) == Params()


@pytest.mark.parametrize("shape", [(64,), (10, 32)])
def test_wrong_rank_is_dls301(shape):
    with pytest.raises(ShapeError) as info:
        parse("global_max_pooling2d").output_shape(shape)
    assert info.value.code == "DLS301"
    assert "rank-3 input (height, width, channels)" in info.value.message


@pytest.mark.keras
@pytest.mark.parametrize(
    ("keepdims", "shape"),
    [
        (False, (7, 7, 64)),
        (True, (7, 7, 64)),
        (False, (None, None, 3)),
        (True, (None, 5, 3)),
    ],
)
def test_matches_keras(keras_run, keepdims, shape):
    spec = parse({"global_max_pooling2d": {"keepdims": keepdims}})
    assert keras_run(spec, shape) == (spec.output_shape(shape), Params())
