"""Checks on training and validation settings, and warnings about wasted or risky layers."""

from __future__ import annotations

from dlspec.check.shapes import LayerInfo
from dlspec.diagnostics import Diagnostic, make
from dlspec.layers import DropoutSpec
from dlspec.sources import DataInfo
from dlspec.spec import Spec
from dlspec.spec.document import SourceMap

# A model with this many times more parameters than training examples is flagged.
PARAMS_PER_EXAMPLE_LIMIT = 100


def rules(spec: Spec, data: DataInfo, source_map: SourceMap) -> list[Diagnostic]:
    """Time order, early stopping and stratification rules."""
    out: list[Diagnostic] = []
    scheme = spec.validation
    shuffle_set = "shuffle" in scheme.model_fields_set and scheme.shuffle
    if shuffle_set and (scheme.in_time_order or data.series):
        why = f"the {scheme.type} scheme" if scheme.in_time_order else "windowed series"
        out.append(
            make(
                "DLS311",
                f"'shuffle: true' with {why} would train on the future and validate on the past",
                source_map.locate(("validation", "shuffle")),
                "remove 'shuffle' (time series keep their order)",
            )
        )
    stopping = spec.training.early_stopping
    if stopping is not None and stopping.patience >= spec.training.epochs:
        out.append(
            make(
                "DLS312",
                f"early-stopping patience {stopping.patience} is not shorter than "
                f"{spec.training.epochs} epochs, so it never stops training",
                source_map.locate(("training", "early_stopping")),
                "lower the patience or raise training.epochs",
                warning=True,
            )
        )
    if spec.training.reduce_lr_on_plateau is not None and spec.optimizer.schedule is not None:
        out.append(
            make(
                "DLS326",
                "reduce_lr_on_plateau cannot change a learning rate that a schedule sets "
                "(Keras stops training with an error when the plateau comes)",
                source_map.locate(("training", "reduce_lr_on_plateau")),
                f"keep one of them: remove 'reduce_lr_on_plateau' or the optimizer's "
                f"'{spec.optimizer.schedule.type}' schedule",
            )
        )
    real_valued = not spec.task.row.classification
    if scheme.stratify and scheme.in_time_order:
        out.append(
            make(
                "DLS323",
                "time_series splits keep time order and cannot be stratified",
                source_map.locate(("validation", "stratify")),
                "remove 'stratify'",
            )
        )
    elif scheme.stratify and real_valued:
        out.append(
            make(
                "DLS323",
                f"cannot stratify the {spec.task.type} task's real-valued targets",
                source_map.locate(("validation", "stratify")),
                "remove 'stratify'",
            )
        )
    if scheme.type == "kfold" and data.series:
        out.append(
            make(
                "DLS323",
                "kfold on a time series scores early folds with models trained on later data",
                source_map.locate(("validation", "type")),
                "use 'validation: time_series': expanding windows, always in time order",
                warning=True,
            )
        )
    if scheme.type == "kfold" and data.examples is not None:
        training = int(data.examples * (1 - scheme.test_size))
        if scheme.folds > training:
            out.append(
                make(
                    "DLS323",
                    f"{scheme.folds} folds for {training} training examples",
                    source_map.locate(("validation", "folds")),
                    "use fewer folds",
                )
            )
    return out


def layer_warnings(
    spec: Spec, rows: list[LayerInfo], data: DataInfo, source_map: SourceMap
) -> list[Diagnostic]:
    """Layers that do nothing, and models far larger than the data."""
    out: list[Diagnostic] = []
    for row in _flatten(rows):
        if isinstance(row.spec, DropoutSpec) and row.spec.rate == 0:
            out.append(
                make(
                    "DLS314",
                    "dropout with rate 0 does nothing",
                    source_map.locate(row.path),
                    "remove it, or give it a rate such as 0.2",
                    warning=True,
                )
            )
    total = sum(row.params.total for row in rows)
    if data.examples and spec.data is not None:
        scheme = spec.validation
        training = data.examples * (1 - scheme.test_size)
        if total > PARAMS_PER_EXAMPLE_LIMIT * training:
            out.append(
                make(
                    "DLS315",
                    f"{total:,} parameters for about {int(training):,} training examples "
                    f"({total / training:,.0f} per example)",
                    source_map.locate(("model",)),
                    "a model this large will memorise the data: shrink it or regularise it",
                    warning=True,
                )
            )
    return out


def _flatten(rows: list[LayerInfo]) -> list[LayerInfo]:
    out: list[LayerInfo] = []
    for row in rows:
        out.append(row)
        out.extend(_flatten(row.children))
    return out
