"""What a run produces, as plain dataclasses: per-fold scores, histories, test scores, verdict.

Nothing here imports Keras: reports, ``dlspec runs`` and the tests build and read Results
without the heavy side. ``to_json``/``from_json`` are the ``metrics.json`` format.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from dlspec.spec import tasks
from dlspec.train.diagnosis import Verdict


@dataclass
class FoldResult:
    """One fit: its sizes, epochs, history and scores on its own training and validation rows.

    ``name`` is "1", "2", ... for validation folds and "final" for the refit on all non-test
    data (which has no validation rows).
    """

    name: str
    train_size: int
    validation_size: int
    epochs: int  # epochs actually run
    best_epoch: int | None  # 1-based epoch whose weights were kept (early stopping), else None
    history: dict[str, list[float]]
    train: dict[str, float] = field(default_factory=dict)
    validation: dict[str, float] = field(default_factory=dict)
    baseline: float | None = None  # the trivial predictor's error on the training rows
    noise: float | None = None  # the standard error of the validation error


@dataclass
class ClassReport:
    """Precision, recall, F1 and support of one class on the test set."""

    name: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class Scores:
    """Scores of the final model on the test set (or on another data source)."""

    size: int
    metrics: dict[str, float]
    confusion: list[list[int]] | None = None  # rows: true class, columns: predicted class
    per_class: list[ClassReport] | None = None


@dataclass
class Results:
    """Everything one training run measured."""

    name: str
    task: str
    scheme: str
    seed: int
    folds: list[FoldResult]
    final: FoldResult  # the saved model's fit: the hold-out fold, or the refit
    test: Scores | None  # None: withheld (a sweep's trial; the sweep scores its best once)
    verdict: Verdict
    class_names: list[str] | None = None
    run_dir: str | None = None
    # Where it trained: the Keras backend, the device (environment.device) and the dtype policy;
    # environment.json keeps them, metrics.json does not.
    backend: str | None = None
    device: str | None = None
    precision: str | None = None
    # An image autoencoder's first test inputs and their reconstructions, for the run's PNG.
    reconstructions: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @property
    def metric_names(self) -> list[str]:
        """Validation metrics every fold has, in report order."""
        if not self.folds:
            return []
        common = set.intersection(*(set(f.validation) for f in self.folds))
        order = tasks.scores(self.task)
        return [m for m in order if m in common] + sorted(common - set(order))

    def validation_summary(self) -> dict[str, dict[str, Any]]:
        """``{metric: {"mean", "std", "folds": [...]}}``; std is the population std (ddof 0)."""
        out: dict[str, dict[str, Any]] = {}
        for metric in self.metric_names:
            values = [f.validation[metric] for f in self.folds]
            out[metric] = {
                "mean": float(np.mean(values)),
                "std": float(np.std(values)),
                "folds": values,
            }
        return out

    @property
    def test_metrics(self) -> dict[str, float]:
        """The test scores by name; none where the test set was withheld."""
        return dict(self.test.metrics) if self.test is not None else {}

    def summary_json(self) -> dict[str, Any]:
        """The object ``dlspec train --json`` prints."""
        return {
            "run_dir": self.run_dir,
            "validation": self.validation_summary(),
            "test": self.test_metrics,
            "verdict": self.verdict.name,
            "verdict_numbers": dict(self.verdict.numbers),
            "backend": self.backend,
            "device": self.device,
            "precision": self.precision,
        }

    def to_json(self) -> dict[str, Any]:
        """The ``metrics.json`` object: the summary plus every fold, the test details."""
        return {
            "name": self.name,
            "task": self.task,
            "scheme": self.scheme,
            "seed": self.seed,
            "class_names": self.class_names,
            "validation": self.validation_summary(),
            "test": self.test_metrics,
            "test_size": self.test.size if self.test else None,
            "confusion_matrix": self.test.confusion if self.test else None,
            "per_class": [asdict(c) for c in self.test.per_class]
            if self.test and self.test.per_class is not None
            else None,
            "folds": [_fold_json(f) for f in self.folds],
            "final": _fold_json(self.final),
            "verdict": asdict(self.verdict),
        }

    @classmethod
    def from_json(
        cls, data: dict[str, Any], histories: dict[str, dict[str, list[float]]] | None = None
    ) -> Results:
        """Rebuild Results from ``metrics.json`` (histories come from ``history.csv``)."""
        histories = histories or {}

        def fold(item: dict[str, Any]) -> FoldResult:
            return FoldResult(history=histories.get(item["name"], {}), **item)

        per_class = data.get("per_class")
        return cls(
            name=data["name"],
            task=data["task"],
            scheme=data["scheme"],
            seed=data["seed"],
            folds=[fold(f) for f in data["folds"]],
            final=fold(data["final"]),
            test=Scores(
                size=data["test_size"],
                metrics=data["test"],
                confusion=data.get("confusion_matrix"),
                per_class=[ClassReport(**c) for c in per_class] if per_class else None,
            )
            if data.get("test_size") is not None
            else None,
            verdict=Verdict(**data["verdict"]),
            class_names=data.get("class_names"),
        )


def _fold_json(fold: FoldResult) -> dict[str, Any]:
    item = asdict(fold)
    del item["history"]  # history.csv holds it
    return item
