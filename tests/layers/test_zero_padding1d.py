import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.zero_padding1d import ZeroPadding1DSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_bare_shorthand_and_mapping_forms():
    assert parse("zero_padding1d") == ZeroPadding1DSpec(kind="zero_padding1d", padding=1)
    assert parse({"zero_padding1d": [1, 0]}).padding == [1, 0]
    assert parse({"zero_padding1d": {"padding": 3}}).padding == 3


@pytest.mark.parametrize("item", [{"zero_padding1d": -1}, {"zero_padding1d": [1, 2, 3]}])
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("padding", "shape", "out"),
    [(1, (5, 3), (7, 3)), ([2, 0], (5, 3), (7, 3)), (0, (5, 3), (5, 3)), (2, (None, 4), (None, 4))],
)
def test_output_shape_by_hand(padding, shape, out):
    spec = parse({"zero_padding1d": padding})
    assert spec.output_shape(shape) == out and spec.params(shape) == Params()


def test_needs_a_sequence():
    with pytest.raises(ShapeError, match=r"needs a rank-2 input \(steps, channels\), got \(4,\)"):
        parse("zero_padding1d").output_shape((4,))


@pytest.mark.keras
@settings(max_examples=25, deadline=None)
@given(
    padding=st.integers(0, 3) | st.lists(st.integers(0, 3), min_size=2, max_size=2),
    steps=st.integers(1, 6) | st.none(),
)
def test_matches_keras(keras_run, padding, steps):
    spec = parse({"zero_padding1d": padding})
    shape = (steps, 2)
    assert keras_run(spec, shape) == (spec.output_shape(shape), Params())
