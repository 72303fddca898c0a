"""``environment.json``: what a run needs to be repeated and told apart from another run.

Python, Keras, TensorFlow (null when it is not installed), NumPy, the backend, device and
precision, the seed, the resolved spec's SHA-256, the loaded data's fingerprint and the command
line.
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
    """The accelerators the backend computes on, or ``CPU`` and the processor's architecture."""
    from dlspec import backend as backends

    found = backends.accelerators() if "keras" in sys.modules else []
    return ", ".join(found) if found else f"CPU ({platform.machine() or 'unknown'})"


def sha256(text: str) -> str:
    """Hex SHA-256 of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def collect(
    *,
    spec_text: str,
    seed: int,
    precision: str,
    fingerprint: str | None,
    command: list[str],
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
        "precision": precision,
        "seed": seed,
        "spec_sha256": sha256(spec_text),
        "data_fingerprint": fingerprint,
        "command": command,
    }
