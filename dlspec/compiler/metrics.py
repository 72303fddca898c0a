"""dlspec's own Keras metrics: perplexity for the next_token task.

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
