"""``dlspec runs``: the listing of saved runs, and runs side by side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Group
from rich.table import Table

from dlspec.report.results import label, mean_std, number, ordered
from dlspec.spec.tasks import scores


def key_metric(metrics: dict[str, Any]) -> str | None:
    """A run's headline metric: the first of its task's metrics that it has."""
    task = metrics.get("task", "")
    have = set(metrics.get("validation", {})) | set(metrics.get("test", {}))
    return next((m for m in scores(task) if m in have), None)


def runs_table(runs: Sequence[Any]) -> Table:
    """``dlspec runs``: one row per run (``rundir.Run``), its state and headline metric.

    A run that is not complete (running, failed, interrupted or damaged) gets a row of its own
    too, and the caption says why.
    """
    # No inner rules: the listing fits an 80-column terminal.
    table = Table(title="Runs", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("name / run", no_wrap=True)
    table.add_column("task", no_wrap=True)
    table.add_column("metric", no_wrap=True)
    table.add_column("validation\nmean ± std", justify="right", no_wrap=True)
    table.add_column("test", justify="right", no_wrap=True)
    table.add_column("state /\nverdict", no_wrap=True, min_width=12)
    notes = []
    for run in runs:
        if run.state != "complete":
            table.add_row(f"{run.name}\n{run.stamp}", "?", "–", "–", "–", run.state)
            why = f": {run.why}" if run.why else ""
            notes.append(f"{run.name}/{run.stamp} is {run.state}{why}")
            continue
        metrics = run.metrics
        metric = key_metric(metrics)
        validation = metrics.get("validation", {}).get(metric) if metric else None
        test = metrics.get("test", {}).get(metric) if metric else None
        spread = (
            f"{number(validation['mean'])}\n± {number(validation['std'])}" if validation else "–"
        )
        table.add_row(
            f"{run.name}\n{run.stamp}",
            f"{metrics.get('task', '?')}\n{metrics.get('scheme', '?')}",
            label(metric) if metric else "–",
            spread,
            number(test),
            f"{run.state}\n{(metrics.get('verdict') or {}).get('name', '–')}",
        )
    if not runs:
        notes.append("no runs yet: 'dlspec train SPEC' makes one")
    if notes:
        table.caption = "\n".join(notes)
        table.caption_justify = "left"
    return table


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested spec data as ``{"training.epochs": 100, "model.layers[0].dense.units": 16}``."""
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        for index, item in enumerate(value):
            out.update(flatten(item, f"{prefix}[{index}]"))
    else:
        out[prefix] = value
    return out


def _written(value: Any) -> str:
    """A spec value as the report shows it: floats to 6 significant digits."""
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def letters(count: int) -> list[str]:
    """Labels of compared runs: A, B, ..., Z, then AA, AB, ..."""
    out = []
    for index in range(count):
        name, index = "", index + 1
        while index:
            index, rest = divmod(index - 1, 26)
            name = chr(ord("A") + rest) + name
        out.append(name)
    return out


def compare(runs: Sequence[Any]) -> Group:
    """Runs side by side: which is which, the spec fields that differ, then every metric."""
    names = letters(len(runs))
    legend = Table(title="Runs compared", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("", "run", "verdict"):
        legend.add_column(column)
    for name, run in zip(names, runs, strict=True):
        verdict = (run.metrics.get("verdict") or {}).get("name", "–")
        legend.add_row(name, f"{run.name}/{run.stamp}", verdict)
    specs = [flatten(run.spec) for run in runs]
    fields = Table(title="Spec fields that differ", title_justify="left")
    fields.add_column("field", overflow="fold")
    for name in names:
        fields.add_column(name, overflow="fold")
    missing = "(not set)"
    for key in sorted(set().union(*specs)):
        values = [_written(spec.get(key, missing)) for spec in specs]
        if len(set(values)) > 1:
            fields.add_row(key, *values)
    if not fields.rows:
        fields.caption = "the specs are the same"
    metrics = Table(title="Metrics (validation: mean ± std over the folds)", title_justify="left")
    metrics.add_column("metric")
    for name in names:
        metrics.add_column(name, justify="right")
    validation = [run.metrics.get("validation", {}) for run in runs]
    test = [run.metrics.get("test") or {} for run in runs]
    task = runs[0].metrics.get("task", "")
    for metric in ordered(task, sorted(set().union(*validation))):
        metrics.add_row(
            f"validation {label(metric)}",
            *(mean_std(v[metric]["mean"], v[metric]["std"]) if metric in v else "–"
              for v in validation),
        )  # fmt: skip
    for metric in ordered(task, sorted(set().union(*test))):
        metrics.add_row(f"test {label(metric)}", *(number(t.get(metric)) for t in test))
    return Group(legend, fields, metrics)
