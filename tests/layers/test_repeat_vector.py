import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem

parse = TypeAdapter(LayerItem).validate_python


def test_parses_the_shorthand_and_requires_n():
    assert parse({"repeat_vector": 10}).n == 10
    with pytest.raises(ValidationError):
        parse("repeat_vector")


def test_output_shape_by_hand():
    assert parse({"repeat_vector": 10}).output_shape((32,)) == (10, 32)


def test_needs_a_vector_with_a_hint():
    with pytest.raises(ShapeError) as raised:
        parse({"repeat_vector": 3}).output_shape((5, 4))
    assert "needs a rank-1 input (features,), got (5, 4)" in raised.value.message
    assert "without return_sequences" in raised.value.hint


@pytest.mark.keras
@pytest.mark.parametrize(("n", "shape"), [(10, (32,)), (1, (3,))])
def test_matches_keras(keras_run, n, shape):
    spec = parse({"repeat_vector": n})
    assert keras_run(spec, shape) == (spec.output_shape(shape), Params())
