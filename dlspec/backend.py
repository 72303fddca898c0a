"""Choosing and starting the Keras backend, before anything imports Keras."""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dlspec.diagnostics import Span, SpecError, make
from dlspec.startup import long_lived

BACKENDS = ("tensorflow", "jax", "torch")
# The default where $KERAS_BACKEND is unset, in order of preference: JAX wherever it is installed
# (on this project's CPU experiments it imports in half of TensorFlow's time and trains the small
# models two to three times as fast; README, "Backends and GPUs"), else TensorFlow.
PREFERRED = ("jax", "tensorflow")


def default(environ: Mapping[str, str] | None = None) -> str:
    """The backend a command uses when none is named: $KERAS_BACKEND, else the first installed.

    ``environ`` is the environment to read (default: this process's).
    """
    chosen = (os.environ if environ is None else environ).get("KERAS_BACKEND")
    if chosen:
        return chosen
    for name in PREFERRED:
        if importlib.util.find_spec(name) is not None:
            return name
    return PREFERRED[-1]


def select(name: str | None) -> None:
    """Use backend ``name`` (None: ``default()``) when Keras is imported.

    Raises:
        SpecError: DLS408 when the backend is unknown, not installed, or Keras already runs on
            another one.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if name is not None:
        span = Span("--backend", 1, 1, 1, len(name) + 1)
        choices = ", ".join(BACKENDS)
        if name not in BACKENDS:
            message = f"unknown Keras backend '{name}'"
            raise SpecError([make("DLS408", message, span, f"choose one of: {choices}")])
        if importlib.util.find_spec(name) is None:
            hint = f"install it (pip install {name}) or choose another of: {choices}"
            message = f"the Keras backend '{name}' is not installed"
            raise SpecError([make("DLS408", message, span, hint)])
        if "keras" in sys.modules:
            import keras

            if keras.backend.backend() != name:
                message = f"Keras is already running on '{keras.backend.backend()}', not '{name}'"
                raise SpecError([make("DLS408", message, span)])
        os.environ["KERAS_BACKEND"] = name
    elif "keras" not in sys.modules:
        os.environ["KERAS_BACKEND"] = default()


DEVICES = ("auto", "cpu", "gpu")


def place(device: str) -> None:
    """Before Keras is imported: compute on ``device`` (auto: a GPU where the backend sees one).

    ``cpu`` hides every GPU from TensorFlow, PyTorch and JAX; ``gpu`` is checked once the backend
    has started (``require``).
    """
    if device == "cpu":
        os.environ["CUDA_VISIBLE_DEVICES"] = "-1"
        os.environ["JAX_PLATFORMS"] = "cpu"


def accelerators() -> list[str]:
    """The GPUs (or TPUs) the started backend computes on; empty on a CPU."""
    import keras

    name = keras.backend.backend()
    if name == "tensorflow":
        import tensorflow as tf

        return [g.name for g in tf.config.list_logical_devices("GPU")]
    if name == "jax":
        import jax

        return [
            f"{d.platform}:{d.id} {d.device_kind}" for d in jax.devices() if d.platform != "cpu"
        ]
    if name == "torch":
        import torch

        if torch.cuda.is_available():
            return [
                f"cuda:{i} {torch.cuda.get_device_name(i)}"
                for i in range(torch.cuda.device_count())
            ]
    return []


def require(device: str) -> None:
    """After the backend started: check it computes on ``device``.

    Raises:
        SpecError: DLS419 when ``gpu`` is asked for and the backend sees none, or ``cpu`` is
            asked for in a process where Keras already computes on a GPU.
    """
    if device == "auto":
        return
    import keras

    found = accelerators()
    span = Span("--device", 1, 1, 1, len(device) + 1)
    name = keras.backend.backend()
    if device == "gpu" and not found:
        hint = (
            "install the backend's CUDA build (pip install 'dlspec[gpu]' for TensorFlow, "
            "pip install 'jax[cuda12]' for JAX), check that nvidia-smi lists the card, "
            "or train with --device auto or cpu"
        )
        message = f"--device gpu, but the {name} backend sees no GPU on this machine"
        raise SpecError([make("DLS419", message, span, hint)])
    if device == "cpu" and found:
        message = f"Keras already computes on {found[0]} in this process, not on the CPU"
        raise SpecError([make("DLS419", message, span, "run the command in a new process")])


def cache_folder() -> Path:
    """Where JAX keeps compiled programs between processes: ``$XDG_CACHE_HOME/dlspec/jax``."""
    home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(home) / "dlspec" / "jax"


def use_compilation_cache() -> None:
    """Keep JAX's compiled programs on disk, so the next process skips compiling them.

    Every program is kept, however small or quick to compile: the epoch programs of the
    course's models compile in about a second and load in a few hundredths, and the many small
    programs of loading and scoring a saved run (about a second and a half in all) in less than
    half a second.
    """
    import jax

    if jax.config.jax_compilation_cache_dir is None:  # type: ignore[attr-defined]
        jax.config.update("jax_compilation_cache_dir", str(cache_folder()))
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)


# TensorFlow's MultiWorkerMirroredStrategy, made by ``start`` before the runtime starts (it
# must be); ``dlspec.train.distribution`` trains under it.
strategy: Any = None


def start(*, cpus: int = 0, multi_worker: bool = False) -> None:
    """Import Keras and its backend with the backend's native start-up notices silenced.

    TensorFlow writes oneDNN and CUDA notices straight to file descriptor 2 before its own
    logging starts, so TF_CPP_MIN_LOG_LEVEL cannot stop them; they would bury the report. When
    the import fails, what was silenced is shown with the error.

    Args:
        cpus: Split the CPU into this many logical devices when above 1 (mirrored training on
            named CPUs): TensorFlow's logical devices, or JAX's host platform devices.
        multi_worker: Make TensorFlow's ``MultiWorkerMirroredStrategy`` (configured by
            ``TF_CONFIG``), which must exist before the runtime starts.
    """
    if "keras" in sys.modules:
        return
    if cpus > 1 and os.environ.get("KERAS_BACKEND") == "jax":
        flag = f"--xla_force_host_platform_device_count={cpus}"
        os.environ["XLA_FLAGS"] = " ".join(filter(None, [os.environ.get("XLA_FLAGS"), flag]))
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as capture, long_lived():
        os.dup2(capture.fileno(), 2)
        try:
            import keras

            if keras.backend.backend() == "jax":
                use_compilation_cache()
            if keras.backend.backend() == "tensorflow":
                _prepare_tensorflow(cpus, multi_worker)
            keras.ops.zeros((1,))  # the first operation starts the device runtime, which logs
        except BaseException:
            os.dup2(saved, 2)
            capture.seek(0)
            sys.stderr.write(capture.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _prepare_tensorflow(cpus: int, multi_worker: bool) -> None:
    global strategy
    import tensorflow as tf

    if cpus > 1:
        (cpu, *_) = tf.config.list_physical_devices("CPU")
        logical = [tf.config.LogicalDeviceConfiguration() for _ in range(cpus)]
        tf.config.set_logical_device_configuration(cpu, logical)
    if multi_worker:
        strategy = tf.distribute.MultiWorkerMirroredStrategy()
