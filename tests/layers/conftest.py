"""Shared helpers of the layer-kind tests: running a spec's Keras layer on an input shape."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dlspec.base import Params, Shape, ShapeError
from dlspec.layers.layer import LayerSpec

KerasRun = Callable[..., tuple[Shape, Params]]
KerasAgrees = Callable[[LayerSpec, Shape], None]


@pytest.fixture(scope="session")
def keras_run() -> KerasRun:
    """``run(spec, shape, dtype)``: Keras's output shape (no batch axis) and parameter split.

    The layer is built by ``spec.build`` inside a ``keras.Model`` on ``keras.Input(shape)``;
    ``count_params()`` must equal the trainable plus non-trainable weights, and a batch of
    zeros (unknown sizes set to 5) must come out with the static shape for that size.
    """

    def run(spec: LayerSpec, shape: Shape, dtype: str = "float32") -> tuple[Shape, Params]:
        import keras
        import numpy as np

        inputs = keras.Input(shape, dtype=dtype)
        layer = spec.build("x")
        model = keras.Model(inputs, layer(inputs))
        trainable = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
        non_trainable = sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights)
        assert model.count_params() == layer.count_params() == trainable + non_trainable
        concrete = tuple(5 if d is None else d for d in shape)
        out = layer(np.zeros((2, *concrete), dtype))
        assert tuple(out.shape[1:]) == spec.output_shape(concrete)
        return tuple(model.output_shape[1:]), Params(trainable, non_trainable)

    return run


@pytest.fixture(scope="session")
def keras_agrees() -> KerasAgrees:
    """``agrees(spec, shape)``: the checker and Keras give the same output shape, or both refuse.

    For the random sliding-window configurations of the convolution and pooling tests: the
    checker refuses with ShapeError, Keras with ValueError when ``spec.build`` meets
    ``keras.Input(shape)``.
    """

    def agrees(spec: LayerSpec, shape: Shape) -> None:
        import keras

        try:
            ours = spec.output_shape(shape)
        except ShapeError:
            ours = None
        try:
            theirs = tuple(spec.build("x")(keras.Input(shape)).shape[1:])
        except ValueError:
            theirs = None
        assert ours == theirs

    return agrees
