"""``training.tensorboard``: Keras's TensorBoard callback writing each fit's logs into the run.

A run's logs are ``RUN/tensorboard/<fit>/{train,validation}`` (``fold_1``, ``holdout``,
``final``), one TensorBoard run per fit: ``tensorboard --logdir RUN/tensorboard`` shows the
folds' curves side by side. Light at import: Keras is imported where the callback is made.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlspec.diagnostics import Span, SpecError, make

if TYPE_CHECKING:
    from dlspec.spec import Spec
    from dlspec.spec.document import SourceMap

FOLDER = "tensorboard"


def check(spec: Spec, source_map: SourceMap | None = None) -> None:
    """DLS421 at ``training.tensorboard`` when it is on and TensorBoard is not installed.

    Raises:
        SpecError: before anything trains or a run folder is made.
    """
    if not spec.training.tensorboard or importlib.util.find_spec("tensorboard") is not None:
        return
    where = ("training", "tensorboard")
    span = source_map.locate(where) if source_map is not None else Span.point("training")
    message = "training.tensorboard needs the tensorboard package, which is not installed"
    raise SpecError([make("DLS421", message, span, "pip install 'dlspec[tensorboard]'")])


def folder(run: Path, label: str) -> Path:
    """The log folder of one fit: ``fold 2/5`` -> ``RUN/tensorboard/fold_2``."""
    name = re.sub(r"[^A-Za-z0-9]+", "_", label.split("/")[0]).strip("_") or "fit"
    return run / FOLDER / name


def callback(logs: Path) -> Any:
    """Keras's TensorBoard callback writing epoch-level scalars (and weight histograms)."""
    import keras

    return keras.callbacks.TensorBoard(
        log_dir=str(logs), histogram_freq=1, write_graph=False, update_freq="epoch"
    )
