"""The bias-variance verdict: underfitting, just right or overfitting, with the remedies.

The verdict compares the error on the training rows (scored after fitting, so dropout is
off) with the error on the validation rows, averaged over folds, as in the course's table:

| verdict | training error | validation error | remedies |
|---|---|---|---|
| underfitting | high | close to training | complexify the model, add features, train longer |
| just right | low | close to training | none |
| overfitting | low | much higher | regularise, get more data, simplify the model |
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

UNDERFIT_ACCURACY = 0.8
"""Classification: a mean training accuracy below this is a high training error."""

UNDERFIT_R2 = 0.5
"""Regression: a mean training R² below this is a high training error."""

OVERFIT_ACCURACY_GAP = 0.05
"""Classification: training accuracy more than this above validation accuracy is overfitting."""

OVERFIT_RELATIVE_LOSS_GAP = 0.25
"""Regression and next_token: validation loss more than 25% above training loss is overfitting."""

REMEDIES: dict[str, tuple[str, ...]] = {
    "underfitting": (
        "complexify the model: more units or layers",
        "add features",
        "train longer: more epochs or a higher learning rate",
    ),
    "just right": (),
    "overfitting": (
        "regularise: dropout, L2 weight decay, early stopping",
        "get more data",
        "simplify the model: fewer units or layers",
    ),
}


@dataclass
class Verdict:
    """The verdict's name, the numbers behind it in words, and its remedies."""

    name: str
    reason: str
    remedies: list[str] = field(default_factory=list)


# -- the error, its trivial baseline and its noise, per task ---------------------------------
#
# Each task's error is one number where lower is better, in the units a course reports it:
# classification the error rate (1 - accuracy), regression the RMSE, next_token the perplexity
# (the model's effective branching factor, as the error rate is for classes).

ERROR_NAMES = {
    "binary": "error rate",
    "multiclass": "error rate",
    "regression": "RMSE",
    "next_token": "perplexity",
}
BASELINE_NAMES = {
    "binary": "the majority class",
    "multiclass": "the majority class",
    "regression": "the mean",
    "next_token": "the unigram model",
}


def error(task: str, metrics: dict[str, float]) -> float | None:
    """The task's error from a dict of scores, or None when the scores lack it."""
    if task in ("binary", "multiclass"):
        accuracy = metrics.get("accuracy")
        return None if accuracy is None else 1.0 - accuracy
    return metrics.get("rmse" if task == "regression" else "perplexity")


def baseline(task: str, y: np.ndarray) -> float:
    """The error of the trivial predictor fitted on the training targets ``y``, on ``y``.

    Classification: always the majority class. Regression: always the mean (its RMSE is the
    targets' standard deviation, pooled over outputs). next_token: the unigram model, which
    predicts every token with its frequency (its perplexity is ``exp`` of the unigram entropy).
    """
    y = np.asarray(y)
    if task in ("binary", "multiclass"):
        _, counts = np.unique(y, return_counts=True)
        return float(1.0 - counts.max() / counts.sum())
    if task == "regression":
        return float(np.sqrt(np.mean(np.var(y.reshape(len(y), -1), axis=0))))
    _, counts = np.unique(y, return_counts=True)
    p = counts / counts.sum()
    return float(np.exp(-np.sum(p * np.log(p))))


def noise(task: str, y: np.ndarray, predicted: np.ndarray, threshold: float = 0.5) -> float:
    """The standard error of the task's error measured on these rows, from each row's error.

    Classification: the binomial standard error of the error rate, with one error and one hit
    added (so that 0 of n is not a certain 0). Regression: the standard error of the mean
    squared error, carried to the RMSE (``se(MSE) / (2 RMSE)``). next_token: the standard error
    of the mean cross-entropy across sequences (tokens of one sequence are not independent),
    carried to the perplexity (``perplexity * se``).
    """
    y, predicted = np.asarray(y), np.asarray(predicted, dtype=np.float64)
    n = len(y)
    if n == 0:
        return float("nan")
    if task in ("binary", "multiclass"):
        if task == "binary":
            chosen = (predicted.reshape(n) > threshold).astype(int)
        else:
            chosen = predicted.argmax(axis=-1)
        p = (np.sum(chosen != y.reshape(n)) + 1) / (n + 2)
        return float(np.sqrt(p * (1 - p) / n))
    if task == "regression":
        squared = np.mean((predicted.reshape(n, -1) - y.reshape(n, -1)) ** 2, axis=1)
        rmse = np.sqrt(squared.mean())
        spread = squared.std(ddof=1) / np.sqrt(n) if n > 1 else squared.mean()
        return float(spread / (2 * rmse)) if rmse > 0 else 0.0
    chosen = np.take_along_axis(predicted, y[..., None].astype(int), axis=-1)[..., 0]
    entropy = -np.log(np.clip(chosen, 1e-12, 1.0)).reshape(n, -1).mean(axis=1)
    spread = entropy.std(ddof=1) / np.sqrt(n) if n > 1 else entropy.mean()
    return float(np.exp(entropy.mean()) * spread)


class _Scored(Protocol):
    train: dict[str, float]
    validation: dict[str, float]


def _mean(folds: Sequence[_Scored], part: str, metric: str) -> float | None:
    values = [getattr(f, part).get(metric) for f in folds]
    if not values or any(v is None for v in values):
        return None
    return sum(values) / len(values)  # type: ignore[arg-type]


def judge(task: str, folds: Sequence[_Scored]) -> Verdict:
    """The verdict from the folds' training and validation scores (their means).

    Classification compares accuracies; regression and next_token compare losses, and
    regression judges the training error by R² (next_token by accuracy).
    """
    if task in ("binary", "multiclass"):
        train, valid = _mean(folds, "train", "accuracy"), _mean(folds, "validation", "accuracy")
        if train is None or valid is None:
            return Verdict("unknown", "no validation scores to compare")
        gap = train - valid
        numbers = f"training accuracy {train:.3f}, validation accuracy {valid:.3f}"
        if gap > OVERFIT_ACCURACY_GAP:
            return _verdict(
                "overfitting", f"{numbers}: a gap of {gap:.3f} > {OVERFIT_ACCURACY_GAP}"
            )
        if train < UNDERFIT_ACCURACY:
            return _verdict(
                "underfitting", f"{numbers}: training accuracy below {UNDERFIT_ACCURACY}"
            )
        return _verdict("just right", f"{numbers}: high, and close to each other")
    train, valid = _mean(folds, "train", "loss"), _mean(folds, "validation", "loss")
    if train is None or valid is None:
        return Verdict("unknown", "no validation scores to compare")
    relative = (valid - train) / train if train > 0 else 0.0
    numbers = f"training loss {train:.4g}, validation loss {valid:.4g}"
    if relative > OVERFIT_RELATIVE_LOSS_GAP:
        return _verdict(
            "overfitting",
            f"{numbers}: validation {relative:.0%} higher (> {OVERFIT_RELATIVE_LOSS_GAP:.0%})",
        )
    if task == "regression":
        r2 = _mean(folds, "train", "r2")
        if r2 is not None and r2 < UNDERFIT_R2:
            return _verdict("underfitting", f"{numbers}: training R² {r2:.3f} < {UNDERFIT_R2}")
        return _verdict(
            "just right", f"{numbers}, training R² {r2:.3f}" if r2 is not None else numbers
        )
    accuracy = _mean(folds, "train", "accuracy")
    if accuracy is not None and accuracy < UNDERFIT_ACCURACY:
        return _verdict(
            "underfitting", f"{numbers}: training accuracy {accuracy:.3f} < {UNDERFIT_ACCURACY}"
        )
    return _verdict("just right", numbers)


def _verdict(name: str, reason: str) -> Verdict:
    return Verdict(name, reason, list(REMEDIES[name]))
