"""Rich renderables built from a run's Results: the tables and panels of its report.

Fold and test tables, the confusion matrix, the per-class report, a learning-curve panel and
the bias-variance verdict.

Nothing here prints: the CLI passes each renderable to its Console. Numbers are right-aligned
with fixed decimals; colour only repeats what the words already say.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from dlspec.spec.tasks import TASKS, scores

if TYPE_CHECKING:
    from dlspec.train.diagnosis import Verdict
    from dlspec.train.results import FoldResult, Results, Scores

DECIMALS = 4
SPARKS = "▁▂▃▄▅▆▇█"
CURVE_WIDTH = 48
LOG_SCALE_RATIO = 10  # learning curves spanning more than this factor are drawn on a log scale
VERDICT_STYLES = {"just right": "green", "underfitting": "yellow", "overfitting": "red"}
LABELS = {
    "accuracy": "accuracy",
    "auc": "AUC",
    "precision": "precision (macro)",
    "recall": "recall (macro)",
    "f1": "F1 (macro)",
    "rmse": "RMSE",
    "mae": "MAE",
    "mse": "MSE",
    "r2": "R²",
    "loss": "loss",
    "perplexity": "perplexity",
    "token_accuracy": "token accuracy",
    "exact_match": "exact match",
}


def label(metric: str) -> str:
    """A score's name in the report: ``RMSE``, or ``RMSE (y1)`` for one output's."""
    base, _, output = metric.partition(":")
    name = LABELS.get(base, base)
    return f"{name} ({output})" if output else name


def number(value: float | None) -> str:
    """A metric with the report's fixed decimals ("–" when missing)."""
    return "–" if value is None else f"{value:.{DECIMALS}f}"


def mean_std(mean: float, std: float) -> str:
    """``0.9600 ± 0.0200``."""
    return f"{number(mean)} ± {number(std)}"


def ordered(task: str, names: Sequence[str]) -> list[str]:
    """Score names in the task's report order, then any others alphabetically.

    Each output's scores (``rmse:y1``) follow the whole's, output by output, in that order.
    """
    order = scores(task)
    known = [m for m in order if m in names]
    outputs = [m for m in names if m.partition(":")[0] in order and m not in known]
    outputs.sort(key=lambda m: (m.partition(":")[2], order.index(m.partition(":")[0])))
    return known + outputs + sorted(set(names) - set(known) - set(outputs))


def folds_table(results: Results) -> Table:
    """Validation metrics of each fold, with mean ± std across folds in the footer."""
    summary = results.validation_summary()
    row = TASKS.get(results.task)  # the per-fold table's columns (metrics.json has all)
    wanted = row.fold_columns if row is not None else None
    metrics = [m for m in results.metric_names if wanted is None or m in wanted]
    several = len(results.folds) > 1
    title = f"Validation ({results.scheme}, {len(results.folds)} fold{'s' * several})"
    table = Table(title=title, title_justify="left", show_footer=several)
    table.add_column("fold", footer="mean\n± std", no_wrap=True)
    table.add_column("train/\nvalid.", justify="right", no_wrap=True)
    table.add_column("epochs\n(best)", justify="right", no_wrap=True)
    for metric in metrics:
        mean, std = summary[metric]["mean"], summary[metric]["std"]
        # two lines keep the columns narrow enough for an 80-column terminal
        footer = f"{number(mean)}\n± {number(std)}" if several else ""
        table.add_column(label(metric), justify="right", footer=footer, no_wrap=True)
    for fold in results.folds:
        epochs = str(fold.epochs)
        if fold.best_epoch is not None:
            epochs += f" ({fold.best_epoch})"
        table.add_row(
            fold.name,
            f"{fold.train_size}/{fold.validation_size}",
            epochs,
            *[number(fold.validation.get(m)) for m in metrics],
        )
    if results.final.name == "final":
        table.caption = (
            f"final model: {results.final.epochs} epochs on all "
            f"{results.final.train_size} non-test examples"
        )
    return table


def test_table(test: Scores, task: str, title: str = "Test set") -> Table:
    """The final model's metrics on the test set, one row per metric."""
    table = Table(title=f"{title} ({test.size} examples)", title_justify="left")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for metric in ordered(task, list(test.metrics)):
        table.add_row(label(metric), number(test.metrics[metric]))
    return table


def confusion_table(test: Scores, class_names: Sequence[str] | None) -> Table | None:
    """Counts of true (rows) against predicted (columns) classes; the diagonal is correct."""
    if test.confusion is None:
        return None
    k = len(test.confusion)
    names = list(class_names) if class_names else [str(i) for i in range(k)]
    table = Table(title="Confusion matrix", title_justify="left")
    table.add_column("true \\ predicted")
    for name in names:
        table.add_column(name, justify="right")
    for i, row in enumerate(test.confusion):
        cells = [
            Text(f"[{count}]", style="bold") if i == j else Text(str(count))
            for j, count in enumerate(row)
        ]
        table.add_row(names[i], *cells)
    table.caption = Text("[n]: correctly classified")
    return table


def per_class_table(test: Scores) -> Table | None:
    """Precision, recall, F1 and support of each class on the test set."""
    if test.per_class is None:
        return None
    table = Table(title="Per-class report (test set)", title_justify="left")
    table.add_column("class")
    for column in ("precision", "recall", "F1"):
        table.add_column(column, justify="right")
    table.add_column("support", justify="right")
    for row in test.per_class:
        table.add_row(
            row.name, number(row.precision), number(row.recall), number(row.f1), str(row.support)
        )
    return table


def sparkline(values: Sequence[float], low: float, high: float, width: int = CURVE_WIDTH) -> str:
    """Values as block characters between ``low`` and ``high``, averaged down to ``width``."""
    if not values:
        return ""
    if len(values) > width:
        step = len(values) / width
        values = [
            sum(chunk) / len(chunk)
            for chunk in (
                values[int(i * step) : max(int((i + 1) * step), int(i * step) + 1)]
                for i in range(width)
            )
        ]
    span = high - low
    top = len(SPARKS) - 1
    return "".join(
        SPARKS[0 if span <= 0 else min(top, max(0, round((v - low) / span * top)))] for v in values
    )


def learning_curve(fold: FoldResult) -> Panel:
    """Training and validation loss of one fit by epoch, as sparklines on a shared scale."""
    series = [
        (name, fold.history[key])
        for name, key in (("training", "loss"), ("validation", "val_loss"))
        if fold.history.get(key)
    ]
    title = "final model" if fold.name == "final" else f"fold {fold.name}"
    if not series:
        return Panel(Text("no history recorded"), title=f"Learning curve ({title})")
    low = min(min(v) for _, v in series)
    high = max(max(v) for _, v in series)
    epochs = max(len(v) for _, v in series)
    curves = Table(box=None, pad_edge=False)
    curves.add_column("loss by epoch")
    curves.add_column(f"1 → {epochs}", no_wrap=True)
    table = Table(box=None, pad_edge=False)
    table.add_column("loss")
    table.add_column("first", justify="right")
    table.add_column("lowest (epoch)", justify="right")
    table.add_column("last", justify="right")
    # Losses that fall by orders of magnitude would draw one tall bar and a flat line.
    logarithmic = low > 0 and high / low > LOG_SCALE_RATIO
    scaled = math.log10 if logarithmic else float
    for name, values in series:
        best = min(range(len(values)), key=values.__getitem__)
        curves.add_row(name, sparkline([scaled(v) for v in values], scaled(low), scaled(high)))
        table.add_row(
            name,
            number(values[0]),
            f"{number(values[best])} ({best + 1})",
            number(values[-1]),
        )
    kind = "logarithmic scale" if logarithmic else "scale"
    caption = Text(f"{kind}: ▁ = {number(low)}, █ = {number(high)}", style="dim")
    body = Group(curves, caption, Text(""), table)
    return Panel(body, title=f"Learning curve ({title})", title_align="left")


def verdict_panel(verdict: Verdict) -> Panel:
    """The bias-variance verdict, the numbers behind it, and the remedies it calls for."""
    body = Text()
    body.append("verdict: ")
    body.append(verdict.name, style=f"bold {VERDICT_STYLES.get(verdict.name, '')}".strip())
    body.append(f"\n{verdict.reason}")
    if verdict.remedies:
        body.append("\nremedies:")
        for remedy in verdict.remedies:
            body.append(f"\n  - {remedy}")
    elif verdict.name == "just right":
        body.append("\nremedies: none needed")
    return Panel(body, title="Bias-variance diagnosis", title_align="left")


def render(results: Results) -> Group:
    """The whole report of a run, in reading order."""
    parts: list[RenderableType] = [folds_table(results)]
    if results.test is None:
        parts.append(
            Text("test set: withheld (a sweep's trial: the sweep scores its best trial once)")
        )
    else:
        parts.append(test_table(results.test, results.task))
        for extra in (
            confusion_table(results.test, results.class_names),
            per_class_table(results.test),
        ):
            if extra is not None:
                parts.append(extra)
    if results.folds:
        parts.append(learning_curve(results.folds[0]))
    parts.append(verdict_panel(results.verdict))
    if results.device:
        parts.append(
            Text(f"trained on {results.device} by {results.backend} in {results.precision}")
        )
    if results.run_dir:
        parts.append(Text(f"run saved in {results.run_dir}"))
    return Group(*parts)


def evaluation(
    test: Scores, task: str, class_names: Sequence[str] | None, heading: str, title: str
) -> Group:
    """``dlspec evaluate``'s report: the metrics, confusion matrix and per-class report."""
    parts: list[RenderableType] = [Text(heading), test_table(test, task, title)]
    for extra in (confusion_table(test, class_names), per_class_table(test)):
        if extra is not None:
            parts.append(extra)
    return Group(*parts)
