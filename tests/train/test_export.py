"""``dlspec export``: the run's model with its scaling, in three formats, as predict gives it.

Each command runs in its own process, as from a shell; each exported model is read back in a
fresh process by the tool it is made for (plain Keras without dlspec, TensorFlow, ONNX
Runtime) on raw rows, and must give what ``dlspec predict`` gives for the same rows.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import Trained
from sklearn.datasets import load_iris

from dlspec.diagnostics import SpecError
from tests.conftest import Shell

pytestmark = pytest.mark.keras

READ_BACK = textwrap.dedent(
    """
    import json, os, sys
    import numpy as np
    x = np.loadtxt("rows.csv", delimiter=",", skiprows=1, dtype="float32")
    found = {}
    import onnxruntime
    session = onnxruntime.InferenceSession("model.onnx")
    found["onnx"] = session.run(None, {session.get_inputs()[0].name: x})[0].tolist()
    os.environ["KERAS_BACKEND"] = "jax"
    import keras
    found["keras"] = keras.saving.load_model("model.keras").predict(x, verbose=0).tolist()
    import tensorflow as tf
    saved = tf.saved_model.load("saved")  # kept: its functions need its variables alive
    found["saved_model"] = saved.serve(x).numpy().tolist()
    found["dlspec"] = "dlspec" in sys.modules
    print(json.dumps(found))
    """
)


def test_every_format_takes_raw_rows_and_gives_what_predict_gives(
    iris_run: Trained, shell: Shell, tmp_path: Path
) -> None:
    iris = load_iris()
    with open(tmp_path / "rows.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(iris.feature_names)
        writer.writerows(iris.data[::10].tolist())  # raw: unscaled, as a user has them
    run = iris_run.path
    for format, path in (
        ("keras", "model.keras"),
        ("saved_model", "saved"),
        ("onnx", "model.onnx"),
    ):
        done = shell("export", run, "--format", format, "-o", path).ok()
        assert f"wrote the {format} model" in done.stderr
    assert not list(tmp_path.glob(".*partial*"))  # written beside, then renamed
    shell("predict", run, "rows.csv", "-o", "predicted.csv").ok()
    with open(tmp_path / "predicted.csv", newline="") as handle:
        predicted = np.array([[float(v) for v in row[:3]] for row in list(csv.reader(handle))[1:]])
    done = subprocess.run(
        [sys.executable, "-c", READ_BACK], cwd=tmp_path, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found.pop("dlspec") is False  # the .keras file loads in plain Keras
    for format, outputs in found.items():
        np.testing.assert_allclose(outputs, predicted, rtol=1e-5, atol=1e-6, err_msg=format)
    # the scaling is in the model: the raw rows are far from what the network trained on
    assert np.abs(iris.data[::10]).max() > 5


def test_export_never_overwrites_and_names_what_it_needs(
    iris_run: Trained, shell: Shell, tmp_path: Path
) -> None:
    (tmp_path / "model.onnx").write_text("mine")
    refused = shell("export", iris_run.path, "--format", "onnx", "-o", "model.onnx")
    assert refused.returncode == 2 and "pass --force" in refused.stderr
    assert (tmp_path / "model.onnx").read_text() == "mine"
    suffix = shell("export", iris_run.path, "--format", "keras", "-o", "model.h5")
    assert suffix.returncode == 2 and ".keras" in suffix.stderr
    args = ["export", iris_run.path, "--format", "onnx", "-o", "other.onnx"]
    done = shell(*args, without="tf2onnx")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "error[DLS421]: --format onnx needs tf2onnx" in done.stderr
    assert "pip install 'dlspec[export]'" in done.stderr


def test_a_text_run_is_refused_with_a_reason() -> None:
    from dlspec.train.export import with_preprocessing

    run = SimpleNamespace(path=Path("runs/x/1"), preprocessor=SimpleNamespace(kind="text"))
    with pytest.raises(SpecError) as caught:
        with_preprocessing(run)  # type: ignore[arg-type]
    assert caught.value.diagnostics[0].code == "DLS409"
    assert "reads raw text" in caught.value.diagnostics[0].message
