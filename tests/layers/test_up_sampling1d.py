import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem

parse = TypeAdapter(LayerItem).validate_python


def test_parses_bare_and_shorthand_forms():
    assert parse("up_sampling1d").size == 2
    assert parse({"up_sampling1d": 3}).size == 3


def test_rejects_a_size_of_zero():
    with pytest.raises(ValidationError):
        parse({"up_sampling1d": 0})


@pytest.mark.parametrize(
    ("size", "shape", "out"), [(2, (5, 3), (10, 3)), (3, (None, 2), (None, 2))]
)
def test_output_shape_by_hand(size, shape, out):
    assert parse({"up_sampling1d": size}).output_shape(shape) == out


def test_needs_a_sequence():
    with pytest.raises(ShapeError, match="needs a rank-2 input"):
        parse("up_sampling1d").output_shape((4, 4, 1))


@pytest.mark.keras
@pytest.mark.parametrize(("size", "shape"), [(2, (5, 3)), (3, (None, 2)), (1, (4, 1))])
def test_matches_keras(keras_run, size, shape):
    spec = parse({"up_sampling1d": size})
    assert keras_run(spec, shape) == (spec.output_shape(shape), Params())
