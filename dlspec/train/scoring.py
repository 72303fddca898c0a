"""Scores from predictions, computed with scikit-learn so they are exact.

Accuracy, precision, recall, F1, AUC, the confusion matrix, RMSE, MAE and R² (not Keras's
streaming approximations).

Keras is not imported here: ``score`` takes the model's predictions and its loss.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn import metrics as sk

from dlspec.spec.tasks import DEFAULT_THRESHOLD, TASKS
from dlspec.train.results import ClassReport, Scores
from dlspec.train.schemes import labels


def predicted_labels(
    task: str, probabilities: np.ndarray, threshold: float = DEFAULT_THRESHOLD
) -> np.ndarray:
    """Class indexes from a classifier's outputs: argmax, or ``p > threshold`` for binary."""
    probabilities = np.asarray(probabilities)
    if TASKS[task].outputs == "probability":
        return (probabilities.reshape(len(probabilities)) > threshold).astype(int)
    return probabilities.argmax(axis=-1)


def class_probabilities(task: str, outputs: np.ndarray) -> np.ndarray:
    """One column per class: a binary head's single sigmoid output becomes (1 - p, p)."""
    outputs = np.asarray(outputs, dtype=np.float64)
    if TASKS[task].outputs == "probability":
        p = outputs.reshape(len(outputs))
        return np.stack([1.0 - p, p], axis=1)
    return outputs


def summary(
    task: str,
    y: np.ndarray,
    outputs: np.ndarray,
    threshold: float = DEFAULT_THRESHOLD,
    output_names: Sequence[str] | None = None,
) -> dict[str, float]:
    """The task's metrics from targets and model outputs (no loss: the model computes that).

    With ``output_names`` for several outputs (a CSV's target columns), each output's RMSE, MAE
    and R² too, as ``rmse:NAME``.
    """
    y = np.asarray(y)
    outputs = np.asarray(outputs)
    row = TASKS[task]
    if row.outputs == "values":
        truth = y.reshape(len(y), -1).astype(np.float64)
        predicted = outputs.reshape(len(outputs), -1).astype(np.float64)
        # A reconstruction's R² is the share of all its inputs' variance rebuilt: features that
        # hardly vary (an image's blank border) weigh as little as their variance.
        rebuilt = row.targets == "inputs"
        found = _values(truth, predicted, "variance_weighted" if rebuilt else "uniform_average")
        if "mse" in row.scores:
            found["mse"] = found["rmse"] ** 2
        if output_names is not None and len(output_names) == truth.shape[1] > 1:
            for column, name in enumerate(output_names):
                each = _values(truth[:, column : column + 1], predicted[:, column : column + 1])
                found |= {f"{metric}:{name}": value for metric, value in each.items()}
        return found
    if not row.classification:
        return {}
    truth = labels(y)
    predicted = predicted_labels(task, outputs, threshold)
    precision, recall, f1, _ = sk.precision_recall_fscore_support(
        truth, predicted, average="macro", zero_division=0
    )
    out = {
        "accuracy": float(sk.accuracy_score(truth, predicted)),
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
    }
    if row.outputs == "probability" and len(np.unique(truth)) == 2:
        out["auc"] = float(sk.roc_auc_score(truth, np.asarray(outputs).reshape(len(outputs))))
    return out


def _values(
    truth: np.ndarray, predicted: np.ndarray, average: str = "uniform_average"
) -> dict[str, float]:
    """RMSE, MAE and R² of ``(rows, outputs)`` values (R² over the outputs as ``average``)."""
    r2 = sk.r2_score(truth, predicted, multioutput=average) if len(truth) > 1 else float("nan")
    return {
        "rmse": float(np.sqrt(sk.mean_squared_error(truth, predicted))),
        "mae": float(sk.mean_absolute_error(truth, predicted)),
        "r2": float(r2),
    }


def test_result(
    task: str,
    y: np.ndarray,
    outputs: np.ndarray,
    loss_and_metrics: dict[str, float],
    class_names: Sequence[str] | None,
    threshold: float = DEFAULT_THRESHOLD,
    output_names: Sequence[str] | None = None,
) -> Scores:
    """Test scores: the task's metrics, the loss, the confusion matrix, the per-class report.

    Args:
        task: The task type.
        y: True targets.
        outputs: The model's outputs for the same examples.
        loss_and_metrics: What ``model.evaluate`` returned (its loss is kept; for next_token
            its metrics too, since they have no scikit-learn equivalent).
        class_names: Names of the classes, index order.
        threshold: The binary task's decision threshold.
        output_names: The target columns' names, for each output's scores (``summary``).
    """
    row = TASKS[task]
    values = summary(task, y, outputs, threshold, output_names)
    if row.outputs == "sequences":
        values = dict(loss_and_metrics)
    values["loss"] = float(loss_and_metrics["loss"])
    if not row.classification:
        return Scores(len(y), _finite(values))
    k = 2 if row.outputs == "probability" else np.asarray(outputs).shape[-1]
    names = list(class_names) if class_names else [str(i) for i in range(k)]
    truth = labels(np.asarray(y))
    predicted = predicted_labels(task, outputs, threshold)
    every = list(range(k))
    confusion = sk.confusion_matrix(truth, predicted, labels=every)
    precision, recall, f1, support = sk.precision_recall_fscore_support(
        truth, predicted, labels=every, zero_division=0
    )
    per_class = [
        ClassReport(names[i], float(precision[i]), float(recall[i]), float(f1[i]), int(support[i]))
        for i in every
    ]
    return Scores(len(y), _finite(values), confusion.tolist(), per_class)


def _finite(values: dict[str, float]) -> dict[str, float]:
    """Drop undefined scores (an R² of one example): JSON has no NaN."""
    return {k: v for k, v in values.items() if np.isfinite(v)}
