"""The task heads: each head's layer, its loss against the formula by hand, its metrics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.keras

EPSILON = 1e-7  # Keras's backend epsilon, which its cross-entropies clip probabilities to

BODY = """
model:
  input: [3]
  layers:
    - dense: {units: 8, activation: tanh}
"""

TASKS = {
    "mse": "task: {type: regression, outputs: 2, loss: mse}",
    "mae": "task: {type: regression, outputs: 2, loss: mae}",
    "huber": "task: {type: regression, outputs: 2, loss: huber}",
    "rmse": "task: {type: regression, outputs: 2, loss: rmse}",
    "binary_crossentropy": "task: binary",
    "sparse_categorical_crossentropy": "task: {type: multiclass, classes: 4}",
    "categorical_crossentropy": (
        "task: {type: multiclass, classes: 4, loss: categorical_crossentropy}"
    ),
}


def built(tmp_path: Path, text: str, name: str = "spec"):
    from dlspec import compiler

    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return compiler.from_file(path)


def targets(loss: str, rng: np.random.Generator, batch: int) -> np.ndarray:
    if loss in ("mse", "mae", "huber", "rmse"):
        return rng.normal(size=(batch, 2)).astype("float32")
    if loss == "binary_crossentropy":
        return rng.integers(0, 2, size=(batch, 1)).astype("float32")
    labels = rng.integers(0, 4, size=batch)
    if loss == "categorical_crossentropy":
        return np.eye(4, dtype="float32")[labels]
    return labels


def by_hand(loss: str, y: np.ndarray, p: np.ndarray) -> float:
    """The loss formula in numpy: per example (mean over outputs), then mean over the batch."""
    p = p.astype("float64")
    if loss == "mse":
        return float(np.mean(np.mean((y - p) ** 2, axis=-1)))
    if loss == "rmse":  # the root of the batch's mean, not a mean of roots
        return float(np.sqrt(np.mean(np.mean((y - p) ** 2, axis=-1))))
    if loss == "mae":
        return float(np.mean(np.mean(np.abs(y - p), axis=-1)))
    if loss == "huber":
        error = np.abs(y - p)
        per = np.where(error <= 1.0, 0.5 * error**2, error - 0.5)
        return float(np.mean(np.mean(per, axis=-1)))
    clipped = np.clip(p, EPSILON, 1 - EPSILON)
    if loss == "binary_crossentropy":
        per = -(y * np.log(clipped) + (1 - y) * np.log(1 - clipped))
        return float(np.mean(np.mean(per, axis=-1)))
    if loss == "categorical_crossentropy":
        return float(np.mean(-np.sum(y * np.log(clipped), axis=-1)))
    picked = np.take_along_axis(clipped, y.astype(int)[..., None], axis=-1)[..., 0]
    return float(np.mean(-np.log(picked)))


@pytest.mark.parametrize("loss", sorted(TASKS))
def test_head_loss_equals_the_formula_by_hand(tmp_path, loss):
    rng = np.random.default_rng(7)
    model = built(tmp_path, TASKS[loss] + BODY)
    x = rng.normal(size=(16, 3)).astype("float32") * 3
    y = targets(loss, rng, 16)
    p = model.predict(x, verbose=0)
    result = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    assert result["loss"] == pytest.approx(by_hand(loss, y, p), rel=1e-5)


def test_next_token_loss_and_perplexity_by_hand(tmp_path):
    model = built(
        tmp_path,
        """
task: {type: next_token, vocabulary: 7}
model:
  input: {shape: [5], dtype: int32}
  layers:
    - embedding: {input_dim: 7, output_dim: 4}
    - lstm: {units: 6, return_sequences: true}
""",
    )
    rng = np.random.default_rng(3)
    x = rng.integers(0, 7, size=(8, 5)).astype("int32")
    y = rng.integers(0, 7, size=(8, 5))
    p = model.predict(x, verbose=0)
    assert p.shape == (8, 5, 7)
    np.testing.assert_allclose(p.sum(axis=-1), 1, rtol=1e-5)
    result = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    entropy = by_hand("sparse_categorical_crossentropy", y, p)
    assert result["loss"] == pytest.approx(entropy, rel=1e-5)
    assert result["perplexity"] == pytest.approx(np.exp(entropy), rel=1e-5)
    assert result["accuracy"] == pytest.approx(np.mean(p.argmax(-1) == y))


def test_seq2seq_loss_and_metrics_leave_padding_out_by_hand(tmp_path):
    model = built(
        tmp_path,
        """
task: {type: seq2seq, vocabulary: 7}
model:
  inputs:
    source: {shape: [4], dtype: int32}
    target: {shape: [5], dtype: int32}
  layers:
    - embedding: {input_dim: 7, output_dim: 4, from: source}
    - gru: {units: 6, name: encoder}
    - embedding: {input_dim: 7, output_dim: 4, from: target}
    - gru: {units: 6, return_sequences: true, from: [embedding_2, encoder]}
""",
    )
    rng = np.random.default_rng(5)
    x = {
        "source": rng.integers(1, 7, size=(8, 4)).astype("int32"),
        "target": rng.integers(1, 7, size=(8, 5)).astype("int32"),
    }
    p = model.predict(x, verbose=0)
    y = p.argmax(axis=-1)  # every token right ...
    y[:, 3:] = 0  # ... then padding, which must not count
    y[0, 1] = (y[0, 1] % 6) + 1  # one wrong token: its sequence is no exact match
    y[1, 1:] = 0  # a target of one token
    kept = y != 0
    result = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    clipped = np.clip(p.astype("float64"), EPSILON, 1 - EPSILON)
    entropy = -np.log(np.take_along_axis(clipped, y[..., None], axis=-1)[..., 0])
    assert result["loss"] == pytest.approx(entropy[kept].mean(), rel=1e-5)
    assert result["perplexity"] == pytest.approx(np.exp(entropy[kept].mean()), rel=1e-5)
    right = p.argmax(axis=-1) == y
    assert result["token_accuracy"] == pytest.approx(right[kept].mean(), rel=1e-6)
    assert result["token_accuracy"] < 1
    whole = [right[i][kept[i]].all() for i in range(8)]
    assert result["exact_match"] == pytest.approx(np.mean(whole)) and result["exact_match"] == 7 / 8


@pytest.mark.parametrize(
    ("task", "activation", "units", "metrics"),
    [
        ("{type: regression, outputs: 3}", "linear", 3, ["rmse", "mae"]),
        ("{type: regression, outputs: 1, activation: softplus}", "softplus", 1, ["rmse", "mae"]),
        ("binary", "sigmoid", 1, ["accuracy", "auc"]),
        ("{type: multiclass, classes: 5}", "softmax", 5, ["accuracy"]),
        (
            "{type: binary, metrics: [accuracy, precision, recall]}",
            "sigmoid",
            1,
            ["accuracy", "precision", "recall"],
        ),
        ("{type: regression, outputs: 2, metrics: [mse]}", "linear", 2, ["mse"]),
    ],
)
def test_head_layer_and_metric_names_follow_the_task_table(
    tmp_path, task, activation, units, metrics
):
    import keras

    model = built(tmp_path, f"task: {task}" + BODY)
    head = model.layers[-1]
    assert head.name == "head"
    assert isinstance(head, keras.layers.Dense)
    assert head.units == units
    assert keras.activations.serialize(head.activation) == activation
    x = np.zeros((4, 3), "float32")
    y = np.zeros((4, units), "float32") if "multiclass" not in task else np.zeros(4)
    result = model.evaluate(x, y, verbose=0, return_dict=True)
    assert sorted(result) == sorted(["loss", *metrics])


def test_metric_objects_per_task():
    import keras

    from dlspec.compiler import metrics
    from dlspec.compiler.metrics import Perplexity
    from dlspec.spec.tasks import BinaryTask, MulticlassTask, NextTokenTask, RegressionTask

    binary = metrics(BinaryTask(type="binary", threshold=0.3))
    assert isinstance(binary[0], keras.metrics.BinaryAccuracy)
    assert binary[0].threshold == 0.3
    assert isinstance(binary[1], keras.metrics.AUC)
    sparse = metrics(MulticlassTask(type="multiclass"))
    assert isinstance(sparse[0], keras.metrics.SparseCategoricalAccuracy)
    one_hot = metrics(MulticlassTask(type="multiclass", loss="categorical_crossentropy"))
    assert isinstance(one_hot[0], keras.metrics.CategoricalAccuracy)
    tokens = metrics(NextTokenTask(type="next_token"))
    assert isinstance(tokens[0], keras.metrics.SparseCategoricalAccuracy)
    assert isinstance(tokens[1], Perplexity)
    regression = metrics(RegressionTask(type="regression"))
    assert isinstance(regression[0], keras.metrics.RootMeanSquaredError)
    assert [m.name for m in regression] == ["rmse", "mae"]


def test_binary_accuracy_uses_the_task_threshold(tmp_path):
    model = built(tmp_path, "task: {type: binary, threshold: 0.9}" + BODY)
    x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    p = model.predict(x, verbose=0)
    y = np.ones((32, 1), "float32")
    result = model.evaluate(x, y, verbose=0, return_dict=True)
    assert result["accuracy"] == pytest.approx(np.mean(p > 0.9))


def test_perplexity_is_exp_of_mean_cross_entropy_and_serialisable():
    import keras

    from dlspec.compiler.metrics import Perplexity

    y = np.array([[0, 2], [1, 1]])
    p = np.array(
        [
            [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]],
            [[0.3, 0.4, 0.3], [0.25, 0.5, 0.25]],
        ],
        "float32",
    )
    metric = Perplexity()
    metric.update_state(y[:1], p[:1])
    metric.update_state(y[1:], p[1:])
    expected = np.exp(-np.mean(np.log([0.7, 0.8, 0.4, 0.5])))
    assert float(metric.result()) == pytest.approx(expected, rel=1e-5)
    again = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(metric))
    assert isinstance(again, Perplexity)
    assert again.name == "perplexity"


def test_rmse_loss_weighs_examples_before_its_root_and_reloads(tmp_path):
    import keras

    from dlspec.compiler import saving
    from dlspec.compiler.metrics import RootMeanSquaredError

    rmse = RootMeanSquaredError()
    y, p = np.array([[0.0], [0.0], [0.0]]), np.array([[1.0], [2.0], [4.0]], dtype="float32")
    weights = np.array([1.0, 0.0, 2.0])
    expected = np.sqrt((1 * 1 + 0 * 4 + 2 * 16) / 3)  # Keras's weighted mean, then the root
    assert float(rmse(y, p, sample_weight=weights)) == pytest.approx(expected, rel=1e-6)
    model = built(tmp_path, TASKS["rmse"] + BODY)
    model.save(tmp_path / "m.keras")
    loaded = saving.load(tmp_path / "m.keras")
    assert isinstance(loaded.loss, RootMeanSquaredError)
    assert keras.saving.get_registered_name(RootMeanSquaredError) == "dlspec>RootMeanSquaredError"
