"""Validation schemes: test split first, holdout, stratified k-fold, time-series order."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

import numpy as np
import pytest

from dlspec.spec.sections import HoldoutSpec, KFoldSpec, TimeSeriesSpec, ValidationSpec
from dlspec.train import schemes

Y3 = np.repeat([0, 1, 2], 50)  # 150 examples, balanced like Iris


def _check_partition(plan: schemes.Plan, n: int) -> None:
    test = set() if plan.test is None else set(plan.test.tolist())
    rest = set(plan.rest.tolist())
    assert not test & rest
    assert test | rest == set(range(n))
    for split in plan.folds:
        train, valid = set(split.train.tolist()), set(split.validation.tolist())
        assert not train & valid
        assert not (train | valid) & test


def test_holdout_splits_test_first_then_validation() -> None:
    scheme = HoldoutSpec(type="holdout", test_size=0.2, validation_size=0.25)
    plan = schemes.plan(scheme, "multiclass", Y3, seed=0)
    _check_partition(plan, 150)
    assert len(plan.test) == 30
    assert len(plan.folds) == 1 and not plan.refit
    assert len(plan.folds[0].validation) == 30  # 25% of the 120 non-test examples
    assert set(plan.folds[0].train.tolist()) | set(plan.folds[0].validation.tolist()) == set(
        plan.rest.tolist()
    )


def test_classification_splits_are_stratified_by_default() -> None:
    scheme = HoldoutSpec(type="holdout", test_size=0.2)
    plan = schemes.plan(scheme, "multiclass", Y3, seed=3)
    assert np.bincount(Y3[plan.test]).tolist() == [10, 10, 10]
    assert np.bincount(Y3[plan.folds[0].validation]).tolist() == [8, 8, 8]


def test_stratify_false_is_respected() -> None:
    y = np.array([0] * 140 + [1] * 10)
    strat = schemes.plan(HoldoutSpec(type="holdout"), "binary", y, seed=1)
    assert np.bincount(y[strat.test]).tolist() == [28, 2]
    assert schemes.stratified(HoldoutSpec(type="holdout", stratify=False), "binary", False) is False


def test_kfold_validation_folds_partition_the_non_test_rows() -> None:
    scheme = KFoldSpec(type="kfold", folds=5, test_size=0.2)
    plan = schemes.plan(scheme, "multiclass", Y3, seed=42)
    _check_partition(plan, 150)
    assert plan.refit and len(plan.folds) == 5
    validation = np.concatenate([f.validation for f in plan.folds])
    assert sorted(validation.tolist()) == sorted(plan.rest.tolist())
    for split in plan.folds:  # stratified: 8 of each class in each 24-row fold
        assert np.bincount(Y3[split.validation]).tolist() == [8, 8, 8]


def test_kfold_regression_is_not_stratified() -> None:
    y = np.linspace(0, 1, 100)
    plan = schemes.plan(KFoldSpec(type="kfold", folds=4), "regression", y, seed=0)
    _check_partition(plan, 100)
    assert [len(f.validation) for f in plan.folds] == [20, 20, 20, 20]


def test_same_seed_same_splits_other_seed_other_splits() -> None:
    scheme = KFoldSpec(type="kfold", folds=3)
    a = schemes.plan(scheme, "multiclass", Y3, seed=7)
    b = schemes.plan(scheme, "multiclass", Y3, seed=7)
    c = schemes.plan(scheme, "multiclass", Y3, seed=8)
    assert np.array_equal(a.test, b.test)
    pairs = zip(a.folds, b.folds, strict=True)
    assert all(np.array_equal(x.validation, y.validation) for x, y in pairs)
    assert not np.array_equal(a.test, c.test)


@pytest.mark.parametrize("gap", [0, 3])
def test_time_series_splits_keep_time_order(gap: int) -> None:
    y = np.sin(np.arange(200) / 10)
    scheme = TimeSeriesSpec(type="time_series", splits=4, test_size=0.2, gap=gap)
    plan = schemes.plan(scheme, "regression", y, seed=0, series=True)
    _check_partition(plan, 200)
    assert plan.ordered and plan.refit
    assert plan.test.tolist() == list(range(160, 200))  # the last part is the test set
    assert len(plan.folds) == 4
    for split in plan.folds:
        assert split.train.tolist() == sorted(split.train.tolist())  # never shuffled
        assert split.validation.min() > split.train.max()
        assert split.validation.min() - split.train.max() == gap + 1
    # expanding windows: each training part contains the previous one
    sizes = [len(f.train) for f in plan.folds]
    assert sizes == sorted(sizes) and len(set(sizes)) == 4


def test_series_holdout_validates_on_the_latest_rows() -> None:
    y = np.arange(100, dtype=float)
    plan = schemes.plan(HoldoutSpec(type="holdout"), "regression", y, seed=0, series=True)
    assert plan.test.tolist() == list(range(80, 100))
    split = plan.folds[0]
    assert split.train.tolist() == list(range(64))
    assert split.validation.tolist() == list(range(64, 80))


def test_source_test_set_is_not_split_again() -> None:
    plan = schemes.plan(KFoldSpec(type="kfold", folds=3), "multiclass", Y3, seed=0, has_test=True)
    assert plan.test is None
    assert plan.rest.tolist() == list(range(150))


def test_labels_accepts_one_hot_and_column_targets() -> None:
    assert schemes.labels(np.eye(3)[[2, 0, 1]]).tolist() == [2, 0, 1]
    assert schemes.labels(np.array([[1], [0]])).tolist() == [1, 0]


def test_every_validation_scheme_has_a_splitter_and_no_other_branch() -> None:
    union = get_args(ValidationSpec)[0]  # nested Annotated metadata flattens into one tuple
    assert set(get_args(union)) == set(schemes.SPLITTERS)
    tree = ast.parse(Path(schemes.__file__).read_text(encoding="utf-8"))
    # A scheme named in a comparison or an isinstance is a branch a new scheme would miss.
    named = [
        node.lineno
        for node in ast.walk(tree)
        if (isinstance(node, ast.Compare) and "time_series" in ast.unparse(node))
        or (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "isinstance")
    ]
    assert named == []
