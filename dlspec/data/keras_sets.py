"""``keras:`` sources: Keras's own datasets, downloaded once into the Keras cache.

Offline and not cached, loading fails with DLS402 naming the file to put in the cache and the
URL Keras downloads it from. Images come out float32 in [0, 1] with a channel axis; IMDB and
Reuters as int32 ids below ``max_tokens``, padded or truncated to ``sequence_length``.
"""

from __future__ import annotations

import contextlib
import os
import sys
import urllib.error
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dlspec.data.dataset import Dataset
from dlspec.data.problems import Problems

if TYPE_CHECKING:
    from dlspec.spec.sections import DataSpec

_GCS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_FASHION = [
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
]
# name -> (path under the Keras cache, the URL Keras downloads it from)
CACHE: dict[str, tuple[str, str]] = {
    "mnist": ("datasets/mnist.npz", _GCS + "mnist.npz"),
    "fashion_mnist": ("datasets/fashion-mnist/", _GCS + "{" + ",".join(_FASHION) + "}"),
    "cifar10": (
        "datasets/cifar-10-batches-py-target_archive",
        "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
    ),
    "imdb": ("datasets/imdb.npz", _GCS + "imdb.npz"),
    "reuters": ("datasets/reuters.npz", _GCS + "reuters.npz"),
}
_FASHION_NAMES = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]  # fmt: skip
_CIFAR10_NAMES = [
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
]  # fmt: skip


def keras_home() -> Path:
    """The Keras cache folder, found as Keras finds it: $KERAS_HOME, else ~/.keras.

    Keras falls back to /tmp/.keras when the home folder is not writable, and so does this.
    """
    if "KERAS_HOME" in os.environ:
        return Path(os.environ["KERAS_HOME"]).expanduser()
    base = os.path.expanduser("~")
    return Path(base if os.access(base, os.W_OK) else "/tmp") / ".keras"


def cache_path(name: str) -> Path:
    """Where the Keras cache keeps dataset ``name``."""
    return keras_home() / CACHE[name][0]


def _download_failed(error: Exception) -> bool:
    # keras.utils.get_file re-raises URL errors as a bare Exception with this message.
    return isinstance(error, urllib.error.URLError | OSError) or str(error).startswith(
        "URL fetch failure"
    )


def load_keras(data: DataSpec, problems: Problems, *, tokens: bool) -> Dataset:
    """Load a Keras dataset with its own test split; ``tokens`` for the token-id sets.

    Raises:
        SpecError: DLS402 when it is not cached and cannot be downloaded.
    """
    import keras

    name = data.location
    module = getattr(keras.datasets, name)
    kwargs = {"num_words": data.vocabulary_size} if tokens else {}
    try:
        # Keras reports download progress on stdout, which belongs to reports and --json.
        with contextlib.redirect_stdout(sys.stderr):
            (x, y), (x_test, y_test) = module.load_data(**kwargs)
    except Exception as error:
        if not _download_failed(error):
            raise
        problems.fail(
            "DLS402",
            f"keras dataset '{name}' is not in the Keras cache at '{cache_path(name)}' and "
            f"cannot be downloaded from '{CACHE[name][1]}'",
            hint="copy the download there from a machine with network access (or point "
            f"KERAS_HOME at a cache that has it); the download failed with: {error}",
        )
    return Dataset.create(
        prepare(data, x, tokens=tokens),
        np.asarray(y, np.int64).reshape(-1),
        prepare(data, x_test, tokens=tokens),
        np.asarray(y_test, np.int64).reshape(-1),
        class_names=class_names(name),
        vocabulary=data.vocabulary_size if tokens else None,
    )


def prepare(data: DataSpec, x: np.ndarray, *, tokens: bool) -> np.ndarray:
    """Raw Keras arrays as models take them: images in [0, 1] with channels, ``tokens`` padded."""
    if tokens:
        if x.dtype == object or x.ndim == 1:
            import keras

            length = data.tokens_per_example
            return keras.utils.pad_sequences(list(x), maxlen=length, dtype="int32")
        return x.astype(np.int32)
    if x.ndim == 3:  # mnist and fashion_mnist have no channel axis
        x = x[..., None]
    return (x / 255.0).astype(np.float32) if x.dtype == np.uint8 else x.astype(np.float32)


def class_names(name: str) -> list[str]:
    """Label names in class-id order."""
    if name == "mnist":
        return [str(i) for i in range(10)]
    if name == "fashion_mnist":
        return list(_FASHION_NAMES)
    if name == "cifar10":
        return list(_CIFAR10_NAMES)
    if name == "imdb":
        return ["negative", "positive"]
    import keras

    return list(keras.datasets.reuters.get_label_names())
