"""Whole epochs as one compiled call: the fast path of a fit on data held in memory.

``model.fit`` pays Python, iterator and callback overhead at every step and every epoch
(about 200 ms an epoch on TensorFlow for a model of 131 parameters, ../shared/notes). Here the
data is put on the device once, and each epoch is one call of a compiled program that gathers
the epoch's rows in the order ``fit.batches`` draws and runs Keras's own ``train_step`` over
the mini-batches: a ``lax.scan`` under ``jax.jit`` on JAX (the stateless ``train_step``), a
``tf.while_loop`` inside one ``tf.function`` on TensorFlow. Validation is one such call over
``test_step``. Loss, metrics, class weights (as row weights), regularisation penalties,
dropout and the optimizer are therefore Keras's own code; the numbers are ``model.fit``'s up
to floating-point rounding, which ``tests/train/test_epochs.py`` checks.

Only epoch-level callbacks can run here: early stopping, learning-rate reduction, the
divergence check, snapshots and progress all act at the end of an epoch, and a stop request
(Ctrl-C) is honoured before the next epoch begins: the epoch it came in takes milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import Any

import keras
import numpy as np

from dlspec import backend
from dlspec.data import features
from dlspec.data.features import Features
from dlspec.train import distribution
from dlspec.train.stopping import Stop

BACKENDS = ("jax", "tensorflow")
LIMIT = 1 << 30  # bytes of training data above which a fit streams through model.fit


def supported(model: keras.Model, *arrays: Features | None) -> bool:
    """Whether a fit of ``model`` on these arrays takes the fast path (backend, XLA and size).

    On JAX the fast path is an XLA program on one device: a model compiled with
    ``jit_compile=False`` (run without XLA, to debug it) or under a ``keras.distribution``
    trains through ``model.fit``. Under a tf.distribute strategy, TensorFlow always takes it
    (``_Distributed``).
    """
    name = keras.backend.backend()
    if name == "tensorflow" and _strategy() is not None:
        return True
    size = sum(features.nbytes(a) for a in arrays)
    if name == "jax" and (model.jit_compile is False or keras.distribution.distribution()):
        return False
    return name in BACKENDS and size <= LIMIT


def _strategy() -> Any:
    """The tf.distribute strategy in scope, or None."""
    import tensorflow as tf

    return tf.distribute.get_strategy() if tf.distribute.has_strategy() else None


def _map(function: Callable[[Any], Any], data: Any) -> Any:
    """``function`` on every array of ``data``: (x, y[, weights]), x a dict for named inputs."""
    return keras.tree.map_structure(function, data)


def _rows(data: Any) -> Any:
    """The number of rows of ``data`` (of its first array)."""
    return keras.tree.flatten(data)[0].shape[0]


def _floats(results: dict[str, Any]) -> dict[str, float]:
    """Metric results (tensors) as floats."""
    return {name: float(value) for name, value in results.items()}


def _logs(model: keras.Model) -> dict[str, float]:
    """The model's metrics, read from its variables."""
    return _floats(model.get_metrics_result())


class Loop:
    """The compiled epoch programs of one model and batch size."""

    def __init__(self, model: keras.Model, batch_size: int) -> None:
        self.model = model
        self.batch_size = batch_size

    def train(self, data: tuple[Any, ...], order: np.ndarray) -> dict[str, float]:
        """One epoch over ``data`` (device arrays) in row order ``order``, from reset metrics.

        Returns the epoch's metrics; the model's metric variables hold them too.
        """
        raise NotImplementedError

    def test(self, data: tuple[Any, ...]) -> dict[str, float]:
        """The test steps over ``data`` in order, from reset metrics; their metrics."""
        raise NotImplementedError

    def place(self, arrays: tuple[Features, ...]) -> tuple[Any, ...]:
        """The arrays on the device, once for every epoch."""
        raise NotImplementedError


CONVOLUTIONS = (
    keras.layers.Conv1D,
    keras.layers.Conv2D,
    keras.layers.Conv3D,
    keras.layers.Conv1DTranspose,
    keras.layers.Conv2DTranspose,
    keras.layers.Conv3DTranspose,
    keras.layers.SeparableConv1D,
    keras.layers.SeparableConv2D,
    keras.layers.DepthwiseConv1D,
    keras.layers.DepthwiseConv2D,
    keras.layers.ConvLSTM1D,
    keras.layers.ConvLSTM2D,
    keras.layers.ConvLSTM3D,
)


def _convolves(model: keras.Model) -> bool:
    """Whether any layer of ``model``, nested ones included, is a convolution."""
    return any(isinstance(layer, CONVOLUTIONS) for layer in model._flatten_layers())


class _Jax(Loop):
    """``lax.scan`` over the stateless ``train_step`` under ``jax.jit``.

    The state is read from the model's variables before each call and written back after it,
    so callbacks see and change the variables between epochs as they do in ``fit``. The epoch's
    metrics are computed in the same program and come back with the state: read one by one
    from the model's variables, each would be a small program of its own (a quarter of a
    second a run on the digits MLP).

    XLA's CPU backend runs a convolution inside a loop 8 to 15 times slower than the same
    convolution outside one (``bench/gpu.sh``: the keras.io convnet at a sixth of ``model.fit``'s
    pace), so on a CPU a model with convolutions runs one compiled step per mini-batch instead,
    gathering its rows on the device: the same steps in the same order, without the loop.
    """

    def __init__(self, model: keras.Model, batch_size: int) -> None:
        import jax

        super().__init__(model, batch_size)
        backend.use_compilation_cache()
        self.stepwise = jax.default_backend() == "cpu" and _convolves(model)
        if self.stepwise:
            results = jax.jit(self._results)
            self._train = self._steps(jax.jit(self._train_rows), results)
            self._test = self._steps(jax.jit(self._test_rows), results)
        else:
            self._train = jax.jit(self._train_epoch)
            self._test = jax.jit(self._test_epoch)

    def place(self, arrays: tuple[Features, ...]) -> tuple[Any, ...]:  # noqa: D102
        import jax.numpy as jnp

        return _map(jnp.asarray, arrays)

    def _batched(
        self, data: tuple[Any, ...], step: Callable[[Any, tuple[Any, ...]], Any], state: Any
    ) -> Any:
        """``state`` after ``step`` over the mini-batches of ``data``; the last may be short."""
        import jax

        size = self.batch_size
        full, rest = divmod(int(_rows(data)), size)
        if full:

            def body(carried: Any, batch: tuple[Any, ...]) -> tuple[Any, None]:
                return step(carried, batch), None

            stacked = _map(lambda a: a[: full * size].reshape((full, size, *a.shape[1:])), data)
            state, _ = jax.lax.scan(body, state, stacked)
        if rest:
            state = step(state, _map(lambda a: a[full * size :], data))
        return state

    def _results(self, state: Any) -> dict[str, Any]:
        """The metrics' results for the metric variables of ``state`` (its last group)."""
        mapping = list(zip(self.model.metrics_variables, state[-1], strict=True))
        with keras.StatelessScope(state_mapping=mapping):
            return self.model.get_metrics_result()

    def _train_epoch(self, state: Any, data: tuple[Any, ...], order: Any) -> Any:
        import jax.numpy as jnp

        def step(carried: Any, batch: tuple[Any, ...]) -> Any:
            return self.model.train_step(carried, batch)[1]

        ordered = _map(lambda a: jnp.take(a, order, axis=0), data)
        state = self._batched(ordered, step, state)
        return state, self._results(state)

    def _test_epoch(self, state: Any, data: tuple[Any, ...]) -> Any:
        def step(carried: Any, batch: tuple[Any, ...]) -> Any:
            return self.model.test_step(carried, batch)[1]

        state = self._batched(data, step, state)
        return state, self._results(state)

    def _train_rows(self, state: Any, data: tuple[Any, ...], rows: Any) -> Any:
        import jax.numpy as jnp

        return self.model.train_step(state, _map(lambda a: jnp.take(a, rows, axis=0), data))[1]

    def _test_rows(self, state: Any, data: tuple[Any, ...], rows: Any) -> Any:
        import jax.numpy as jnp

        return self.model.test_step(state, _map(lambda a: jnp.take(a, rows, axis=0), data))[1]

    def _steps(
        self, step: Callable[[Any, tuple[Any, ...], Any], Any], results: Callable[[Any], Any]
    ) -> Callable[..., Any]:
        """An epoch: one call of ``step`` per mini-batch of the rows in ``order``, then ``results``.

        Both are compiled; the epoch returns the state and its metrics, as ``_train_epoch`` does.
        """

        def epoch(state: Any, data: tuple[Any, ...], order: np.ndarray | None = None) -> Any:
            rows = np.arange(_rows(data), dtype="int32") if order is None else order
            for start in range(0, len(rows), self.batch_size):
                state = step(state, data, rows[start : start + self.batch_size])
            return state, results(state)

        return epoch

    def _groups(self, optimizer: bool) -> list[Sequence[keras.Variable]]:
        model = self.model
        groups = [model.trainable_variables, model.non_trainable_variables]
        if optimizer:
            groups.append(model.optimizer.variables)
        return [*groups, model.metrics_variables]

    def _run(self, function: Any, optimizer: bool, *arguments: Any) -> dict[str, float]:
        import jax

        groups = self._groups(optimizer)
        state = tuple([v.value for v in group] for group in groups)
        state, results = function(state, *arguments)
        for group, values in zip(groups, state, strict=True):
            for variable, value in zip(group, values, strict=True):
                variable.assign(value)
        return _floats(jax.device_get(results))

    def train(self, data: tuple[Any, ...], order: np.ndarray) -> dict[str, float]:  # noqa: D102
        self.model.reset_metrics()
        return self._run(self._train, True, data, order.astype("int32"))

    def test(self, data: tuple[Any, ...]) -> dict[str, float]:  # noqa: D102
        self.model.reset_metrics()
        return self._run(self._test, False, data)


class _TensorFlow(Loop):
    """A ``tf.while_loop`` over ``train_step`` in one ``tf.function`` per epoch.

    XLA compiles it where the model is compiled with it (``model.jit_compile``: Keras's
    ``"auto"`` chooses it on a GPU, not on a CPU). The epoch's metrics come back from the same
    function, as on JAX.
    """

    def __init__(self, model: keras.Model, batch_size: int) -> None:
        import tensorflow as tf

        super().__init__(model, batch_size)
        # XLA compiles each shape anyway; without it, one trace serves every fold's size.
        jit = bool(model.jit_compile)
        self._train = tf.function(
            self._train_epoch, reduce_retracing=not jit, autograph=False, jit_compile=jit
        )
        self._test = tf.function(
            self._test_epoch, reduce_retracing=not jit, autograph=False, jit_compile=jit
        )

    def place(self, arrays: tuple[Features, ...]) -> tuple[Any, ...]:  # noqa: D102
        import tensorflow as tf

        return _map(tf.constant, arrays)

    def _batched(self, data: tuple[Any, ...], step: Callable[[tuple[Any, ...]], Any]) -> None:
        """``step`` over the mini-batches of ``data``; the last may be short.

        Where the number of rows is known when tracing (always under XLA, which traces each
        shape), the full batches loop and the short one follows on its own: XLA's slices keep
        their size and would shift a short last batch back over rows already seen.
        """
        import tensorflow as tf

        size = self.batch_size
        first = keras.tree.flatten(data)[0]

        def body(index: Any) -> tuple[Any]:
            start = index * size
            step(_map(lambda a: a[start : start + size], data))
            return (index + 1,)

        if first.shape[0] is None:  # a shape generalised by reduce_retracing (never under XLA)
            steps = (tf.shape(first)[0] + size - 1) // size
            tf.while_loop(lambda index: index < steps, body, (tf.constant(0),))
            return
        full, rest = divmod(int(first.shape[0]), size)
        if full:
            tf.while_loop(lambda index: index < full, body, (tf.constant(0),))
        if rest:
            step(_map(lambda a: a[full * size :], data))

    def _train_epoch(self, data: tuple[Any, ...], order: Any) -> dict[str, Any]:
        import tensorflow as tf

        self.model.reset_metrics()  # in the graph: ordered before the steps that update them
        ordered = _map(lambda a: tf.gather(a, order), data)
        self._batched(ordered, self.model.train_step)
        return self.model.get_metrics_result()

    def _test_epoch(self, data: tuple[Any, ...]) -> dict[str, Any]:
        self.model.reset_metrics()
        self._batched(data, self.model.test_step)
        return self.model.get_metrics_result()

    def train(self, data: tuple[Any, ...], order: np.ndarray) -> dict[str, float]:  # noqa: D102
        return _floats(self._train(data, order.astype("int32")))

    def test(self, data: tuple[Any, ...]) -> dict[str, float]:  # noqa: D102
        return _floats(self._test(data))


class _Distributed(Loop):
    """Keras's ``train_step`` under a tf.distribute strategy, one ``strategy.run`` a batch.

    What ``model.fit`` does under a strategy, without its reductions of the step's logs, which
    fail under a multi-worker strategy in Keras 3 (keras-team/keras#20585): the metrics are
    read from the model after each epoch, where the strategy sums them over the replicas. Each
    global batch comes from ``distribution.dataset`` in the epoch's row order; the strategy
    splits it between the replicas (and shards it across workers).
    """

    def __init__(self, model: keras.Model, batch_size: int) -> None:
        import tensorflow as tf

        super().__init__(model, batch_size)
        strategy = _strategy()
        self._train = tf.function(lambda batch: strategy.run(model.train_step, args=(batch,)))
        self._test = tf.function(lambda batch: strategy.run(model.test_step, args=(batch,)))

    def place(self, arrays: tuple[Features, ...]) -> tuple[Any, ...]:  # noqa: D102
        return arrays

    def train(self, data: tuple[Any, ...], order: np.ndarray) -> dict[str, float]:  # noqa: D102
        self.model.reset_metrics()
        for batch in distribution.dataset(data, order, self.batch_size):
            self._train(batch)
        return _logs(self.model)

    def test(self, data: tuple[Any, ...]) -> dict[str, float]:  # noqa: D102
        self.model.reset_metrics()
        for batch in distribution.dataset(data, None, self.batch_size):
            self._test(batch)
        return _logs(self.model)


def compiled(model: keras.Model, batch_size: int) -> Loop:
    """The epoch programs of ``model``, traced on first use and reused while it is kept."""
    if keras.backend.backend() == "jax":
        return _Jax(model, batch_size)
    if _strategy() is not None:
        return _Distributed(model, batch_size)
    return _TensorFlow(model, batch_size)


def fit(
    model: keras.Model,
    train: tuple[Features, ...],
    validation: tuple[Features, ...] | None,
    *,
    batch_size: int,
    epochs: range,
    order: Callable[[int], np.ndarray],
    callbacks: list[keras.callbacks.Callback],
    stop: Stop | None = None,
    loop: Loop | None = None,
) -> tuple[dict[str, list[float]], bool]:
    """Train a compiled model epoch by epoch, as ``model.fit`` would on these batches.

    Args:
        model: A compiled model.
        train: (x, y) or (x, y, row weights), in memory; x is a dict for named inputs.
        validation: (x, y) scored after every epoch, or None.
        batch_size: Rows per mini-batch; the last batch of an epoch may be short.
        epochs: The epochs to run (0-based, as Keras counts them).
        order: The training rows' order in an epoch (``fit.batches`` draws the same).
        callbacks: Epoch-level Keras callbacks.
        stop: Checked before every epoch.
        loop: The model's compiled epochs (``compiled``) from an earlier fit of the same
            model, whose traced programs are reused; None compiles them for this fit.

    Returns:
        The history of the epochs run, and whether a stop request ended the fit before its
        last epoch.
    """
    loop = loop if loop is not None else compiled(model, batch_size)
    first = _map(lambda a: a[:batch_size], train)
    strategy = _strategy() if keras.backend.backend() == "tensorflow" else None
    with strategy.scope() if strategy is not None else nullcontext():
        model._symbolic_build(data_batch=first)  # noqa: SLF001 - builds loss, metrics and optimizer as fit does
        model.optimizer.build(model.trainable_variables)
    placed = loop.place(train)
    checked = loop.place(validation) if validation is not None else None
    history = keras.callbacks.History()
    listed = keras.callbacks.CallbackList(
        [*callbacks, history], model=model, epochs=epochs.stop, verbose=0
    )
    model.stop_training = False
    cut = False
    logs: dict[str, float] = {}
    listed.on_train_begin()
    try:
        for epoch in epochs:
            if stop is not None and stop.requested:
                cut = True
                break
            listed.on_epoch_begin(epoch)
            logs = loop.train(placed, order(epoch))
            if checked is not None:
                logs.update({f"val_{k}": v for k, v in loop.test(checked).items()})
            listed.on_epoch_end(epoch, logs)
            if model.stop_training:
                break
    finally:
        if len(epochs):
            model.optimizer.finalize_variable_values(model.trainable_weights)
    if not cut:  # a cut fit did not end: its model keeps the last epoch's state to capture
        listed.on_train_end(logs)
    return {k: [float(v) for v in vs] for k, vs in history.history.items()}, cut
