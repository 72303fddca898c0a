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
