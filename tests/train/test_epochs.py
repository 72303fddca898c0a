"""The fast path (``dlspec.train.epochs``): whole epochs as one compiled call, the same numbers.

Each backend runs in its own fresh process (a process has one Keras backend). There, one fold
is fitted through ``model.fit`` and through the compiled epochs, and again with the run's kept
model (``fit.Models``) after it trained another fold: every history value and every weight must
agree, and each fit's loss on its validation rows, as a run scores it, must equal Keras's
``evaluate``. The specs carry every state a fit has across epochs: dropout, a weight penalty,
balanced class weights, early stopping with its best weights, a learning rate lowered on
plateaus, a short last batch, an ordered (time-series) LSTM and a convolution.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.keras

IRIS = """\
name: iris
seed: 3
data: {source: "sklearn:iris"}
task: multiclass
model:
  layers:
    - dense: {units: 16, activation: relu, kernel_regularizer: {l2: 0.001}}
    - dropout: 0.3
optimizer: {type: adam, learning_rate: 0.02}
training:
  epochs: 25
  batch_size: 16
  class_weight: balanced
  early_stopping: {patience: 4}
  reduce_lr_on_plateau: {patience: 2, factor: 0.5}
validation: {type: kfold, folds: 2, test_size: 0.2}
"""

SINE = """\
name: sine
seed: 1
data: {source: "synthetic:sine", samples: 200, window: {length: 12, horizon: 1}}
task: regression
model: {layers: [{lstm: 8}]}
optimizer: {type: sgd, learning_rate: 0.05, momentum: 0.9}
training: {epochs: 4, batch_size: 32}
validation: {type: time_series, splits: 2, test_size: 0.2}
"""

# Two named inputs (a dict of arrays through the compiled epochs), one of them int32 ids.
TWO_INPUTS = """\
name: two
seed: 2
data: {source: "npz:two.npz", scale: standard}
task: binary
model:
  inputs:
    words: {shape: [5], dtype: int32}
    meta: [3]
  layers:
    - embedding: {input_dim: 12, output_dim: 4, from: words}
    - global_average_pooling1d: {name: text}
    - dense: {units: 4, activation: relu, from: meta}
    - concatenate: {from: [text, dense_1]}
    - dropout: 0.2
optimizer: {type: rmsprop, learning_rate: 0.01}
training: {epochs: 5, batch_size: 16, class_weight: balanced}
validation: {type: kfold, folds: 2, test_size: 0.2}
"""

# A convolution: on a CPU, JAX's compiled epochs take one step a mini-batch instead of a scan.
CNN = """\
name: cnn
seed: 4
data: {source: "sklearn:digits", scale: minmax}
task: multiclass
model:
  layers:
    - reshape: [8, 8, 1]
    - conv2d: {filters: 4, kernel_size: 3, activation: relu}
    - max_pooling2d: 2
    - flatten
    - dropout: 0.2
optimizer: adam
training: {epochs: 3, batch_size: 128}
validation: {type: kfold, folds: 2, test_size: 0.2}
"""

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from dlspec import backend
    backend.select(sys.argv[2])
    from dlspec import check, sources
    from dlspec.data import features
    from dlspec.data.problems import Problems
    from dlspec.train import experiment
    from dlspec.train import fit as fitting

    path = Path(sys.argv[1])
    spec, source_map, inference = check.analyse(path, [])
    dataset = sources.load(spec, path, source_map=source_map)
    inference = experiment.complete(spec, inference, dataset, Problems(path, source_map))
    plan = experiment.test_set(spec, dataset)[0]
    first, second = plan.folds[0], plan.folds[1]

    def fit(split, **how):
        fitted = fitting.fit(
            spec, inference, dataset, split.train, split.validation,
            epochs=spec.training.epochs, ordered=plan.ordered, **how,
        )
        weights = [v.numpy().tolist() for v in fitted.model.weights]
        loop = fitting.epoch_loop.compiled(fitted.model, 1) if sys.argv[2] == "jax" else None
        # the run's loss on the validation rows, and Keras's own evaluate of the same
        inputs = fitted.preprocessor.transform(features.take(dataset.x, split.validation))
        outputs = int(fitted.model.output_shape[-1])
        wanted = fitting.rebuilt(spec, inputs, dataset.y[split.validation])
        wanted = fitting.targets(spec, wanted, outputs)
        predicted = fitted.model.predict(inputs, verbose=0)
        return {
            "loss": fitting.loss(fitted.model, wanted, predicted),
            "evaluated": fitting.evaluate(fitted.model, spec, inputs, wanted)["loss"],
            "stepwise": bool(loop and loop.stepwise),
            "history": fitted.history,
            "best": fitted.best_epoch,
            "weights": weights,
            "xla": bool(fitted.model.jit_compile),
        }

    kept = fitting.Models()
    found = {
        "plain": fit(second, fused=False),
        "fused": fit(second, fused=True),
        "other": fit(first, models=kept),
        "kept": fit(second, models=kept),
        "tensorflow": "tensorflow" in sys.modules,
    }
    print(json.dumps(found))
    """
)


def fits(tmp_path: Path, text: str, backend: str) -> dict:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    rng = np.random.default_rng(0)
    words, meta = rng.integers(1, 12, (90, 5)), rng.normal(3, 2, (90, 3))
    labels = (words == 4).any(axis=1) ^ (meta[:, 0] > 3)
    np.savez(tmp_path / "two.npz", words=words, meta=meta, y=labels.astype(int))
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(spec), backend],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def same(ours: dict, theirs: dict) -> None:
    assert ours["history"].keys() == theirs["history"].keys()
    for name, values in theirs["history"].items():
        np.testing.assert_allclose(ours["history"][name], values, rtol=1e-5, atol=1e-7)
    assert ours["best"] == theirs["best"]
    for mine, other in zip(ours["weights"], theirs["weights"], strict=True):
        np.testing.assert_allclose(mine, other, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
@pytest.mark.parametrize(
    "text", [IRIS, SINE, TWO_INPUTS, CNN], ids=["iris", "sine", "two-inputs", "cnn"]
)
def test_compiled_epochs_give_model_fits_numbers(tmp_path: Path, backend: str, text: str) -> None:
    found = fits(tmp_path, text, backend)
    plain = found["plain"]
    history = plain["history"]
    assert len(history["loss"]) >= 3 and {"loss", "val_loss"} <= history.keys()
    if text is IRIS:  # the states the comparison is about did act
        assert "learning_rate" in history and min(history["learning_rate"]) < 0.02
        assert plain["best"] is not None
    same(found["fused"], plain)
    same(found["kept"], plain)  # a kept model, reset after another fold, starts as a new one
    assert found["other"]["history"]["loss"] != history["loss"]  # that fold did train
    # the run's scores use Keras's loss on the predictions (compiled once a shape on JAX), the
    # weight penalties included: what evaluate reports
    for fitted in found.values():
        if isinstance(fitted, dict):
            assert fitted["loss"] == pytest.approx(fitted["evaluated"], rel=1e-5)
    # JAX runs never import TensorFlow (seeding, training and scoring alike)
    assert found["tensorflow"] == (backend == "tensorflow")
    # On a CPU, JAX's epochs of a model with a convolution are one compiled call a mini-batch
    assert found["fused"]["stepwise"] == (backend == "jax" and text is CNN)
    # jit_compile: auto is XLA on JAX, and not on TensorFlow on a CPU
    assert found["fused"]["xla"] == (backend == "jax")


def test_xla_compiled_epochs_on_tensorflow_give_model_fits_numbers(tmp_path: Path) -> None:
    # training.jit_compile: true puts TensorFlow's epoch program through XLA, as model.fit's steps
    xla = IRIS.replace("  batch_size: 16\n", "  batch_size: 16\n  jit_compile: true\n")
    assert xla != IRIS
    found = fits(tmp_path, xla, "tensorflow")
    assert found["fused"]["xla"] and found["plain"]["xla"]
    same(found["fused"], found["plain"])


def test_seeding_without_tensorflow_draws_what_keras_seeding_draws() -> None:
    script = textwrap.dedent(
        """
        import json, os, sys
        os.environ["KERAS_BACKEND"] = "jax"
        import keras
        from dlspec.train import fit

        def drawn():
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
            mask = keras.layers.Dropout(0.5)(keras.ops.ones((2, 8)), training=True)
            mask = keras.ops.convert_to_numpy(mask).tolist()
            return [w.tolist() for w in model.get_weights()] + [mask]

        fit.seed(7)
        ours, imported = drawn(), "tensorflow" in sys.modules
        keras.utils.set_random_seed(7)
        print(json.dumps({"ours": ours, "keras": drawn(), "imported": imported}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert not found["imported"]
    assert found["ours"] == found["keras"]
