"""The bias-variance verdict: underfitting, just right or overfitting, with the remedies.

The course's table, judged from the run's own numbers:

| verdict | training error | validation error | remedies |
|---|---|---|---|
| underfitting | high | close to training | a bigger model, more features, train longer |
| just right | low | slightly above training | none |
| overfitting | low | much higher | regularise, get more data |

- "high" is against the trivial predictor of the task (``baseline``): training error above
  half of the baseline's, i.e. the model removes less than half of the error that predicting
  the majority class, the mean or the unigram distribution leaves;
- "much higher" is against the noise of the validation estimate (``noise``) and the baseline:
  validation error more than two standard errors above training error (the standard error
  taken from the number of validation rows or the spread across folds, whichever is larger)
  and by more than a fifth of the baseline's error; a validation loss that turned up (rising
  steadily to 5% above its lowest, five epochs on or more, and ending a quarter above the
  training loss) while the training loss still fell by a tenth, at the weights kept, is
  overfitting too.

Training error is scored after fitting, so dropout is off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from dlspec.spec.tasks import DEFAULT_THRESHOLD, PADDING_ID, TASKS

HIGH_SHARE = 0.5
"""Training error above this share of the trivial baseline's error is high."""

STANDARD_ERRORS = 2.0
"""A gap of more than this many standard errors of the validation estimate is not noise."""

CURVE_RISE = 0.05
"""A validation loss this much (relative) above its lowest, at the kept weights, turned up."""

CURVE_EPOCHS = 5
"""...at least this many epochs after its lowest..."""

CURVE_STEADY = 0.75
"""...rising from one epoch to the next at least this often since: a rise, not a wobble..."""

CURVE_FALL = 0.1
"""...while the training loss fell by more than this share: still learning the training rows,
and ended more than ``CURVE_GAP`` above it: moving away from it, not settling beside it."""

CURVE_GAP = 0.25

MUCH_SHARE = 0.2
"""A gap is "much" when it is also more than this share of the baseline's error.

Significance alone is not the course's "much lower": on 360 validation digits a 0.00 vs 0.03
error gap is three standard errors, yet the course calls such a model just right ("training
error slightly below validation error").
"""

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
    ),
}


@dataclass
class Verdict:
    """The verdict's name, the numbers behind it in words and as data, and its remedies."""

    name: str
    reason: str
    remedies: list[str] = field(default_factory=list)
    # training_error, validation_error, baseline_error, standard_error (and the error's name)
    numbers: dict[str, float | str] = field(default_factory=dict)


# -- the error, its trivial baseline and its noise, per task ---------------------------------
#
# Each task's error is one number where lower is better, in the units a course reports it:
# classification the error rate (1 - accuracy), regression the RMSE, next_token the perplexity
# (the model's effective branching factor, as the error rate is for classes).


def error(task: str, metrics: dict[str, float]) -> float | None:
    """The task's error from a dict of scores, or None when the scores lack it."""
    measure = TASKS[task].error
    if measure == "accuracy":
        accuracy = metrics.get("accuracy")
        return None if accuracy is None else 1.0 - accuracy
    return metrics.get(measure)


def baseline(task: str, y: np.ndarray) -> float:
    """The error of the trivial predictor fitted on the training targets ``y``, on ``y``.

    Classification: always the majority class. Regression: always the mean (its RMSE is the
    targets' standard deviation, pooled over outputs). next_token: the unigram model, which
    predicts every token with its frequency (its perplexity is ``exp`` of the unigram entropy).
    """
    y = np.asarray(y)
    outputs = TASKS[task].outputs
    if TASKS[task].classification:
        _, counts = np.unique(y, return_counts=True)
        return float(1.0 - counts.max() / counts.sum())
    if outputs == "values":
        return float(np.sqrt(np.mean(np.var(y.reshape(len(y), -1), axis=0))))
    tokens = y[y != PADDING_ID] if TASKS[task].padded else y  # padding is no token to predict
    _, counts = np.unique(tokens, return_counts=True)
    p = counts / counts.sum()
    return float(np.exp(-np.sum(p * np.log(p))))


def noise(
    task: str, y: np.ndarray, predicted: np.ndarray, threshold: float = DEFAULT_THRESHOLD
) -> float:
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
    outputs = TASKS[task].outputs
    if TASKS[task].classification:
        if outputs == "probability":
            chosen = (predicted.reshape(n) > threshold).astype(int)
        else:
            chosen = predicted.argmax(axis=-1)
        p = (np.sum(chosen != y.reshape(n)) + 1) / (n + 2)
        return float(np.sqrt(p * (1 - p) / n))
    if outputs == "values":
        squared = np.mean((predicted.reshape(n, -1) - y.reshape(n, -1)) ** 2, axis=1)
        rmse = np.sqrt(squared.mean())
        spread = squared.std(ddof=1) / np.sqrt(n) if n > 1 else squared.mean()
        return float(spread / (2 * rmse)) if rmse > 0 else 0.0
    chosen = np.take_along_axis(predicted, y[..., None].astype(int), axis=-1)[..., 0]
    each = -np.log(np.clip(chosen, 1e-12, 1.0)).reshape(n, -1)
    if TASKS[task].padded:  # each sequence's mean over its tokens, padding left out
        kept = (y.reshape(n, -1) != PADDING_ID).astype(np.float64)
        entropy = (each * kept).sum(axis=1) / np.maximum(kept.sum(axis=1), 1)
    else:
        entropy = each.mean(axis=1)
    spread = entropy.std(ddof=1) / np.sqrt(n) if n > 1 else entropy.mean()
    return float(np.exp(entropy.mean()) * spread)


class _Fold(Protocol):
    name: str
    train: dict[str, float]
    validation: dict[str, float]
    history: dict[str, list[float]]
    epochs: int
    best_epoch: int | None
    baseline: float | None
    noise: float | None


def _standard_error(task: str, folds: Sequence[_Fold]) -> float | None:
    """The standard error of the mean validation error: rows' noise, or the folds' spread."""
    noises = [f.noise for f in folds if f.noise is not None and np.isfinite(f.noise)]
    if len(noises) < len(folds):
        return None
    rows = float(np.sqrt(np.sum(np.square(noises))) / len(folds))
    errors = [e for f in folds if (e := error(task, f.validation)) is not None]
    if len(folds) < 2 or len(errors) < len(folds):
        return rows
    return max(rows, float(np.std(errors, ddof=1) / np.sqrt(len(folds))))


def _turned_up(fold: _Fold) -> str | None:
    """How the validation loss rose, at the kept weights, while the training loss still fell.

    Every epoch scores the same validation rows, so the curve's wobble is the optimiser's, not
    the sampling noise of the rows: a turn-up is a steady rise (``CURVE_STEADY``) of more than
    ``CURVE_RISE`` over ``CURVE_EPOCHS`` epochs or more, while the training loss fell by more
    than ``CURVE_FALL`` and ends more than ``CURVE_GAP`` below it (a model settling at its
    optimum wobbles, but no longer learns, and its two losses meet). Early stopping that
    restores the best weights keeps the lowest point, so it never counts.
    """
    validation, training = fold.history.get("val_loss", []), fold.history.get("loss", [])
    kept = (fold.best_epoch or fold.epochs) - 1
    if not validation or kept >= len(validation) or kept >= len(training):
        return None
    lowest = int(np.argmin(validation[: kept + 1]))
    if kept - lowest < CURVE_EPOCHS or training[kept] >= (1 - CURVE_FALL) * training[lowest]:
        return None
    if validation[kept] <= (1 + CURVE_RISE) * validation[lowest]:
        return None
    if validation[kept] <= (1 + CURVE_GAP) * training[kept]:
        return None
    if np.mean(np.diff(validation[lowest : kept + 1]) > 0) < CURVE_STEADY:
        return None
    return (
        f"validation loss rose from {validation[lowest]:.4g} (epoch {lowest + 1}) to "
        f"{validation[kept]:.4g} (epoch {kept + 1}) while training loss fell"
    )


def judge(task: str, folds: Sequence[_Fold]) -> Verdict:
    """The verdict from the folds' errors, baselines, noise and loss curves (means over folds).

    Underfitting when the training error is high against the trivial baseline; otherwise
    overfitting when the validation error is above it by more than the noise, or when a
    validation loss curve turned up; just right otherwise.
    """
    train = [error(task, f.train) for f in folds]
    valid = [error(task, f.validation) for f in folds]
    baselines = [f.baseline for f in folds]
    if not folds or any(v is None for v in (*train, *valid, *baselines)):
        return Verdict("unknown", "no validation scores to compare")
    tr, va = float(np.mean(train)), float(np.mean(valid))  # type: ignore[arg-type]
    base = float(np.mean(baselines))  # type: ignore[arg-type]
    se = _standard_error(task, folds)
    name, trivial = TASKS[task].error_name, TASKS[task].baseline
    numbers: dict[str, float | str] = {
        "error": name,
        "training_error": tr,
        "validation_error": va,
        "baseline_error": base,
    }
    if se is not None:
        numbers["standard_error"] = se
    against = f"training {name} {tr:.4g} vs {base:.4g} for {trivial}"
    if tr > HIGH_SHARE * base:
        return _verdict(
            "underfitting",
            f"{against}: more than {HIGH_SHARE:.0%} of it remains; validation {va:.4g}",
            numbers,
        )
    gap = f"validation {va:.4g}"
    standard_errors = (va - tr) / se if se else 0.0
    if se:
        gap += f", {standard_errors:.1f} standard errors above training (1 SE = {se:.2g})"
    share = (va - tr) / base if base > 0 else 0.0
    if standard_errors > STANDARD_ERRORS and share > MUCH_SHARE:
        return _verdict(
            "overfitting", f"{against}; {gap}, {share:.0%} of the baseline's error", numbers
        )
    for fold in folds:
        rose = _turned_up(fold)
        if rose:
            where = f" (fold {fold.name})" if len(folds) > 1 else ""
            return _verdict("overfitting", f"{against}; {gap}; {rose}{where}", numbers)
    if standard_errors <= STANDARD_ERRORS:
        why = "within the noise"
    else:
        why = f"beyond the noise, but only {share:.0%} of the baseline's error"
    return _verdict("just right", f"{against}; {gap}: {why}", numbers)


def _verdict(name: str, reason: str, numbers: dict[str, float | str]) -> Verdict:
    return Verdict(name, reason, list(REMEDIES[name]), numbers)
