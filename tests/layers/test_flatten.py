import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params
from dlspec.layers import LayerItem
from dlspec.layers.flatten import FlattenSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_bare_and_mapping_forms():
    assert parse("flatten") == FlattenSpec(kind="flatten")
    assert parse({"flatten": None}) == FlattenSpec(kind="flatten")
    assert parse({"flatten": {}, "name": "flat"}).name == "flat"


@pytest.mark.parametrize("item", [{"flatten": 3}, {"flatten": {"data_format": "channels_last"}}])
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("shape", "out"),
    [((28, 28, 1), (784,)), ((10,), (10,)), ((5, 4), (20,)), ((None, 4), (None,)), ((), (1,))],
)
def test_output_shape_by_hand(shape, out):
    assert parse("flatten").output_shape(shape) == out
    assert parse("flatten").params(shape) == Params()


@pytest.mark.keras
@pytest.mark.parametrize("shape", [(28, 28, 1), (10,), (3, 4, 5, 2), (None, 4)])
def test_matches_keras(keras_run, shape):
    spec = parse("flatten")
    assert keras_run(spec, shape) == (spec.output_shape(shape), Params())
