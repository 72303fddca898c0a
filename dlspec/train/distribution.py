"""Data-parallel training through the engines Keras already uses, never a home-made one.

``training.distribution: mirrored`` trains under ``tf.distribute.MirroredStrategy`` on
TensorFlow and ``keras.distribution.DataParallel`` on JAX; ``multi_worker`` under
``tf.distribute.MultiWorkerMirroredStrategy``, which ``backend.start`` makes before the runtime
starts. Every device holds the whole model; each step's global batch is ``batch_size`` rows per
device, and the engine splits it between the devices and averages their gradients.

A fit under a distribution goes through ``model.fit`` (the compiled epochs of
``dlspec.train.epochs`` run on one device): on TensorFlow from a ``tf.data`` pipeline that
gathers the batches ``fit.rows`` orders, on JAX from the same batches as NumPy arrays.

Light at import (``check`` runs before Keras starts); the rest imports Keras where it runs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from dlspec import backend
from dlspec.data.features import Features
from dlspec.diagnostics import Span, SpecError, make
from dlspec.spec import Spec
from dlspec.spec.document import SourceMap
from dlspec.spec.sections import MirroredSpec, device_key

BACKENDS = ("tensorflow", "jax")


def check(spec: Spec, source_map: SourceMap | None = None) -> None:
    """Refuse a distribution this backend and environment cannot run, before anything trains.

    Raises:
        SpecError: DLS420 at ``training.distribution``: a backend other than TensorFlow or JAX,
            multi_worker off TensorFlow or without ``TF_CONFIG``.
    """
    from dlspec.train import environment

    chosen = spec.training.distribution
    if chosen is None:
        return
    name = environment.backend()
    where = ("training", "distribution")
    span = source_map.locate(where) if source_map is not None else Span.point("training")
    problem = hint = None
    if name not in BACKENDS:
        problem = f"training.distribution runs on TensorFlow or JAX, not on {name}"
        hint = "train with --backend tensorflow or --backend jax"
    elif chosen.type == "multi_worker" and name != "tensorflow":
        problem = "multi_worker training runs through tf.distribute, on the TensorFlow backend"
        hint = "train with --backend tensorflow, or use 'mirrored' for this machine's devices"
    elif chosen.type == "multi_worker" and not _tf_config():
        problem = "multi_worker training needs TF_CONFIG, which names every worker"
        hint = (
            "set TF_CONFIG in each worker's environment, e.g. "
            '{"cluster": {"worker": ["host1:12345", "host2:12345"]}, '
            '"task": {"type": "worker", "index": 0}}'
        )
    if problem is not None:
        raise SpecError([make("DLS420", problem, span, hint)])


def _tf_config() -> dict[str, Any]:
    try:
        found = json.loads(os.environ.get("TF_CONFIG", "") or "{}")
    except json.JSONDecodeError:
        return {}
    return found if isinstance(found, dict) and found.get("cluster") else {}


def chief() -> bool:
    """Whether this process writes the run: always, except a multi-worker run's other workers."""
    task = _tf_config().get("task", {})
    return task.get("type", "worker") in ("worker", "chief") and (
        task.get("type") == "chief" or int(task.get("index", 0)) == 0
    )


@contextmanager
def scope(spec: Spec) -> Iterator[int]:
    """Build, compile and fit under the spec's distribution; yields the number of replicas.

    Without ``training.distribution``: nothing changes, and 1 replica. With it, Keras's session
    is cleared first (clearing it inside would drop the strategy).
    """
    import keras

    chosen = spec.training.distribution
    if chosen is None:
        yield 1
        return
    keras.backend.clear_session()
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        if chosen.type == "multi_worker":
            strategy = backend.strategy or tf.distribute.MultiWorkerMirroredStrategy()
        else:
            assert isinstance(chosen, MirroredSpec)
            strategy = tf.distribute.MirroredStrategy(devices=chosen.devices)
        with strategy.scope():
            yield int(strategy.num_replicas_in_sync)
        return
    assert isinstance(chosen, MirroredSpec)  # check(): multi_worker is TensorFlow's
    devices = (
        [device_key(name) for name in chosen.devices]  # gpu:1, as Keras names it
        if chosen.devices
        else keras.distribution.list_devices()
    )
    parallel = keras.distribution.DataParallel(devices=devices)
    with parallel.scope():
        yield len(devices)


def dataset(
    x: Features, y: np.ndarray, weights: np.ndarray | None, orders: list[np.ndarray], size: int
) -> Any:
    """A ``tf.data`` pipeline of the mini-batches of every epoch, in ``orders`` (one per epoch).

    Keras hands each global batch to the strategy, which splits it between the replicas (and,
    across workers, shards the batches). Batches never cross an epoch's end.
    """
    import keras
    import tensorflow as tf

    arrays = (x, y) if weights is None else (x, y, weights)
    table = tf.constant(np.stack(orders).astype("int64"))

    def epoch(order: Any) -> Any:
        return tf.data.Dataset.from_tensor_slices(order).batch(size)

    def gather(chosen: Any) -> Any:
        return keras.tree.map_structure(lambda a: tf.gather(a, chosen), arrays)

    batches = tf.data.Dataset.from_tensor_slices(table).flat_map(epoch).map(gather)
    return batches.prefetch(tf.data.AUTOTUNE)
