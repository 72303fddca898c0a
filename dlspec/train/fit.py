"""Fitting one model on one split, and scoring it.

Seeds, preprocessing fitted on the split's training rows, callbacks, class weights; then
scores on its training and validation rows, and on the test rows for the final model.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import keras
import numpy as np
from sklearn.utils.class_weight import compute_class_weight

from dlspec import compiler
from dlspec.check import Inference
from dlspec.data import features
from dlspec.data.dataset import Dataset
from dlspec.data.features import Features
from dlspec.data.preprocessing import Preprocessor
from dlspec.spec import Spec
from dlspec.spec.tasks import CLASSIFICATION, head_width
from dlspec.train import checkpoint, diagnosis, scoring
from dlspec.train import epochs as epoch_loop
from dlspec.train.checkpoint import Checkpoint
from dlspec.train.results import Scores
from dlspec.train.schemes import labels
from dlspec.train.stopping import Stop


class Progress(Protocol):
    """What a fit reports to while it runs (``TrainingProgress`` shows it)."""

    def start(self, label: str, epochs: int) -> None: ...  # noqa: D102
    def epoch(self, epoch: int, logs: dict[str, float]) -> None: ...  # noqa: D102
    def stop(self) -> None: ...  # noqa: D102


@dataclass
class Fitted:
    """A trained model with the preprocessing its inputs need and how the fit went."""

    model: keras.Model
    preprocessor: Preprocessor
    history: dict[str, list[float]]
    epochs: int  # epochs run
    best_epoch: int | None  # 1-based epoch whose weights were restored
    diverged: tuple[int, float] | None = None  # the epoch whose loss was not finite, and it
    cut: bool = False  # a stop request ended the fit before its last epoch
    checkpoint: Checkpoint | None = None  # when cut: the state after the last whole epoch


def seed(value: int, *, xla: bool = False) -> None:
    """Seed Python, NumPy and the backend, and make the backend's ops deterministic.

    With the TensorFlow backend this turns on ``enable_op_determinism`` (TensorFlow is
    imported only then), unless ``xla`` (``training.jit_compile: true``): Keras refuses XLA
    while op determinism is on, so such a fit gives up TensorFlow's determinism guarantee
    (on a CPU its numbers still repeat). PyTorch gets ``use_deterministic_algorithms``; JAX on
    CPU is deterministic already. On JAX, TensorFlow is not imported at all (``keras.utils.
    set_random_seed`` would import it to seed ``tf.data``, which a JAX run does not use).
    """
    backend = keras.backend.backend()
    if backend == "jax":
        _seed_keras(value)
    else:
        keras.utils.set_random_seed(value)
    if backend == "tensorflow":
        import tensorflow as tf
        from tensorflow.python.framework import config  # disable_op_determinism is not public

        if xla:
            config.disable_op_determinism()
        else:
            tf.config.experimental.enable_op_determinism()
        # Each fold's fresh model retraces its functions; TensorFlow warns about that.
        logging.getLogger("tensorflow").setLevel(logging.ERROR)
    elif backend == "torch":
        import torch

        torch.use_deterministic_algorithms(True)


def _seed_keras(value: int) -> None:
    """``keras.utils.set_random_seed`` without its TensorFlow line.

    The same weights and dropout masks (a test compares them), without the seconds of
    importing TensorFlow.
    """
    from keras.src.backend.common import global_state
    from keras.src.random import seed_generator
    from keras.src.utils import rng_utils

    global_state.set_global_attribute(rng_utils.GLOBAL_RANDOM_SEED, value)
    global_state.set_global_attribute(seed_generator.GLOBAL_SEED_GENERATOR, None)
    random.seed(value)
    np.random.seed(value)


def targets(spec: Spec, y: np.ndarray, outputs: int) -> np.ndarray:
    """Targets in the form the loss takes.

    (N, d) floats for regression and binary, one-hot rows for categorical cross-entropy,
    integer labels otherwise.
    """
    y = np.asarray(y)
    produced = spec.task.row.outputs
    if spec.task.row.targets == "inputs":  # a reconstruction's: the preprocessed inputs
        return y.astype("float32")
    if spec.task.every_step:  # (examples, steps[, outputs]): the head's output at each step
        if produced == "values":
            return y.reshape(*y.shape[:2], -1).astype("float32")
        if produced == "probability":
            return y.reshape(*y.shape[:2], 1).astype("float32")
    if produced == "values":
        return y.reshape(len(y), -1).astype("float32")
    if produced == "probability":
        return labels(y).reshape(-1, 1).astype("float32")
    if spec.task.loss == "categorical_crossentropy" and y.ndim == 1 + spec.task.every_step:
        return keras.utils.to_categorical(y, outputs).astype("float32")
    return y


def rebuilt(spec: Spec, inputs: Features, y: np.ndarray) -> np.ndarray:
    """What a fit learns to give: ``y``, or for a reconstruction the preprocessed inputs."""
    if spec.task.row.targets != "inputs":
        return y
    assert not isinstance(inputs, dict)  # lint: a reconstruction rebuilds one input
    return np.asarray(inputs)


def positions(spec: Spec, y: np.ndarray, outputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Targets and outputs with one row per scored prediction: each step of a per_step task.

    Scores, the confusion matrix and the verdict's baseline and noise then count positions.
    """
    y, outputs = np.asarray(y), np.asarray(outputs)
    if not spec.task.every_step:
        return y, outputs
    count = y.shape[0] * y.shape[1]
    return y.reshape(count, *y.shape[2:]), outputs.reshape(count, *outputs.shape[2:])


def class_weights(
    spec: Spec, y: np.ndarray, class_names: list[str] | None = None
) -> dict[int, float] | None:
    """The loss weight of each class: 'balanced' is computed from these training labels.

    A class named in the spec is the id of that name in ``class_names`` (checked before
    training: ``experiment.test_set``).
    """
    wanted = spec.training.class_weight
    if wanted is None or spec.task.type not in CLASSIFICATION:
        return None
    if wanted == "balanced":
        y = np.asarray(y).reshape(-1) if spec.task.every_step else labels(y).astype(int)
        present = np.unique(y)
        weights = compute_class_weight("balanced", classes=present, y=y)
        return {int(c): float(w) for c, w in zip(present, weights, strict=True)}
    names = class_names or []
    return {(names.index(c) if isinstance(c, str) else int(c)): float(w) for c, w in wanted.items()}


def row_weights(
    weights: dict[int, float] | None, y: np.ndarray, per_step: bool = False
) -> np.ndarray | None:
    """Class weights as one loss weight per row, as Keras derives them from ``class_weight``.

    ``y`` is in the form the loss takes: labels, (N, 1) binary targets or one-hot rows; for a
    per_step task each of those per step, and the weights are per step too, (N, steps).
    """
    if weights is None:
        return None
    y = np.asarray(y)
    if y.ndim > 1 + per_step:
        y = y.argmax(axis=-1) if y.shape[-1] != 1 else y[..., 0]
    classes = np.round(y).astype(int)
    table = np.vectorize(lambda c: weights.get(int(c), 1.0), otypes=["float32"])
    return table(classes)


def rows(count: int, *, seed: int, epoch: int, shuffle: bool) -> np.ndarray:
    """The order of ``count`` training rows in epoch ``epoch`` (0-based), from the seed alone."""
    every = np.arange(count)
    return np.random.default_rng([seed, epoch]).permutation(every) if shuffle else every


def batches(
    x: Features,
    y: np.ndarray,
    weights: np.ndarray | None,
    *,
    batch_size: int,
    seed: int,
    epochs: range,
    shuffle: bool,
) -> Iterator[tuple[Features, ...]]:
    """The mini-batches of ``epochs``, one epoch after another; the last batch may be short.

    Each epoch's order is drawn from the seed and the epoch's number alone, so a fit resumed
    at any epoch sees the batches the uninterrupted fit saw, on every backend. (Keras's own
    shuffling draws from a stream a new process cannot rewind; on TensorFlow it also repeats
    one order every epoch.)
    """
    for epoch in epochs:
        order = rows(features.count(x), seed=seed, epoch=epoch, shuffle=shuffle)
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            if weights is None:
                yield features.take(x, chosen), y[chosen]
            else:
                yield features.take(x, chosen), y[chosen], weights[chosen]


class _Report(keras.callbacks.Callback):
    def __init__(self, progress: Progress):
        super().__init__()
        self.progress = progress

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.progress.epoch(epoch + 1, {k: float(v) for k, v in (logs or {}).items()})


class _Divergence(keras.callbacks.Callback):
    """Stops training after the first epoch whose training loss is NaN or infinite.

    Every later epoch would be NaN too, and scoring NaN predictions fails; the run keeps the
    history up to that epoch instead.
    """

    def __init__(self) -> None:
        super().__init__()
        self.found: tuple[int, float] | None = None

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        loss = float((logs or {}).get("loss", 0.0))
        if not math.isfinite(loss):
            self.found = (epoch + 1, loss)
            self.model.stop_training = True


class _Interruption(keras.callbacks.Callback):
    """Ends the fit after the current batch once a stop is requested (Ctrl-C, SIGTERM)."""

    def __init__(self, stop: Stop) -> None:
        super().__init__()
        self.stop = stop

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if self.stop.requested:
            self.model.stop_training = True


class Models:
    """The model of one run, built and compiled once and reset to its first state for each fit.

    Every fit of a run builds the same model from the same seed, so a new build would hold the
    same initial values: putting them back into the one model skips the build, the compile
    and the tracing of its compiled functions (the epoch programs, ``predict``), which each
    new model pays again. A fit's model is therefore valid until the next fit starts.
    """

    def __init__(self, replicas: int = 1) -> None:
        # The devices of the distribution the run trains under (dlspec.train.distribution):
        # above 1, each step's global batch is batch_size rows per device.
        self.replicas = replicas
        self.model: keras.Model | None = None
        self.initial: list[np.ndarray] = []
        self.loops: dict[int, epoch_loop.Loop] = {}

    def _variables(self) -> list[keras.Variable]:
        assert self.model is not None
        return [*self.model.variables, *self.model.optimizer.variables]

    def fresh(self, spec: Spec, inference: Inference, units: int | None) -> keras.Model:
        """The spec's model with its initial weights and a fresh optimizer, compiled."""
        if self.model is None:
            # Layer names start again at "dense" (distribution.scope cleared them before
            # entering its strategy, which this would drop). Without the garbage collection
            # Keras adds by default, a fifth of a second of every run: Python's collector
            # frees an earlier run's model (a sweep's trials) in its own time.
            if spec.training.distribution is None:
                keras.backend.clear_session(free_memory=False)
            seed(spec.seed, xla=spec.training.jit_compile is True)
            self.model = compiler.model(spec, inference, head_units=units)
            compiler.compile(self.model, spec)
            self.model.optimizer.build(self.model.trainable_variables)
            self.initial = [np.array(v.numpy()) for v in self._variables()]
            return self.model
        seed(spec.seed, xla=spec.training.jit_compile is True)
        for variable, value in zip(self._variables(), self.initial, strict=True):
            variable.assign(value)
        return self.model

    def loop(self, batch_size: int) -> epoch_loop.Loop:
        """The model's compiled epochs at this batch size, traced once."""
        assert self.model is not None
        if batch_size not in self.loops:
            self.loops[batch_size] = epoch_loop.compiled(self.model, batch_size)
        return self.loops[batch_size]


def head_units(spec: Spec, dataset: Dataset) -> int | None:
    """The head's width as the loaded data tells it (classes, target columns, vocabulary)."""
    y = dataset.y
    single = 1 + spec.task.every_step  # (examples,) or (examples, steps): one output
    return head_width(
        spec.task.type,
        classes=len(dataset.class_names) if dataset.class_names else None,
        outputs=1 if y.ndim == single else int(y.shape[-1]),
        vocabulary=dataset.vocabulary,
    )


def fit(
    spec: Spec,
    inference: Inference,
    dataset: Dataset,
    train: np.ndarray,
    validation: np.ndarray | None,
    *,
    epochs: int,
    ordered: bool = False,
    progress: Progress | None = None,
    label: str = "",
    stop: Stop | None = None,
    resume: Checkpoint | None = None,
    fused: bool | None = None,
    models: Models | None = None,
    logs: Path | None = None,
) -> Fitted:
    """Fit a fresh model on rows ``train`` of (x, y), validating on rows ``validation``.

    The preprocessor is fitted on the training rows only; early stopping and learning-rate
    reduction watch the validation loss, so they are off when there are no validation rows.

    Args:
        spec: The experiment.
        inference: Static analysis of the spec (shapes for the builder).
        dataset: Every loaded example.
        train: Indexes of the training rows.
        validation: Indexes of the validation rows, or None (a final refit).
        epochs: How many epochs at most.
        ordered: The rows are in time order, so they are never shuffled.
        progress: Where to report each epoch.
        label: The progress bar's label ("fold 2/5").
        stop: Checked after every batch (before every epoch on the fused path, where an
            epoch takes milliseconds): a requested stop ends the fit there, and the returned
            ``Fitted.checkpoint`` holds the state after the last whole epoch.
        resume: Go on from this checkpoint of the same fit instead of from the start.
        fused: Run each epoch as one compiled call (``dlspec.train.epochs``), or through
            ``model.fit``; None chooses the compiled epochs wherever the backend and the
            data's size allow. Both give the same numbers up to floating-point rounding.
        models: The run's model, kept from its earlier fits (``Models``); None builds one
            for this fit.
        logs: A folder for TensorBoard logs of this fit (``training.tensorboard``), or None.

    Raises:
        checkpoint.Mismatch: ``resume`` does not fit the model the spec builds.
    """
    x, y = dataset.x, dataset.y
    preprocessor = Preprocessor.for_spec(spec, dataset).fit(features.take(x, train))
    models = models if models is not None else Models()
    model = models.fresh(spec, inference, head_units(spec, dataset))
    if resume is not None:
        checkpoint.restore(model, resume)
    outputs = int(model.output_shape[-1])
    x_train = preprocessor.transform(features.take(x, train))
    y_train = targets(spec, rebuilt(spec, x_train, y[train]), outputs)
    validation_data = None
    callbacks: list[keras.callbacks.Callback] = []
    stopper = None
    if validation is not None and len(validation):
        x_validation = preprocessor.transform(features.take(x, validation))
        validation_data = (
            x_validation,
            targets(spec, rebuilt(spec, x_validation, y[validation]), outputs),
        )
        stopping = spec.training.early_stopping
        if stopping is not None:
            stopper = checkpoint.EarlyStopping(
                monitor="val_loss",
                patience=stopping.patience,
                min_delta=stopping.min_delta,
                restore_best_weights=stopping.restore_best_weights,
            )
            callbacks.append(stopper)
        plateau = spec.training.reduce_lr_on_plateau
        if plateau is not None:
            callbacks.append(
                checkpoint.ReduceLROnPlateau(
                    monitor="val_loss",
                    factor=plateau.factor,
                    patience=plateau.patience,
                    min_lr=plateau.min_lr,
                )
            )
    if resume is not None:
        for callback in callbacks:
            if isinstance(callback, checkpoint.Resumable):
                callback.resume(resume.counters.get(callback.key, {}), resume.arrays["best"])
    if logs is not None:
        from dlspec.train import tensorboard

        callbacks.append(tensorboard.callback(logs))
    divergence = _Divergence()
    callbacks.append(divergence)
    snapshots = None
    if stop is not None:
        callbacks.append(_Interruption(stop))
        snapshots = checkpoint.Snapshots(stop, list(callbacks), resume)
        callbacks.append(snapshots)  # last: it keeps what the others did at the epoch's end
    if progress is not None:
        callbacks.append(_Report(progress))
        progress.start(label, epochs)
        if resume is not None:
            progress.epoch(resume.epoch, {})
    first = resume.epoch if resume is not None else 0
    batch_size = spec.training.batch_size * models.replicas  # a global batch: rows per device
    chosen = class_weights(spec, y[train], dataset.class_names)
    weights = row_weights(chosen, y_train, spec.task.every_step)
    shuffle = spec.training.shuffle and not ordered
    if fused is None:
        fused = epoch_loop.supported(model, x_train, y_train, weights)
    if fused:
        if snapshots is not None:
            snapshots.every_epoch = False  # a stop comes between epochs: capture it then
        history, cut = epoch_loop.fit(
            model,
            (x_train, y_train) if weights is None else (x_train, y_train, weights),
            validation_data,
            batch_size=batch_size,
            epochs=range(first, epochs),
            order=lambda epoch: rows(
                features.count(x_train), seed=spec.seed, epoch=epoch, shuffle=shuffle
            ),
            callbacks=callbacks,
            stop=stop,
            loop=models.loop(batch_size),
        )
        if cut and snapshots is not None:
            snapshots.take()
    else:
        data = batches(
            x_train,
            y_train,
            weights,
            batch_size=batch_size,
            seed=spec.seed,
            epochs=range(first, epochs),
            shuffle=shuffle,
        )
        history = model.fit(
            data,
            steps_per_epoch=math.ceil(features.count(x_train) / batch_size),
            validation_data=validation_data,
            validation_batch_size=batch_size,
            initial_epoch=first,
            epochs=epochs,
            shuffle=False,  # the batches come shuffled
            callbacks=callbacks,
            verbose=0,
        ).history
        cut = snapshots is not None and snapshots.cut
    if progress is not None:
        progress.stop()
    record = {k: list(v) for k, v in resume.history.items()} if resume is not None else {}
    for name, values in history.items():
        record[name] = record.get(name, []) + [float(v) for v in values]
    last = snapshots.last if snapshots is not None and cut else None
    if cut:
        record = last.history if last is not None else {}  # whole epochs: the cut one reruns
    run = len(record.get("loss", []))
    best = None
    if stopper is not None and stopper.restore_best_weights and stopper.best_weights is not None:
        best = int(stopper.best_epoch) + 1
    return Fitted(model, preprocessor, record, run, best, divergence.found, cut, last)


def score(
    fitted: Fitted, spec: Spec, x: Features, y: np.ndarray, *, with_noise: bool = False
) -> tuple[dict[str, float], float | None]:
    """Loss and metrics of a fitted model on raw examples, with dropout off.

    With ``with_noise``, also the standard error of the task's error on these rows
    (``diagnosis.noise``, which needs the predictions); else None.
    """
    if features.count(x) == 0:
        return {}, None
    inputs = fitted.preprocessor.transform(x)
    y = rebuilt(spec, inputs, y)
    outputs = int(fitted.model.output_shape[-1])
    task, threshold = spec.task.type, spec.task.decision_threshold
    per_position = spec.task.row.outputs == "sequences"
    if per_position:
        values = evaluate(fitted.model, spec, inputs, targets(spec, y, outputs))
        if not with_noise:
            return values, None
    predicted = np.asarray(
        fitted.model.predict(inputs, batch_size=spec.training.batch_size, verbose=0)
    )
    loss_value = loss(fitted.model, targets(spec, y, outputs), predicted)
    y, predicted = positions(spec, y, predicted)
    noise = diagnosis.noise(task, y, predicted, threshold) if with_noise else None
    if not per_position:
        values = scoring.summary(task, y, predicted, threshold)
        values["loss"] = loss_value
    return {k: v for k, v in values.items() if np.isfinite(v)}, noise


def test_scores(
    model: keras.Model,
    preprocessor: Preprocessor,
    spec: Spec,
    x: Features,
    y: np.ndarray,
    class_names: list[str] | None,
    output_names: list[str] | None = None,
) -> Scores:
    """The final scores of a model on raw examples.

    The task's metrics, the loss, and for classification the confusion matrix and the
    per-class report; with ``output_names`` (several target columns), each output's scores.
    """
    inputs = preprocessor.transform(x)
    y = rebuilt(spec, inputs, y)
    predicted = np.asarray(model.predict(inputs, batch_size=spec.training.batch_size, verbose=0))
    wanted = targets(spec, y, int(model.output_shape[-1]))
    if spec.task.row.outputs == "sequences":
        evaluated = evaluate(model, spec, inputs, wanted)
    else:
        evaluated = {"loss": loss(model, wanted, predicted)}
    examples = len(y)
    y, predicted = positions(spec, y, predicted)
    scores = scoring.test_result(
        spec.task.type,
        y,
        predicted,
        evaluated,
        class_names,
        spec.task.decision_threshold,
        output_names,
    )
    return replace(scores, size=examples)  # examples, though each of their steps is scored


def loss(model: keras.Model, y: np.ndarray, predicted: np.ndarray) -> float:
    """The model's loss on these predictions, weight penalties included.

    Equal to what ``evaluate`` reports, without tracing another function for each fold's model.
    Under a tf.distribute strategy a Keras loss divides itself by the replicas, to be summed
    over them; one call here sees every row, so it is scaled back as ``evaluate`` does. On JAX
    the loss is one compiled program for each shape of rows, where run eagerly each of its
    operations would be one (a third of a second of a run, scoring three sets of rows).
    """
    from keras.src.losses.loss import unscale_loss_for_distribution

    function = keras.losses.get(model.loss) if isinstance(model.loss, str) else model.loss
    if keras.backend.backend() == "jax":
        import jax

        function = jax.jit(function)  # JAX keeps its programs by function: compiled once a shape
    value = unscale_loss_for_distribution(function(y, predicted))
    return float(value) + sum(float(p) for p in model.losses)


def evaluate(model: keras.Model, spec: Spec, x: Features, y: np.ndarray) -> dict[str, float]:
    """``model.evaluate`` as a flat dict of floats (loss and the compiled metrics)."""
    result = model.evaluate(x, y, batch_size=spec.training.batch_size, verbose=0, return_dict=True)
    flat: dict[str, float] = {}
    for name, value in result.items():
        if isinstance(value, dict):
            flat.update({k: float(v) for k, v in value.items()})
        else:
            flat[name] = float(value)
    return flat
