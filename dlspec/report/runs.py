"""``dlspec runs``: the listing of saved runs, and two runs side by side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

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


def compare(a: Any, b: Any) -> Group:
    """Two runs side by side: the spec fields that differ, then every metric."""
    label_a, label_b = f"{a.name}/{a.stamp}", f"{b.name}/{b.stamp}"
    spec_a, spec_b = flatten(a.spec), flatten(b.spec)
    fields = Table(title="Spec fields that differ", title_justify="left")
    fields.add_column("field")
    fields.add_column(f"A: {label_a}")
    fields.add_column(f"B: {label_b}")
    missing = "(not set)"
    for key in sorted(set(spec_a) | set(spec_b)):
        if spec_a.get(key, missing) != spec_b.get(key, missing):
            fields.add_row(key, str(spec_a.get(key, missing)), str(spec_b.get(key, missing)))
    if not fields.rows:
        fields.caption = "the specs are the same"
    metrics = Table(title="Metrics", title_justify="left")
    metrics.add_column("metric")
    metrics.add_column("A validation", justify="right")
    metrics.add_column("B validation", justify="right")
    metrics.add_column("A test", justify="right")
    metrics.add_column("B test", justify="right")
    va, vb = a.metrics.get("validation", {}), b.metrics.get("validation", {})
    ta, tb = a.metrics.get("test", {}), b.metrics.get("test", {})
    task = a.metrics.get("task", "")
    for metric in ordered(task, sorted(set(va) | set(vb) | set(ta) | set(tb))):
        metrics.add_row(
            label(metric),
            mean_std(va[metric]["mean"], va[metric]["std"]) if metric in va else "–",
            mean_std(vb[metric]["mean"], vb[metric]["std"]) if metric in vb else "–",
            number(ta.get(metric)),
            number(tb.get(metric)),
        )
    verdicts = Text(
        f"verdict: A {(a.metrics.get('verdict') or {}).get('name', '–')}, "
        f"B {(b.metrics.get('verdict') or {}).get('name', '–')}"
    )
    return Group(fields, metrics, verdicts)
