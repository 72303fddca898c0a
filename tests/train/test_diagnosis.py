"""train.diagnosis: each task's error, its trivial baseline and the noise of its estimate."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error

from dlspec.spec.tasks import TASKS
from dlspec.train import diagnosis
from dlspec.train.results import FoldResult


def test_error_is_one_number_per_task_lower_is_better() -> None:
    assert diagnosis.error("binary", {"accuracy": 0.75, "loss": 0.5}) == 0.25
    assert diagnosis.error("regression", {"rmse": 1.5, "r2": 0.2}) == 1.5
    assert diagnosis.error("next_token", {"perplexity": 40.0, "accuracy": 0.2}) == 40.0
    assert diagnosis.error("multiclass", {"loss": 0.5}) is None


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_classification_baseline_is_the_majority_class(task: str) -> None:
    rng = np.random.default_rng(0)
    y = rng.choice(
        2 if task == "binary" else 4, size=300, p=None if task == "binary" else [0.1, 0.2, 0.3, 0.4]
    )
    x = np.zeros((len(y), 1))
    majority = DummyClassifier(strategy="most_frequent").fit(x, y)
    assert diagnosis.baseline(task, y) == pytest.approx(1 - accuracy_score(y, majority.predict(x)))


@pytest.mark.parametrize("outputs", [1, 3])
def test_regression_baseline_is_the_mean_predictors_rmse(outputs: int) -> None:
    rng = np.random.default_rng(1)
    y = rng.normal(size=(200, outputs)) * [2.0, 0.5, 1.0][:outputs] + 3.0
    x = np.zeros((len(y), 1))
    mean = DummyRegressor(strategy="mean").fit(x, y).predict(x)
    expected = np.sqrt(mean_squared_error(y, mean.reshape(y.shape)))
    assert diagnosis.baseline("regression", y.squeeze()) == pytest.approx(expected)


def test_next_token_baseline_is_the_unigram_perplexity() -> None:
    rng = np.random.default_rng(2)
    y = rng.choice(50, size=(40, 12), p=np.arange(1, 51) / np.arange(1, 51).sum())
    ids, counts = np.unique(y, return_counts=True)
    unigram = np.tile(counts / counts.sum(), (y.size, 1))
    expected = np.exp(log_loss(np.searchsorted(ids, y.ravel()), unigram, labels=range(len(ids))))
    assert diagnosis.baseline("next_token", y) == pytest.approx(expected)


def spread_over_draws(task: str, draw, n: int, repeats: int = 400) -> tuple[float, float]:
    """(actual standard deviation of the error over fresh validation sets, mean estimate)."""
    rng = np.random.default_rng(3)
    errors, estimates = [], []
    for _ in range(repeats):
        y, predicted, metrics = draw(rng, n)
        errors.append(diagnosis.error(task, metrics))
        estimates.append(diagnosis.noise(task, y, predicted))
    return float(np.std(errors)), float(np.mean(estimates))


def classification(rng, n):
    y = rng.integers(0, 2, n)
    right = rng.random(n) < 0.8
    p = np.where(right == (y == 1), 0.9, 0.1)
    return y, p.reshape(-1, 1), {"accuracy": float(np.mean(right))}


def regression(rng, n):
    y = rng.normal(size=n)
    predicted = y + rng.normal(scale=0.5, size=n)
    return y, predicted.reshape(-1, 1), {"rmse": float(np.sqrt(np.mean((predicted - y) ** 2)))}


def next_token(rng, n):
    vocabulary = 20
    logits = rng.normal(scale=2.0, size=(n, 8, vocabulary))
    p = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    y = np.array([[rng.choice(vocabulary, p=row) for row in seq] for seq in p])
    entropy = -np.log(np.take_along_axis(p, y[..., None], axis=-1)).mean()
    return y, p, {"perplexity": float(np.exp(entropy))}


@pytest.mark.parametrize(
    ("task", "draw", "n"),
    [
        ("binary", classification, 60),
        ("regression", regression, 50),
        ("next_token", next_token, 30),
    ],
)
def test_noise_matches_the_spread_of_the_error_over_validation_sets(task, draw, n) -> None:
    actual, estimated = spread_over_draws(
        task, draw, n, repeats=150 if task == "next_token" else 400
    )
    assert estimated == pytest.approx(actual, rel=0.2)


def test_noise_shrinks_with_more_rows_and_is_never_zero() -> None:
    y = np.zeros(16, dtype=int)
    right = np.full((16, 1), 0.1)  # every row right
    assert diagnosis.noise("binary", y, right) > 0
    assert diagnosis.noise("binary", np.zeros(64, dtype=int), np.full((64, 1), 0.1)) < (
        diagnosis.noise("binary", y, right)
    )


def fold(task: str, train: float, valid: float, baseline: float, noise: float, **more):
    """A FoldResult with these errors, in the task's metric."""
    if task in ("binary", "multiclass"):
        scores = ({"accuracy": 1 - train}, {"accuracy": 1 - valid})
    else:
        key = "rmse" if task == "regression" else "perplexity"
        scores = ({key: train}, {key: valid})
    history = more.pop("history", {})
    epochs = len(history.get("loss", [])) or 1
    return FoldResult(
        "1",
        100,
        16,
        epochs,
        more.pop("best_epoch", None),
        history,
        *scores,
        baseline=baseline,
        noise=noise,
        **more,
    )


COURSE = {
    # The cases: a single sigmoid neuron on xor is underfitting...
    "xor neuron": ("binary", 0.40, 0.50, 0.50, 0.056, "underfitting"),
    # ...a one-example difference on 16 validation rows is noise...
    "one of 16": ("binary", 0.0, 1 / 16, 0.5, 0.078, "just right"),
    # ...a linear regression at the noise floor (validation MSE 26% above) is just right...
    "noise floor": ("regression", 1.0, 1.12, 3.0, 0.1, "just right"),
    # ...and a next_token model well below the unigram perplexity is not underfitting.
    "language model": ("next_token", 30.0, 35.0, 150.0, 3.0, "just right"),
    "memorised": ("binary", 0.01, 0.20, 0.5, 0.03, "overfitting"),
    "tiny but significant gap": ("multiclass", 0.0, 0.03, 0.9, 0.009, "just right"),
    "no better than the mean": ("regression", 2.9, 3.1, 3.0, 0.1, "underfitting"),
}


@pytest.mark.parametrize("case", COURSE, ids=list(COURSE))
def test_verdict_follows_the_course_table(case: str) -> None:
    task, train, valid, base, noise, expected = COURSE[case]
    verdict = diagnosis.judge(task, [fold(task, train, valid, base, noise)])
    assert verdict.name == expected, verdict.reason
    assert verdict.remedies == list(diagnosis.REMEDIES[expected])
    assert verdict.numbers["training_error"] == pytest.approx(train)
    assert verdict.numbers["baseline_error"] == base
    assert TASKS[task].baseline in verdict.reason


def test_the_verdict_line_says_which_numbers_decided_it() -> None:
    verdict = diagnosis.judge("binary", [fold("binary", 0.40, 0.50, 0.50, 0.056)])
    assert verdict.reason == (
        "training error rate 0.4 vs 0.5 for the majority class: more than 50% of it remains; "
        "validation 0.5"
    )
    verdict = diagnosis.judge("binary", [fold("binary", 0.0, 1 / 16, 0.5, 0.078)])
    assert "validation 0.0625, 0.8 standard errors above training" in verdict.reason
    assert verdict.reason.endswith("within the noise")


def test_the_spread_across_folds_is_noise_too() -> None:
    folds = [fold("binary", 0.0, 0.1, 0.5, 0.01), fold("binary", 0.0, 0.4, 0.5, 0.01)]
    verdict = diagnosis.judge("binary", folds)
    assert verdict.numbers["standard_error"] == pytest.approx(np.std([0.1, 0.4], ddof=1) / 2**0.5)
    assert verdict.name == "just right"


RISING = [1.0, 0.5, 0.3, 0.31, 0.33, 0.36, 0.4, 0.45, 0.5]
FALLING = [1.0, 0.5, 0.25, 0.15, 0.1, 0.06, 0.04, 0.02, 0.01]


def test_a_validation_loss_that_turns_up_while_training_falls_is_overfitting() -> None:
    history = {"loss": FALLING, "val_loss": RISING}
    verdict = diagnosis.judge("binary", [fold("binary", 0.1, 0.15, 0.5, 0.05, history=history)])
    assert verdict.name == "overfitting"
    assert "validation loss rose from 0.3 (epoch 3) to 0.5 (epoch 9)" in verdict.reason
    # Early stopping kept the lowest point: nothing turned up at the kept weights.
    kept = fold("binary", 0.1, 0.15, 0.5, 0.05, history=history, best_epoch=3)
    assert diagnosis.judge("binary", [kept]).name == "just right"
    # A wobble settling beside the training loss is not a turn-up.
    settled = {
        "loss": [1.0, 0.5, 0.3, 0.26, 0.25, 0.25, 0.25, 0.25, 0.25],
        "val_loss": [1.0, 0.4, 0.2, 0.24, 0.26, 0.26, 0.26, 0.26, 0.26],
    }
    calm = fold("regression", 0.5, 0.51, 2.0, 0.03, history=settled)
    assert diagnosis.judge("regression", [calm]).name == "just right"
