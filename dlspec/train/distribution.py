"""Data-parallel training through the engines Keras already uses, never a home-made one.

``training.distribution: mirrored`` trains under ``tf.distribute.MirroredStrategy`` on
TensorFlow and ``keras.distribution.DataParallel`` on JAX; ``multi_worker`` under
``tf.distribute.MultiWorkerMirroredStrategy``, which ``backend.start`` makes before the runtime
starts. Every device holds the whole model; each step's global batch is ``batch_size`` rows per
device, and the engine splits it between the devices and averages their gradients.

On TensorFlow a fit runs Keras's ``train_step`` under ``strategy.run`` for each global batch
of a ``tf.data`` pipeline in the order ``fit.rows`` draws (``dlspec.train.epochs``; Keras 3's
``model.fit`` fails under a multi-worker strategy, keras-team/keras#20585); on JAX it goes
through ``model.fit`` on the same batches as NumPy arrays, which ``DataParallel`` shards.

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
        hint = EXAMPLE
    elif chosen.type == "multi_worker" and not _task_named(_tf_config()):
        problem = "TF_CONFIG names no task of its cluster for this process"
        hint = EXAMPLE
    if problem is not None:
        raise SpecError([make("DLS420", problem, span, hint)])


EXAMPLE = (
    "set TF_CONFIG in each worker's environment, with its own index, e.g. "
    '{"cluster": {"worker": ["host1:12345", "host2:12345"]}, '
    '"task": {"type": "worker", "index": 0}}'
)


def _task_named(config: dict[str, Any]) -> bool:
    """Whether TF_CONFIG's task is one of its cluster's: a type it lists, an index within it."""
    task, cluster = config.get("task"), config.get("cluster")
    if not isinstance(task, dict) or not isinstance(cluster, dict):
        return False
    members, index = cluster.get(task.get("type")), task.get("index")
    return isinstance(members, list) and isinstance(index, int) and 0 <= index < len(members)


def _tf_config() -> dict[str, Any]:
    try:
        found = json.loads(os.environ.get("TF_CONFIG", "") or "{}")
    except json.JSONDecodeError:
        return {}
    return found if isinstance(found, dict) and found.get("cluster") else {}


def chief(spec: Spec) -> bool:
    """Whether this process writes the run: always, except a multi-worker run's other workers.

    The chief is TF_CONFIG's task of type ``chief``, else worker 0.
    """
    chosen = spec.training.distribution
    if chosen is None or chosen.type != "multi_worker":
        return True
    config = _tf_config()
    task = config.get("task", {})
    if "chief" in config.get("cluster", {}):
        return bool(task.get("type") == "chief")
    return bool(task.get("type", "worker") == "worker" and int(task.get("index", 0)) == 0)


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


def dataset(data: tuple[Features, ...], order: np.ndarray | None, size: int) -> Any:
    """A strategy's ``tf.data`` pipeline of the mini-batches of ``data`` in row order ``order``.

    ``data`` is (x, y[, weights]); None keeps the rows' order. The strategy splits each global
    batch of ``size`` rows between its replicas (across workers, it shards the batches).
    """
    import keras
    import tensorflow as tf

    rows = keras.tree.flatten(data)[0].shape[0]
    chosen = np.arange(rows) if order is None else order

    def gather(indexes: Any) -> Any:
        return keras.tree.map_structure(lambda a: tf.gather(a, indexes), data)

    batches = tf.data.Dataset.from_tensor_slices(chosen.astype("int64")).batch(size).map(gather)
    return tf.distribute.get_strategy().experimental_distribute_dataset(batches)
