import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.global_max_pooling1d import GlobalMaxPooling1DSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_bare_and_mapping_forms():
    assert parse("global_max_pooling1d") == GlobalMaxPooling1DSpec(kind="global_max_pooling1d")
    assert parse({"global_max_pooling1d": {"keepdims": True}}).keepdims is True


@pytest.mark.parametrize(
    "item",
    [
        {"global_max_pooling1d": True},
        {"global_max_pooling1d": {"keepdims": "maybe"}},
        {"global_max_pooling1d": {"axis": 1}},
    ],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("keepdims", "shape", "out"),
    [
        (False, (10, 32), (32,)),
        (True, (10, 32), (1, 32)),
        (False, (None, 8), (8,)),
        (True, (None, 8), (1, 8)),
    ],
)
def test_output_shape_by_hand(keepdims, shape, out):
    spec = parse({"global_max_pooling1d": {"keepdims": keepdims}})
    assert spec.output_shape(shape) == out
    assert spec.params(shape) == Params()


@pytest.mark.parametrize("shape", [(32,), (7, 7, 64)])
def test_wrong_rank_is_dls301(shape):
    with pytest.raises(ShapeError) as info:
        parse("global_max_pooling1d").output_shape(shape)
    assert info.value.code == "DLS301"
    assert "rank-2 input (steps, channels)" in info.value.message


@pytest.mark.keras
@pytest.mark.parametrize(
    ("keepdims", "shape"),
    [
        (False, (10, 32)),
        (True, (10, 32)),
        (False, (None, 8)),
        (True, (None, 8)),
    ],
)
def test_matches_keras(keras_run, keepdims, shape):
    spec = parse({"global_max_pooling1d": {"keepdims": keepdims}})
    assert keras_run(spec, shape) == (spec.output_shape(shape), Params())
