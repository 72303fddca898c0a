"""dlspec.spec.tasks: the one task table every stage reads, and its invariants."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import dlspec
from dlspec.spec import tasks
from dlspec.spec.tasks import TASKS

PACKAGE = Path(dlspec.__file__).parent


@pytest.mark.parametrize("name", list(TASKS))
def test_a_rows_reported_scores_hold_its_columns_and_its_compiled_metrics(name: str) -> None:
    row = TASKS[name]
    assert set(row.fold_columns) <= set(row.scores) and row.scores[-1] == "loss"
    assert tasks.scores(name) == row.scores
    # Every metric Keras may compile is a score the report knows, bar those scikit-learn
    # recomputes under its own name (rmse, mae) or Keras's streaming mse.
    assert set(row.allowed_metrics) - {"mse"} <= set(row.scores)
    sequences = row.outputs == "sequences"
    assert row.classification == (row.activation in ("sigmoid", "softmax") and not sequences)


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
        if path == PACKAGE / "spec" / "tasks.py":
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
    assert row.classification == (row.targets == "labels")


def _names_compared(tree: ast.AST) -> list[int]:
    """Lines comparing with a task's name: ``task == "binary"``, ``task in ("a", "b")``."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        for right in node.comparators:
            values = right.elts if isinstance(right, ast.Tuple | ast.List | ast.Set) else [right]
            if any(isinstance(v, ast.Constant) and v.value in TASKS for v in values):
                lines.append(node.lineno)
    return lines


def test_no_stage_branches_on_a_tasks_name() -> None:
    # Every stage reads the row (its outputs, targets, classification...): a new task is one
    # row, not a hunt for ``if task == ...`` chains.
    found = {
        str(path.relative_to(PACKAGE)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != PACKAGE / "spec" / "tasks.py"
        and (lines := _names_compared(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert found == {}


def test_the_guard_sees_both_forms_of_a_name_compare() -> None:
    tree = ast.parse('if task == "binary" or kind in ("regression", "x"):\n    pass\n')
    assert _names_compared(tree) == [1, 1]
