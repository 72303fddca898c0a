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


CausalityCheck = Callable[..., None]


@pytest.fixture(scope="session")
def causality() -> CausalityCheck:
    """``causality(model, causal, t)``: outputs up to step ``t`` ignore later inputs iff causal.

    The model maps (batch, steps, width) to a sequence; the inputs after ``t`` are redrawn.
    """
    import numpy as np

    def check(model, causal: bool, t: int, seed: int = 0) -> None:
        _, steps, width = model.input_shape
        rng = np.random.default_rng(seed)
        x = rng.normal(size=(1, steps, width)).astype("float32")
        changed = x.copy()
        changed[:, t + 1 :] = rng.normal(size=(1, steps - t - 1, width))
        before = model.predict(x, verbose=0)[:, : t + 1]
        after = model.predict(changed, verbose=0)[:, : t + 1]
        if causal:
            np.testing.assert_allclose(before, after, atol=1e-5)
        else:
            assert not np.allclose(before, after, atol=1e-5)

    return check
