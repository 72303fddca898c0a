"""dlspec.tasks: the one task table every stage reads, and its invariants."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import dlspec
from dlspec import tasks
from dlspec.tasks import TASKS

PACKAGE = Path(dlspec.__file__).parent


@pytest.mark.parametrize("name", list(TASKS))
def test_a_rows_reported_scores_hold_its_columns_and_its_compiled_metrics(name: str) -> None:
    row = TASKS[name]
    assert set(row.fold_columns) <= set(row.scores) and row.scores[-1] == "loss"
    assert tasks.scores(name) == row.scores
    # Every metric Keras may compile is a score the report knows, bar those scikit-learn
    # recomputes under its own name (rmse, mae) or Keras's streaming mse.
    assert set(row.allowed_metrics) - {"mse"} <= set(row.scores)
    assert row.classification == (row.activation in ("sigmoid", "softmax") and name != "next_token")


def test_the_head_width_comes_from_the_rows_size_field() -> None:
    known = {"classes": 3, "outputs": 2, "vocabulary": 50}
    for name, row in TASKS.items():
        expected = 1 if row.size_field is None else known[row.size_field]
        assert tasks.head_width(name, **known) == expected
    assert tasks.head_width("multiclass", classes=None, outputs=1, vocabulary=None) is None


def test_no_module_keeps_its_own_copy_of_the_classification_tasks_or_the_threshold() -> None:
    # The table is the one place: a tuple of task names or a 0.5 threshold elsewhere is a copy
    # that a new task would leave behind.
    copies = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "tasks.py" and path.parent == PACKAGE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple):
                values = [getattr(e, "value", None) for e in node.value.elts]
                if set(values) >= {"binary", "multiclass"}:
                    copies.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "getattr":
                if any(getattr(a, "value", None) == "threshold" for a in node.args):
                    copies.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert copies == []


def test_only_binary_tasks_carry_their_own_threshold() -> None:
    binary = tasks.BinaryTask(type="binary", threshold=0.7)
    assert binary.decision_threshold == 0.7
    assert tasks.MulticlassTask(type="multiclass").decision_threshold == tasks.DEFAULT_THRESHOLD


@pytest.mark.parametrize("name", list(TASKS))
def test_a_rows_verdict_error_is_one_of_its_scores(name: str) -> None:
    row = TASKS[name]
    assert row.error in row.scores and row.error_name and row.baseline
    assert row.classification == (row.outputs in ("probability", "probabilities"))


@pytest.mark.parametrize("module", ["train/scoring.py", "train/diagnosis.py", "train/predict.py"])
def test_scoring_the_verdict_and_predictions_read_the_table_not_task_names(module: str) -> None:
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    named = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare)
        and any(isinstance(c, ast.Constant) and c.value in TASKS for c in node.comparators)
    ]
    assert named == [], f"{module} compares with a task's name at lines {named}"
