"""``dlspec export``: a saved run's model, with its preprocessing, for use outside dlspec.

The run's fitted scaling becomes the model's first layer (a frozen Keras ``Dense`` layer holding
the stored per-feature offsets and spreads), so the exported model takes raw inputs, as
``dlspec predict`` reads them, and gives the same outputs. Three formats, each through Keras:

- ``keras``: a ``.keras`` archive (``model.save``), which plain Keras loads;
- ``saved_model``: a TensorFlow SavedModel (``model.export(format="tf_saved_model")``), for
  TensorFlow Serving;
- ``onnx``: an ONNX model (``model.export(format="onnx")``), for ONNX Runtime; needs onnx and
  tf2onnx (``pip install 'dlspec[export]'``).

Token ids need no preprocessing; a text run's vectoriser is not exported (its raw inputs are
strings, which neither ONNX nor the other backends take), and such a run is refused.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlspec.diagnostics import Span, SpecError, make
from dlspec.train import files

if TYPE_CHECKING:  # the heavy side, imported once the backend is chosen
    from dlspec.data.preprocessing import Preprocessor
    from dlspec.train.saved import SavedRun

FORMATS = ("keras", "saved_model", "onnx")
NEEDS = {"onnx": ("onnx", "tf2onnx")}  # modules beyond Keras and TensorFlow


def require(format: str) -> None:
    """DLS421 when a module the format needs is not installed."""
    missing = [name for name in NEEDS.get(format, ()) if importlib.util.find_spec(name) is None]
    if missing:
        raise SpecError(
            [
                make(
                    "DLS421",
                    f"--format {format} needs {' and '.join(missing)}, not installed",
                    Span.point("dlspec export"),
                    "pip install 'dlspec[export]'",
                )
            ]
        )


def _first_layer(part: Preprocessor, name: str) -> Any:
    """The fitted scaling of one input as a frozen layer (None: nothing to do).

    ``(x - offset) / divisor`` per feature (the last axis) is a ``Dense`` layer with a diagonal
    kernel: its numbers are weights, which every format stores as such (Keras's
    ``Normalization`` keeps them as constants, which the ONNX converter turns into inputs).
    """
    import keras
    import numpy as np

    if part.kind != "scale" or part.scale == "none":
        return None
    assert part.offset is not None and part.divisor is not None
    offset = np.atleast_1d(np.asarray(part.offset, np.float64))
    divisor = np.atleast_1d(np.asarray(part.divisor, np.float64))
    layer = keras.layers.Dense(len(offset), trainable=False, name=f"{name}_scaling")
    layer.build((None, len(offset)))
    layer.set_weights(
        [np.diag(1.0 / divisor).astype(np.float32), (-offset / divisor).astype(np.float32)]
    )
    return layer


def with_preprocessing(run: SavedRun) -> Any:
    """The run's model behind its fitted scaling: raw inputs in, the model's outputs out.

    Raises:
        SpecError: DLS409 for a text run, whose raw inputs are strings.
    """
    preprocessor = run.preprocessor
    if preprocessor.kind == "text":
        raise SpecError(
            [
                make(
                    "DLS409",
                    f"run '{run.path}' reads raw text, which an exported model cannot take: "
                    "its vectoriser (TextVectorization) is not exportable to every format",
                    Span.point(str(run.path)),
                    "export a run whose inputs are numbers or token ids",
                )
            ]
        )
    import keras

    model = run.model
    inputs = model.inputs
    parts = preprocessor.parts or {}
    raw, fed = [], []
    for tensor in inputs:
        name = tensor.name
        part = parts.get(name, preprocessor) if parts else preprocessor
        given = keras.Input(tensor.shape[1:], dtype=tensor.dtype, name=name)
        layer = _first_layer(part, name)
        raw.append(given)
        fed.append(layer(given) if layer is not None else given)
    if parts:
        outputs = model({tensor.name: x for tensor, x in zip(inputs, fed, strict=True)})
        wrapped = keras.Model({t.name: x for t, x in zip(inputs, raw, strict=True)}, outputs)
    else:
        (single,) = fed
        wrapped = keras.Model(raw[0], model(single), name=f"{model.name}_with_preprocessing")
    # Keras exports a model that has run once: one example of zeros.
    zeros = [keras.ops.zeros((1, *t.shape[1:]), dtype=t.dtype) for t in raw]
    wrapped({t.name: z for t, z in zip(raw, zeros, strict=True)} if parts else zeros[0])
    return wrapped


def export(path: str | Path, format: str, output: str | Path) -> Path:
    """Write the run at ``path`` with its preprocessing as ``format`` at ``output``.

    Raises:
        SpecError: the run is damaged or edited, reads text, or the format's modules are
            missing.
    """
    from dlspec.train.saved import open_run

    require(format)
    run = open_run(path)
    model = with_preprocessing(run)
    output = Path(output)
    # Written beside the target, then renamed over it: a failure leaves no half-written model.
    with files.replacing(output, output.suffix) as partial:
        files.remove(partial)
        if format == "keras":
            model.save(partial)
        elif format == "saved_model":
            model.export(partial, format="tf_saved_model", verbose=False)
        else:
            model.export(partial, format="onnx", verbose=False)
        if output.is_dir():
            files.remove(output)  # a SavedModel folder the caller allowed to replace (--force)
    return output
