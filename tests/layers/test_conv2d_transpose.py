import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem

parse = TypeAdapter(LayerItem).validate_python


def test_parses_the_mapping_form():
    spec = parse({"conv2d_transpose": {"filters": 16, "kernel_size": 3, "strides": 2}})
    assert (spec.filters, spec.kernel_size, spec.strides, spec.padding) == (16, 3, 2, "valid")


@pytest.mark.parametrize(
    "item",
    [{"conv2d_transpose": 16}, {"conv2d_transpose": {"filters": 0, "kernel_size": 3}},
     {"conv2d_transpose": {"filters": 4, "kernel_size": 3, "padding": "causal"}}],
)  # fmt: skip
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("args", "shape", "out", "params"),
    [
        # strides 2, same: the side doubles, undoing a strided convolution.
        ({"strides": 2, "padding": "same"}, (7, 7, 8), (14, 14, 4), 3 * 3 * 8 * 4 + 4),
        ({}, (5, 5, 1), (7, 7, 4), 3 * 3 * 1 * 4 + 4),  # valid: a kernel's more
        ({"strides": [2, 1], "use_bias": False}, (4, 4, 2), (9, 6, 4), 3 * 3 * 2 * 4),
    ],
)
def test_shape_and_params_by_hand(args, shape, out, params):
    spec = parse({"conv2d_transpose": {"filters": 4, "kernel_size": 3, **args}})
    assert spec.output_shape(shape) == out and spec.params(shape) == Params(params)


def test_needs_an_image():
    with pytest.raises(ShapeError, match="needs a rank-3 input"):
        parse({"conv2d_transpose": {"filters": 4, "kernel_size": 3}}).output_shape((8, 3))


@pytest.mark.keras
@settings(max_examples=30, deadline=None)
@given(
    kernel=st.integers(1, 4),
    strides=st.integers(1, 3),
    padding=st.sampled_from(["valid", "same"]),
    side=st.integers(1, 6) | st.none(),
)
def test_matches_keras(keras_run, kernel, strides, padding, side):
    args = {"filters": 3, "kernel_size": kernel, "strides": strides, "padding": padding}
    spec = parse({"conv2d_transpose": args})
    shape = (side, 4, 2)
    assert keras_run(spec, shape) == (spec.output_shape(shape), spec.params(shape))
