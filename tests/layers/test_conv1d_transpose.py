import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem

parse = TypeAdapter(LayerItem).validate_python


@pytest.mark.parametrize(
    ("args", "shape", "out", "params"),
    [
        ({"strides": 2, "padding": "same"}, (10, 3), (20, 8), 3 * 3 * 8 + 8),
        ({}, (10, 3), (12, 8), 3 * 3 * 8 + 8),
        ({"strides": 4}, (None, 2), (None, 8), 3 * 2 * 8 + 8),
    ],
)
def test_shape_and_params_by_hand(args, shape, out, params):
    spec = parse({"conv1d_transpose": {"filters": 8, "kernel_size": 3, **args}})
    assert spec.output_shape(shape) == out and spec.params(shape) == Params(params)


def test_needs_a_sequence():
    with pytest.raises(ShapeError, match="needs a rank-2 input"):
        parse({"conv1d_transpose": {"filters": 4, "kernel_size": 3}}).output_shape((8,))


@pytest.mark.keras
@settings(max_examples=30, deadline=None)
@given(
    kernel=st.integers(1, 5),
    strides=st.integers(1, 3),
    padding=st.sampled_from(["valid", "same"]),
    steps=st.integers(1, 8) | st.none(),
)
def test_matches_keras(keras_run, kernel, strides, padding, steps):
    args = {"filters": 2, "kernel_size": kernel, "strides": strides, "padding": padding}
    spec = parse({"conv1d_transpose": args})
    shape = (steps, 3)
    assert keras_run(spec, shape) == (spec.output_shape(shape), spec.params(shape))
