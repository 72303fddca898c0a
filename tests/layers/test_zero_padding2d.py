import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem

parse = TypeAdapter(LayerItem).validate_python
counts = st.integers(0, 2)


def test_parses_every_written_padding():
    assert parse("zero_padding2d").padding == 1
    assert parse({"zero_padding2d": [1, 2]}).padding == [1, 2]
    assert parse({"zero_padding2d": [[1, 0], [0, 2]]}).padding == [[1, 0], [0, 2]]


@pytest.mark.parametrize(
    "item",
    [{"zero_padding2d": -1}, {"zero_padding2d": [[1, 2, 3], [0, 0]]}, {"zero_padding2d": "same"}],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("padding", "out"),
    [(1, (30, 30, 1)), ([1, 2], (30, 32, 1)), ([[1, 0], [0, 2]], (29, 30, 1)), (0, (28, 28, 1))],
)
def test_output_shape_by_hand(padding, out):
    # The course's formula with P = 1 and a 3x3 kernel keeps 28x28: 28 + 2 - 3 + 1.
    assert parse({"zero_padding2d": padding}).output_shape((28, 28, 1)) == out


def test_needs_an_image():
    with pytest.raises(ShapeError, match="needs a rank-3 input"):
        parse("zero_padding2d").output_shape((28, 28))


@pytest.mark.keras
@settings(max_examples=25, deadline=None)
@given(
    padding=counts
    | st.lists(counts, min_size=2, max_size=2)
    | st.lists(st.lists(counts, min_size=2, max_size=2), min_size=2, max_size=2),
    height=st.integers(1, 5) | st.none(),
)
def test_matches_keras(keras_run, padding, height):
    spec = parse({"zero_padding2d": padding})
    shape = (height, 3, 2)
    assert keras_run(spec, shape) == (spec.output_shape(shape), Params())
