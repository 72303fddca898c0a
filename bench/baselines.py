"""The baselines of ``bench/run.py``: each case written by hand in Keras and in scikit-learn.

    python bench/baselines.py keras|sklearn CASE SPLITS.npz [--epochs N]

SPLITS.npz is what ``bench/run.py`` wrote from dlspec's own loading and split plan: ``x``,
``y``, ``test``, ``rest`` and ``train_K``/``validation_K`` for each fold K, so every contender
trains and scores the very same rows. Each baseline does the work the spec describes: scaling
fitted on each fit's training rows, every fold fitted and scored on its validation rows, the
final model refitted on all non-test rows for kfold and time_series (for the folds' mean best
epoch under early stopping, as dlspec does), and the test rows scored once. Prints one JSON
object: ``{"validation": score, "test": score, "metric": name}``.

scikit-learn has an MLP but no convolution or recurrence, so it is a baseline of the MLP cases
only; it stops on its own training loss (``n_iter_no_change`` = the spec's patience).
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Case:
    """What the spec says, for a hand-written script: the task's metric and the settings."""

    metric: str  # accuracy (higher is better) or rmse
    scale: str | None  # standard, minmax or None
    epochs: int
    batch_size: int
    patience: int | None
    refit: bool
    hidden: tuple[int, ...] = ()  # the MLP cases: hidden widths, for scikit-learn too
    learning_rate: float = 0.001


CASES = {
    "iris": Case("accuracy", "standard", 100, 16, 10, True, (16,), 0.01),
    "digits_mlp": Case("accuracy", "standard", 100, 32, 10, False, (128, 64), 0.001),
    "digits_cnn": Case("accuracy", "minmax", 40, 32, 8, False),
    "sine_lstm": Case("rmse", None, 20, 32, None, True),
}


def keras_model(case: str, width: int, classes: int) -> Any:
    """The spec's layers and head, written out in Keras."""
    import keras
    from keras import layers

    body: dict[str, list[Any]] = {
        "iris": [layers.Dense(16, activation="relu"), layers.Dropout(0.1)],
        "digits_mlp": [
            layers.Dense(128, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(64, activation="relu"),
            layers.Dropout(0.2),
        ],
        "digits_cnn": [
            layers.Reshape((8, 8, 1)),
            layers.Conv2D(16, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(32, 3, strides=2, padding="same", activation="relu"),
            layers.Flatten(),
            layers.Dropout(0.25),
            layers.Dense(64, activation="relu"),
        ],
        "sine_lstm": [layers.LSTM(32), layers.Dense(16, activation="relu")],
    }
    head = layers.Dense(1) if case == "sine_lstm" else layers.Dense(classes, activation="softmax")
    shape = (width,) if case != "sine_lstm" else (width, 1)
    model = keras.Sequential([keras.Input(shape), *body[case], head])
    settings = CASES[case]
    if case == "sine_lstm":
        model.compile(optimizer=keras.optimizers.RMSprop(), loss="mse")
    else:
        optimizer = keras.optimizers.Adam(settings.learning_rate)
        model.compile(optimizer, "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def scaled(kind: str | None, fit_rows: np.ndarray, *others: np.ndarray) -> list[np.ndarray]:
    """Scale by statistics of the training rows only."""
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    if kind is None:
        return [fit_rows, *others]
    scaler = (StandardScaler if kind == "standard" else MinMaxScaler)().fit(fit_rows)
    return [scaler.transform(a) for a in (fit_rows, *others)]


def score(metric: str, y: np.ndarray, predicted: np.ndarray) -> float:
    """Accuracy of class probabilities, or the RMSE of values."""
    if metric == "accuracy":
        return float(np.mean(predicted.argmax(axis=-1) == y))
    return float(np.sqrt(np.mean((predicted.reshape(len(y)) - y) ** 2)))


def fit_keras(
    case: str,
    x: np.ndarray,
    y: np.ndarray,
    train: np.ndarray,
    validation: np.ndarray | None,
    epochs: int,
    classes: int,
) -> tuple[Any, int, list[np.ndarray]]:
    """One fit: the model, its best epoch (or its epochs) and the scaled validation rows."""
    import keras

    settings = CASES[case]
    keras.utils.set_random_seed(42)
    rows = [x[train]] + ([x[validation]] if validation is not None else [])
    fitted = scaled(settings.scale, *[r.reshape(len(r), -1) for r in rows])
    fitted = [f.reshape((len(f), *x.shape[1:])) for f in fitted]
    model = keras_model(case, x.shape[1], classes)
    callbacks = []
    stopper = None
    if settings.patience is not None and validation is not None:
        stopper = keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=settings.patience, restore_best_weights=True
        )
        callbacks.append(stopper)
    history = model.fit(
        fitted[0],
        y[train],
        batch_size=settings.batch_size,
        epochs=epochs,
        validation_data=(fitted[1], y[validation]) if validation is not None else None,
        shuffle=case != "sine_lstm",
        callbacks=callbacks,
        verbose=0,
    )
    ran = len(history.history["loss"])
    best = stopper.best_epoch + 1 if stopper is not None and stopper.stopped_epoch else ran
    return model, best, fitted


def keras_baseline(case: str, data: Any, epochs: int) -> dict[str, Any]:
    """Every fold, the final refit and the test score, in hand-written Keras."""
    settings = CASES[case]
    x, y, test, rest = data["x"], data["y"], data["test"], data["rest"]
    classes = int(y.max()) + 1 if settings.metric == "accuracy" else 1
    folds = sorted(int(k.split("_")[1]) for k in data.files if k.startswith("train_"))
    scores, bests, model, last_train = [], [], None, None
    for k in folds:
        train, validation = data[f"train_{k}"], data[f"validation_{k}"]
        model, best, fitted = fit_keras(case, x, y, train, validation, epochs, classes)
        scores.append(score(settings.metric, y[validation], model.predict(fitted[1], verbose=0)))
        bests.append(best)
        last_train = train
    if settings.refit:
        refit = max(1, round(float(np.mean(bests)))) if settings.patience else epochs
        model, _, _ = fit_keras(case, x, y, rest, None, refit, classes)
        last_train = rest
    flat = x.reshape(len(x), -1)
    _, x_test = scaled(settings.scale, flat[last_train], flat[test])
    predicted = model.predict(x_test.reshape((len(test), *x.shape[1:])), verbose=0)
    return {
        "validation": float(np.mean(scores)),
        "test": score(settings.metric, y[test], predicted),
    }


def sklearn_baseline(case: str, data: Any, epochs: int) -> dict[str, Any]:
    """The MLP cases in scikit-learn's MLPClassifier: every fold, the refit, the test score."""
    from sklearn.neural_network import MLPClassifier

    settings = CASES[case]
    if not settings.hidden:
        raise SystemExit(f"scikit-learn has no model for {case}")
    x, y, test, rest = data["x"], data["y"], data["test"], data["rest"]

    def fresh() -> MLPClassifier:
        return MLPClassifier(
            settings.hidden,
            learning_rate_init=settings.learning_rate,
            batch_size=settings.batch_size,
            max_iter=epochs,
            n_iter_no_change=settings.patience or epochs,
            alpha=0.0,
            random_state=42,
        )

    folds = sorted(int(k.split("_")[1]) for k in data.files if k.startswith("train_"))
    scores, model, last_train = [], None, None
    for k in folds:
        train, validation = data[f"train_{k}"], data[f"validation_{k}"]
        x_train, x_validation = scaled(settings.scale, x[train], x[validation])
        model = fresh().fit(x_train, y[train])
        scores.append(score("accuracy", y[validation], model.predict_proba(x_validation)))
        last_train = train
    if settings.refit:
        model = fresh().fit(scaled(settings.scale, x[rest])[0], y[rest])
        last_train = rest
    _, x_test = scaled(settings.scale, x[last_train], x[test])
    test_score = score("accuracy", y[test], model.predict_proba(x_test))
    return {"validation": float(np.mean(scores)), "test": test_score}


def main() -> None:
    """Run one baseline and print its scores as one JSON object."""
    import warnings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", choices=["keras", "sklearn"])
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("splits")
    parser.add_argument("--epochs", type=int, default=None)
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    warnings.filterwarnings("ignore")  # scikit-learn's "not converged" at the epoch limit
    with np.load(args.splits) as data:
        arrays = {name: data[name] for name in data.files}
    data = _Arrays(arrays)
    epochs = args.epochs or CASES[args.case].epochs
    run = keras_baseline if args.library == "keras" else sklearn_baseline
    print(json.dumps({**run(args.case, data, epochs), "metric": CASES[args.case].metric}))


class _Arrays(dict[str, np.ndarray]):
    @property
    def files(self) -> list[str]:
        return list(self)


if __name__ == "__main__":
    main()
