"""The task table in Keras terms: the head layer, the loss and the metrics each task compiles.

The rows themselves (activations, losses, default metrics) are plain data in ``dlspec.spec.tasks``;
this module only maps their names onto Keras objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import keras

from dlspec.compiler.metrics import ExactMatch, Perplexity, RootMeanSquaredError, TokenAccuracy
from dlspec.spec.tasks import PADDING_ID

if TYPE_CHECKING:
    from dlspec.spec import Spec
    from dlspec.spec.tasks import TaskSpec

HEAD_NAME = "head"

LOSSES: dict[str, Callable[[], keras.losses.Loss]] = {
    "mse": keras.losses.MeanSquaredError,
    "mae": keras.losses.MeanAbsoluteError,
    "huber": keras.losses.Huber,
    "rmse": RootMeanSquaredError,
    "binary_crossentropy": keras.losses.BinaryCrossentropy,
    "categorical_crossentropy": keras.losses.CategoricalCrossentropy,
    "sparse_categorical_crossentropy": keras.losses.SparseCategoricalCrossentropy,
}


def head(task: TaskSpec, units: int) -> keras.layers.Layer:
    """The output layer the task's row names: ``Dense(units, head activation)``, named "head".

    It computes in float32 whatever the model's precision: a softmax or sigmoid in 16 bits
    rounds probabilities near 0 and 1, and the loss takes their logarithm.
    """
    return keras.layers.Dense(
        units, activation=task.head_activation, name=HEAD_NAME, dtype="float32"
    )


def loss(task: TaskSpec) -> keras.losses.Loss:
    """The Keras loss object for the task's ``loss`` (the head outputs probabilities).

    A padded row's loss leaves padding out (Keras's ``ignore_class``).
    """
    if task.row.padded:
        return keras.losses.SparseCategoricalCrossentropy(ignore_class=PADDING_ID)
    return LOSSES[task.loss]()


def _accuracy(task: TaskSpec) -> keras.metrics.Metric:
    if task.row.outputs == "probability":
        return keras.metrics.BinaryAccuracy(name="accuracy", threshold=task.decision_threshold)
    if task.loss == "categorical_crossentropy":
        return keras.metrics.CategoricalAccuracy(name="accuracy")
    # sparse labels: multiclass (default loss) and next_token
    return keras.metrics.SparseCategoricalAccuracy(name="accuracy")


def _metric(name: str, task: TaskSpec) -> keras.metrics.Metric:
    threshold = task.decision_threshold
    factories: dict[str, Callable[[], Any]] = {
        "rmse": lambda: keras.metrics.RootMeanSquaredError(name="rmse"),
        "mae": lambda: keras.metrics.MeanAbsoluteError(name="mae"),
        "mse": lambda: keras.metrics.MeanSquaredError(name="mse"),
        "accuracy": lambda: _accuracy(task),
        "auc": lambda: keras.metrics.AUC(name="auc"),
        "precision": lambda: keras.metrics.Precision(thresholds=threshold, name="precision"),
        "recall": lambda: keras.metrics.Recall(thresholds=threshold, name="recall"),
        "perplexity": lambda: Perplexity(
            name="perplexity", ignore_class=PADDING_ID if task.row.padded else None
        ),
        "token_accuracy": lambda: TokenAccuracy(ignore_class=PADDING_ID),
        "exact_match": lambda: ExactMatch(ignore_class=PADDING_ID),
    }
    return factories[name]()


def metrics(task: TaskSpec) -> list[keras.metrics.Metric]:
    """Keras metric objects for the task's metrics, each named as in the spec (``rmse``, ...)."""
    return [_metric(name, task) for name in task.head_metrics]


def compile(model: keras.Model, spec: Spec) -> None:
    """Compile ``model`` with the spec's optimizer and the task's loss and metrics.

    Learning-rate reduction on plateau is a training callback, not part of compiling. Under
    ``mixed_float16`` Keras wraps the optimizer in a ``LossScaleOptimizer`` itself.
    """
    model.compile(
        optimizer=spec.optimizer.build(),
        loss=loss(spec.task),
        metrics=metrics(spec.task),
        jit_compile=spec.training.jit_compile,
    )
