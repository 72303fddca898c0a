import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params
from dlspec.layers import LayerItem
from dlspec.layers.dropout import DropoutSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_shorthand_and_mapping_forms():
    assert parse({"dropout": 0.5}) == DropoutSpec(kind="dropout", rate=0.5)
    assert parse({"dropout": {"rate": 0, "seed": 3}}).seed == 3


@pytest.mark.parametrize(
    "item", ["dropout", {"dropout": 1.5}, {"dropout": 1}, {"dropout": -0.1}, {"dropout": "half"}]
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize("shape", [(10,), (None, 4), (28, 28, 3)])
def test_keeps_the_shape_and_has_no_params(shape):
    spec = parse({"dropout": 0.2})
    assert spec.output_shape(shape) == shape
    assert spec.params(shape) == Params()


@pytest.mark.keras
@pytest.mark.parametrize("shape", [(10,), (None, 4), (7, 7, 3)])
def test_matches_keras(keras_run, shape):
    spec = parse({"dropout": {"rate": 0.3, "seed": 1}})
    assert keras_run(spec, shape) == (shape, Params())
