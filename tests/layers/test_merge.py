"""What the merge kinds share: their shapes against Keras's own merge layers, at random."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from dlspec.base import ShapeError
from dlspec.layers import LayerItem

parse = TypeAdapter(LayerItem).validate_python

sizes = st.sampled_from([1, 2, 3, None])
shapes = st.lists(sizes, min_size=1, max_size=3).map(tuple)


@pytest.fixture(scope="module")
def keras():
    """Keras, imported before Hypothesis starts (importing it raises the recursion limit)."""
    import keras

    return keras


@pytest.mark.keras
@settings(max_examples=60, deadline=None)
@given(
    item=st.sampled_from(["add", "multiply", "concatenate", {"concatenate": 1}]),
    inputs=st.lists(shapes, min_size=2, max_size=3),
)
def test_agrees_with_keras_or_refuses_what_keras_refuses(keras, item, inputs):
    # dlspec may be stricter than Keras (concatenate's ranks), never looser or different.
    spec = parse(item)
    try:
        ours = spec.merged_shape(inputs)
    except ShapeError as error:
        assert error.code == "DLS331"
        return
    tensors = [keras.Input(shape) for shape in inputs]
    assert tuple(spec.build("x")(tensors).shape[1:]) == ours
