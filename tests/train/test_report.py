"""Reports rendered from hand-made Results, and the bias-variance verdict's rules."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from dlspec.report import results as report
from dlspec.train import diagnosis
from dlspec.train.diagnosis import judge
from dlspec.train.results import ClassReport, FoldResult, Results, Scores


def _render(renderable: object) -> str:
    console = Console(width=100, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def _fold(name: str, train: float, valid: float, loss: list[float]) -> FoldResult:
    return FoldResult(
        name=name,
        train_size=96,
        validation_size=24,
        epochs=len(loss),
        best_epoch=len(loss) - 1,
        history={
            "loss": loss,
            "val_loss": [v * 1.1 for v in loss],
            "accuracy": [train] * len(loss),
        },
        train={"accuracy": train, "loss": loss[-1]},
        validation={
            "accuracy": valid,
            "precision": valid,
            "recall": valid,
            "f1": valid,
            "loss": loss[-1] * 1.1,
        },
        baseline=0.6,
        noise=0.03,
    )


def _results() -> Results:
    folds = [
        _fold("1", 0.98, 0.95, [1.0, 0.6, 0.3, 0.2]),
        _fold("2", 0.97, 0.97, [1.1, 0.5, 0.25, 0.2]),
    ]
    final = FoldResult("final", 120, 0, 3, None, {"loss": [1.0, 0.5, 0.3]}, {"accuracy": 0.97})
    test = Scores(
        size=30,
        metrics={
            "accuracy": 0.9666666,
            "precision": 0.97,
            "recall": 0.9666,
            "f1": 0.9665,
            "loss": 0.1,
        },
        confusion=[[10, 0, 0], [0, 9, 1], [0, 0, 10]],
        per_class=[
            ClassReport("setosa", 1.0, 1.0, 1.0, 10),
            ClassReport("versicolor", 1.0, 0.9, 0.947, 10),
            ClassReport("virginica", 0.909, 1.0, 0.952, 10),
        ],
    )
    return Results(
        name="iris-mlp",
        task="multiclass",
        scheme="kfold",
        seed=42,
        folds=folds,
        final=final,
        test=test,
        verdict=judge("multiclass", folds),
        class_names=["setosa", "versicolor", "virginica"],
        run_dir="runs/iris-mlp/20250101-120000",
    )


def test_folds_table_shows_every_fold_and_mean_plus_minus_std() -> None:
    text = _render(report.folds_table(_results()))
    assert "0.9500" in text and "0.9700" in text
    lines = text.splitlines()
    footer = next(i for i, line in enumerate(lines) if line.startswith("│ mean"))
    assert "0.9600" in lines[footer] and "± 0.0100" in lines[footer + 1]  # population std
    assert "± std" in lines[footer + 1]
    assert "4 (3)" in text and "96/24" in text
    assert "final model: 3 epochs on all 120 non-test examples" in text


def test_numbers_are_right_aligned_with_fixed_decimals() -> None:
    table = report.folds_table(_results())
    assert all(column.justify == "right" for column in table.columns[1:])
    assert report.number(0.5) == "0.5000"
    assert report.number(None) == "–"
    test = report.test_table(_results().test, "multiclass")
    assert test.columns[1].justify == "right"
    text = _render(test)
    assert "0.9667" in text and "Test set (30 examples)" in text
    # the task's metrics first, in the report order
    assert text.index("accuracy") < text.index("precision") < text.index("loss")


def test_confusion_matrix_marks_the_diagonal_without_colour() -> None:
    results = _results()
    text = _render(report.confusion_table(results.test, results.class_names))
    assert "[10]" in text and "[9]" in text
    assert "true \\ predicted" in text
    assert "│ versicolor       │      0 │        [9] │         1 │" in text
    assert "[n]: correctly classified" in text


def test_per_class_report_lists_each_class() -> None:
    text = _render(report.per_class_table(_results().test))
    for name in ("setosa", "versicolor", "virginica"):
        assert name in text
    assert "0.9090" in text and "support" in text


def test_learning_curve_panel_draws_both_losses_on_one_scale() -> None:
    fold = _fold("1", 0.98, 0.95, [1.0, 0.6, 0.3, 0.2])
    text = _render(report.learning_curve(fold))
    assert "training" in text and "validation" in text
    assert "█" in text and "▁" in text
    assert "0.2000 (4)" in text  # lowest training loss and its epoch


def test_learning_curve_uses_a_log_scale_over_orders_of_magnitude() -> None:
    fold = FoldResult("1", 1, 1, 4, None, {"loss": [1000.0, 100.0, 10.0, 1.0]})
    text = _render(report.learning_curve(fold))
    assert "▁▃▆█"[::-1] in text  # evenly spaced on a log scale
    assert "logarithmic scale: ▁ = 1.0000, █ = 1000.0000" in text


def test_sparkline_scales_and_shrinks() -> None:
    assert report.sparkline([0, 1], 0, 1) == "▁█"
    assert report.sparkline([2, 2, 2], 2, 2) == "▁▁▁"
    assert len(report.sparkline(list(range(500)), 0, 499, width=40)) == 40


def test_render_contains_every_part_in_order() -> None:
    text = _render(report.render(_results()))
    marks = [
        "Validation (kfold, 2 folds)",
        "Test set",
        "Confusion matrix",
        "Per-class report",
        "Learning curve (fold 1)",
        "Bias-variance diagnosis",
        "run saved in",
    ]
    positions = [text.index(m) for m in marks]
    assert positions == sorted(positions)
    assert "verdict: just right" in text


def test_regression_report_has_rmse_mae_r2_and_no_confusion_matrix() -> None:
    fold = FoldResult(
        "1",
        80,
        20,
        2,
        None,
        {"loss": [3.0, 2.0], "val_loss": [3.5, 2.5]},
        {"rmse": 1.4, "loss": 2.0, "r2": 0.3},
        {"rmse": 1.6, "mae": 1.2, "r2": 0.28, "loss": 2.5},
        baseline=1.7,
        noise=0.2,
    )
    results = Results(
        "diabetes",
        "regression",
        "holdout",
        1,
        [fold],
        fold,
        Scores(20, {"rmse": 1.5, "mae": 1.1, "r2": 0.31, "loss": 2.3}),
        judge("regression", [fold]),
    )
    text = _render(report.render(results))
    assert "RMSE" in text and "MAE" in text and "R²" in text
    assert "Confusion" not in text
    assert "verdict: underfitting" in text
    assert "training RMSE 1.4 vs 1.7 for the mean" in text
    assert "complexify the model" in text


def test_remedies_follow_the_course_table() -> None:
    assert any("complexify" in r for r in diagnosis.REMEDIES["underfitting"])
    assert any("features" in r for r in diagnosis.REMEDIES["underfitting"])
    assert any("longer" in r for r in diagnosis.REMEDIES["underfitting"])
    assert any("regularise" in r for r in diagnosis.REMEDIES["overfitting"])
    assert any("more data" in r for r in diagnosis.REMEDIES["overfitting"])
    assert diagnosis.REMEDIES["just right"] == ()
    text = _render(
        report.verdict_panel(
            judge(
                "binary",
                [
                    FoldResult(
                        "1", 1, 1, 1, None, {}, {"accuracy": 0.99}, {"accuracy": 0.8}, 0.5, 0.03
                    )
                ],
            )
        )
    )
    assert "verdict: overfitting" in text and "remedies:" in text and "get more data" in text


def test_results_round_trip_through_metrics_json() -> None:
    results = _results()
    again = Results.from_json(results.to_json(), {f.name: f.history for f in results.folds})
    assert again.to_json() == results.to_json()
    summary = results.summary_json()
    assert set(summary) == {
        *("run_dir", "validation", "test", "verdict", "verdict_numbers"),
        *("backend", "device", "precision"),
    }
    assert summary["verdict_numbers"] == results.verdict.numbers
    assert summary["verdict_numbers"]["baseline_error"] == pytest.approx(0.6)
    assert summary["validation"]["accuracy"]["folds"] == [0.95, 0.97]
