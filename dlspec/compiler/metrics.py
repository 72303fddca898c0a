"""dlspec's own Keras metrics and losses: perplexity for next_token, RMSE as a regression loss.

Made of ``keras.ops`` only, so they run on every backend, and registered as serialisable, so a
compiled model saved as ``.keras`` loads back with ``safe_mode=True``.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

PACKAGE = "dlspec"


@keras.saving.register_keras_serializable(package=PACKAGE)
class Perplexity(keras.metrics.Mean):
    """``exp`` of the mean sparse categorical cross-entropy over every predicted token.

    ``y_true`` holds integer token ids ``(batch, steps)``; ``y_pred`` the head's probabilities
    ``(batch, steps, vocabulary)`` (or ``(batch, classes)`` against ``(batch,)`` labels). The
    mean runs over all tokens seen since the last reset, so an epoch's value is the perplexity
    of the whole epoch, not a mean of per-batch perplexities.
    """

    def __init__(self, name: str = "perplexity", dtype: Any = None, from_logits: bool = False):
        super().__init__(name=name, dtype=dtype)
        self.from_logits = from_logits

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        """Accumulate the cross-entropy of each token."""
        entropy = keras.losses.sparse_categorical_crossentropy(
            y_true, y_pred, from_logits=self.from_logits
        )
        return super().update_state(entropy, sample_weight=sample_weight)

    def result(self) -> Any:
        """``exp(mean cross-entropy)``."""
        return ops.exp(super().result())

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments, for saving."""
        return {**super().get_config(), "from_logits": self.from_logits}


@keras.saving.register_keras_serializable(package=PACKAGE)
class RootMeanSquaredError(keras.losses.Loss):
    """The root of the batch's mean squared error: the course's RMSE, as a loss.

    The square root comes after the mean over the batch (and its sample weights), so a batch's
    loss is its RMSE, not the mean absolute error that a per-example root would give for one
    output. A floor of 1e-12 under the root keeps the gradient finite at a perfect fit.
    """

    def __init__(self, name: str = "rmse", reduction: str = "sum_over_batch_size"):
        super().__init__(name=name, reduction=reduction)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        """Each example's mean squared error over its outputs."""
        y_true = ops.cast(y_true, y_pred.dtype)
        return ops.mean(ops.square(y_pred - y_true), axis=-1)

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        """``sqrt`` of the weighted mean squared error of the batch."""
        return ops.sqrt(ops.maximum(super().__call__(y_true, y_pred, sample_weight), 1e-12))
