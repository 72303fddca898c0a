"""Saving and loading a ``.keras`` model: dlspec's own Keras classes named, in safe mode.

A fresh process that loads a run has imported none of the modules that define dlspec's layers,
so loading never relies on an import having registered them: ``load`` hands Keras the table
``classes()`` as ``custom_objects``. A class missing from the table cannot be loaded, and a test
checks that every Keras class dlspec defines is in it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import keras

from dlspec.compiler.metrics import ExactMatch, Perplexity, RootMeanSquaredError, TokenAccuracy
from dlspec.layers import (
    cross_attention,
    multi_head_attention,
    positional_encoding,
    residual,
    transformer_block,
    transformer_decoder_block,
)


def classes() -> tuple[type, ...]:
    """Every Keras class dlspec defines: the kinds' own (made on first use), metrics, a loss."""
    return (
        positional_encoding.keras_layer(),
        multi_head_attention.keras_layer(),
        transformer_block.keras_layer(),
        residual.keras_layer(),
        cross_attention.keras_layer(),
        transformer_decoder_block.keras_layer(),
        Perplexity,
        RootMeanSquaredError,
        TokenAccuracy,
        ExactMatch,
    )


def custom_objects() -> dict[str, type]:
    """The classes of ``classes()`` under the names Keras saves them by (``dlspec>X``)."""
    return {keras.saving.get_registered_name(cls): cls for cls in classes()}


def load(path: str | Path) -> keras.Model:
    """The model saved at ``path``, loaded in Keras's safe mode with dlspec's classes.

    Raises:
        ValueError: the file holds code (a ``Lambda`` layer), which safe mode refuses.
        TypeError: the file names a class that is neither Keras's nor dlspec's.
    """
    return keras.saving.load_model(path, custom_objects=custom_objects(), safe_mode=True)


def save(model: keras.Model, path: str | Path) -> None:
    """Save ``model`` to ``path`` (a ``.keras`` file) without importing TensorFlow needlessly.

    Keras's serializer asks whether TensorFlow is installed before each of its
    ``isinstance(obj, tf.TensorShape)`` checks, and asking imports it: seconds of a JAX run.
    Where TensorFlow was never imported no object can be an instance of its classes, so for
    this save it is reported unavailable and every such check is, correctly, false.
    """
    from keras.src.saving import serialization_lib

    lazy = serialization_lib.tf
    if "tensorflow" in sys.modules or lazy._available is not None:  # noqa: SLF001
        model.save(path)
        return
    lazy._available = False  # noqa: SLF001
    try:
        model.save(path)
    finally:
        lazy._available = None  # noqa: SLF001 - asked again, as before, by whoever needs it
