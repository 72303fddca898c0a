"""Validation schemes: which examples train, validate and test in each split of a run.

The test set is split off first (the source's own test arrays when it has them) and scored
once, at the end. Every index here points into the loaded examples, so a split can be
recomputed later from the stored spec and seed alone (``dlspec evaluate`` does).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from sklearn.model_selection import (
    KFold,
    StratifiedKFold,
    TimeSeriesSplit,
    train_test_split,
)

from dlspec.data.splitting import test_split
from dlspec.spec.sections import HoldoutSpec, KFoldSpec, TimeSeriesSpec
from dlspec.spec.tasks import CLASSIFICATION

if TYPE_CHECKING:
    from dlspec.data.dataset import Dataset
    from dlspec.spec import Spec


@dataclass(frozen=True)
class Split:
    """One training/validation split: example indexes, in the order they are used."""

    train: np.ndarray
    validation: np.ndarray


@dataclass(frozen=True)
class Plan:
    """Every split of a run.

    ``rest`` holds the non-test examples: the final model of ``kfold`` and ``time_series``
    trains on all of them (``refit``). ``test`` is None when the source brings its own test set.
    """

    rest: np.ndarray
    test: np.ndarray | None
    folds: list[Split]
    refit: bool
    ordered: bool  # time order kept: nothing was shuffled


class FewerThanFolds(ValueError):
    """A class with fewer examples than stratified folds: some folds would validate without it."""

    def __init__(self, class_id: int, count: int, folds: int):
        self.class_id, self.count, self.folds = class_id, count, folds
        super().__init__(f"class {class_id} has {count} examples, fewer than the {folds} folds")


def labels(y: np.ndarray) -> np.ndarray:
    """Integer class labels from integer, one-hot or (N, 1) targets, for stratifying."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1)
    return y.reshape(len(y))


def is_ordered(scheme: HoldoutSpec | KFoldSpec | TimeSeriesSpec, series: bool) -> bool:
    """Whether examples must keep their order: a time series or the time_series scheme."""
    return series or scheme.in_time_order


def stratified(
    scheme: HoldoutSpec | KFoldSpec | TimeSeriesSpec,
    task: str,
    series: bool,
    per_step: bool = False,
) -> bool:
    """Stratify when asked, by default for classification; never in time order or unshuffled.

    A per_step task has a label at every step of an example, no one class to stratify on.
    """
    wanted = scheme.stratify if scheme.stratify is not None else task in CLASSIFICATION
    return (
        bool(wanted)
        and task in CLASSIFICATION
        and not per_step
        and scheme.shuffle
        and not is_ordered(scheme, series)
    )


def plan(
    scheme: HoldoutSpec | KFoldSpec | TimeSeriesSpec,
    task: str,
    y: np.ndarray,
    *,
    seed: int,
    series: bool = False,
    has_test: bool = False,
    per_step: bool = False,
) -> Plan:
    """Split ``len(y)`` examples into test, then the scheme's training/validation splits.

    Args:
        scheme: The spec's validation section.
        task: The task type (classification tasks are stratified by default).
        y: Targets of the loaded examples (the source's training part when ``has_test``).
        seed: The spec's seed; the same seed gives the same splits.
        series: The examples are in time order (never shuffled, test is the last part).
        has_test: The source brings its own test set, so no test rows are split off here.
        per_step: The task labels every step (``y`` is (examples, steps)): never stratified.

    Returns:
        The splits; indexes point into ``y``.
    """
    n = len(y)
    ordered = is_ordered(scheme, series)
    strat = stratified(scheme, task, series, per_step)
    classes = labels(y) if task in CLASSIFICATION and not per_step else None
    test: np.ndarray | None
    if has_test:
        rest, test = np.arange(n), None
    else:
        rest, test = test_split(
            scheme, n, seed=seed, ordered=ordered, classes=classes if strat else None
        )
    rest_classes = classes[rest] if classes is not None else None
    split = SPLITTERS[type(scheme)]
    folds = split(scheme, rest, rest_classes, seed=seed, ordered=ordered, strat=strat)
    return Plan(rest, test, folds, refit=scheme.refit, ordered=ordered)


def for_run(spec: Spec, dataset: Dataset) -> Plan:
    """The plan of a run of ``spec`` on ``dataset``: its scheme, task, seed and data's order."""
    return plan(
        spec.validation,
        spec.task.type,
        dataset.y,
        seed=spec.seed,
        series=bool(dataset.series),
        has_test=dataset.x_test is not None,
        per_step=spec.task.every_step,
    )


def _holdout(
    scheme: HoldoutSpec,
    rest: np.ndarray,
    classes: np.ndarray | None,
    *,
    seed: int,
    ordered: bool,
    strat: bool,
) -> list[Split]:
    if ordered:
        n_validation = math.ceil(len(rest) * scheme.validation_size)
        return [Split(rest[: len(rest) - n_validation], rest[len(rest) - n_validation :])]
    train, validation = train_test_split(
        rest,
        test_size=scheme.validation_size,
        shuffle=scheme.shuffle,
        stratify=classes if strat else None,
        random_state=seed if scheme.shuffle else None,
    )
    return [Split(train, validation)]


def _kfold(
    scheme: KFoldSpec,
    rest: np.ndarray,
    classes: np.ndarray | None,
    *,
    seed: int,
    ordered: bool,
    strat: bool,
) -> list[Split]:
    shuffle = scheme.shuffle and not ordered
    if strat and classes is not None:
        ids, counts = np.unique(classes, return_counts=True)
        if counts.min() < scheme.folds:  # scikit-learn would only warn, and fold on
            smallest = int(counts.argmin())
            raise FewerThanFolds(int(ids[smallest]), int(counts[smallest]), scheme.folds)
    if strat:
        splitter = StratifiedKFold(scheme.folds, shuffle=shuffle, random_state=seed)
    else:
        splitter = KFold(scheme.folds, shuffle=shuffle, random_state=seed if shuffle else None)
    pairs = splitter.split(rest, classes if strat else None)
    return [Split(rest[train], rest[validation]) for train, validation in pairs]


def _time_series(
    scheme: TimeSeriesSpec,
    rest: np.ndarray,
    classes: np.ndarray | None,
    *,
    seed: int,
    ordered: bool,
    strat: bool,
) -> list[Split]:
    pairs = TimeSeriesSplit(n_splits=scheme.splits, gap=scheme.gap).split(rest)
    return [Split(rest[train], rest[validation]) for train, validation in pairs]


# Each validation scheme's splitter: the training and validation rows of each of its folds.
SPLITTERS: dict[type, Callable[..., list[Split]]] = {
    HoldoutSpec: _holdout,
    KFoldSpec: _kfold,
    TimeSeriesSpec: _time_series,
}
