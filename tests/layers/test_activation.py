import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params
from dlspec.layers import LayerItem
from dlspec.layers.activation import ActivationSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_shorthand_and_mapping_forms():
    assert parse({"activation": "relu"}) == ActivationSpec(kind="activation", activation="relu")
    named = parse({"activation": {"activation": "softmax"}, "name": "probs"})
    assert (named.activation, named.name) == ("softmax", "probs")


@pytest.mark.parametrize(
    "item",
    ["activation", {"activation": "relux"}, {"activation": 1}, {"activation": {"fn": "relu"}}],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize("shape", [(10,), (None, 4), (28, 28, 3)])
def test_keeps_the_shape_and_has_no_params(shape):
    spec = parse({"activation": "tanh"})
    assert spec.output_shape(shape) == shape
    assert spec.params(shape) == Params()


@pytest.mark.keras
@pytest.mark.parametrize(
    ("activation", "shape"),
    [("relu", (10,)), ("softmax", (None, 4)), ("gelu", (5, 5, 2)), ("log_softmax", (3,))],
)
def test_matches_keras(keras_run, activation, shape):
    spec = parse({"activation": activation})
    assert keras_run(spec, shape) == (shape, Params())
