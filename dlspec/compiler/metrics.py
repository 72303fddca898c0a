"""dlspec's own Keras metrics and losses: perplexity, token accuracy, exact match and RMSE.

Perplexity serves next_token and seq2seq, token accuracy and exact match seq2seq (padding left
out of each), RMSE is a regression loss.

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

    def __init__(
        self,
        name: str = "perplexity",
        dtype: Any = None,
        from_logits: bool = False,
        ignore_class: int | None = None,
    ):
        super().__init__(name=name, dtype=dtype)
        self.from_logits = from_logits
        self.ignore_class = ignore_class  # padding: positions of this id count in no mean

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        """Accumulate the cross-entropy of each token (each one not padding)."""
        entropy = keras.losses.sparse_categorical_crossentropy(
            y_true, y_pred, from_logits=self.from_logits
        )
        if self.ignore_class is not None:
            kept = _kept(y_true, self.ignore_class, entropy.dtype)
            sample_weight = kept if sample_weight is None else kept * sample_weight
        return super().update_state(entropy, sample_weight=sample_weight)

    def result(self) -> Any:
        """``exp(mean cross-entropy)``."""
        return ops.exp(super().result())

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments, for saving."""
        config = {**super().get_config(), "from_logits": self.from_logits}
        return {**config, "ignore_class": self.ignore_class}


def _kept(y_true: Any, ignore_class: int, dtype: Any) -> Any:
    """1.0 at every position whose true id is not ``ignore_class`` (padding), else 0.0."""
    return ops.cast(ops.not_equal(ops.cast(y_true, "int32"), ignore_class), dtype)


def _hits(y_true: Any, y_pred: Any) -> Any:
    """1.0 where the likeliest id is the true one, per position."""
    chosen = ops.cast(ops.argmax(y_pred, axis=-1), "int32")
    return ops.cast(ops.equal(chosen, ops.cast(y_true, "int32")), "float32")


@keras.saving.register_keras_serializable(package=PACKAGE)
class TokenAccuracy(keras.metrics.Mean):
    """The share of target tokens predicted right, padding left out.

    ``y_true`` holds ids ``(batch, steps)`` padded with ``ignore_class``; ``y_pred`` the head's
    probabilities ``(batch, steps, vocabulary)``. With teacher forcing, each position is
    predicted from the true tokens before it.
    """

    def __init__(self, name: str = "token_accuracy", dtype: Any = None, ignore_class: int = 0):
        super().__init__(name=name, dtype=dtype)
        self.ignore_class = ignore_class

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        """Count each token that is not padding: 1 if predicted right."""
        kept = _kept(y_true, self.ignore_class, "float32")
        if sample_weight is not None:
            kept = kept * ops.cast(sample_weight, "float32")
        return super().update_state(_hits(y_true, y_pred), sample_weight=kept)

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments, for saving."""
        return {**super().get_config(), "ignore_class": self.ignore_class}


@keras.saving.register_keras_serializable(package=PACKAGE)
class ExactMatch(keras.metrics.Mean):
    """The share of targets whose every token (padding left out) is predicted right."""

    def __init__(self, name: str = "exact_match", dtype: Any = None, ignore_class: int = 0):
        super().__init__(name=name, dtype=dtype)
        self.ignore_class = ignore_class

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        """Count each sequence: 1 if none of its tokens is wrong."""
        kept = _kept(y_true, self.ignore_class, "float32")
        wrong = ops.sum(kept * (1.0 - _hits(y_true, y_pred)), axis=-1)
        whole = ops.cast(ops.equal(wrong, 0.0), "float32")
        return super().update_state(whole, sample_weight=sample_weight)

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments, for saving."""
        return {**super().get_config(), "ignore_class": self.ignore_class}


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
