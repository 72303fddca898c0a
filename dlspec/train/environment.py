"""``environment.json``: what a run needs to be repeated and told apart from another run.

Python, Keras, TensorFlow (null when it is not installed), NumPy, the backend and device, the
seed, the resolved spec's SHA-256, the loaded data's fingerprint and the command line.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import platform
import sys
from typing import Any

from dlspec import __version__


def version(package: str) -> str | None:
    """The installed version of ``package``, or None when it is not installed."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def backend() -> str:
    """The Keras backend in use (or that will be used when Keras is imported)."""
    if "keras" in sys.modules:
        import keras

        return keras.backend.backend()
    from dlspec import backend as backends

    return backends.default()


def device() -> str:
    """The accelerator the backend computes on, or ``CPU`` and the processor's architecture."""
    name = backend()
    if name == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_logical_devices("GPU")
        if gpus:
            return ", ".join(g.name for g in gpus)
    elif name == "jax":
        import jax

        devices = jax.devices()
        if devices and devices[0].platform != "cpu":
            return ", ".join(f"{d.platform}:{d.id} {d.device_kind}" for d in devices)
    elif name == "torch":
        import torch

        if torch.cuda.is_available():
            return f"cuda: {torch.cuda.get_device_name(0)}"
    return f"CPU ({platform.machine() or 'unknown'})"


def sha256(text: str) -> str:
    """Hex SHA-256 of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def collect(
    *, spec_text: str, seed: int, fingerprint: str | None, command: list[str]
) -> dict[str, Any]:
    """The ``environment.json`` object for a run whose resolved spec is ``spec_text``."""
    return {
        "dlspec": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "keras": version("keras"),
        "tensorflow": version("tensorflow"),
        "numpy": version("numpy"),
        "scikit_learn": version("scikit-learn"),
        "backend": backend(),
        "device": device(),
        "seed": seed,
        "spec_sha256": sha256(spec_text),
        "data_fingerprint": fingerprint,
        "command": command,
    }
