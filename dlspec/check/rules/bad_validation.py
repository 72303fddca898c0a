"""DLS323 bad-validation: a validation scheme that cannot work with this data."""

from __future__ import annotations

from collections.abc import Iterator

from dlspec.check.rules.rule import Context, Rule
from dlspec.diagnostics import Diagnostic, make


def check(context: Context) -> Iterator[Diagnostic]:
    """Stratifying what cannot be stratified, k-fold on a series, more folds than examples."""
    spec, data, source_map = context.spec, context.data, context.source_map
    scheme = spec.validation
    if scheme.stratify and scheme.in_time_order:
        yield make(
            "DLS323",
            f"{scheme.type} splits keep time order and cannot be stratified",
            source_map.locate(("validation", "stratify")),
            "remove 'stratify'",
        )
    elif scheme.stratify and not spec.task.row.classification:
        yield make(
            "DLS323",
            f"cannot stratify the {spec.task.type} task's real-valued targets",
            source_map.locate(("validation", "stratify")),
            "remove 'stratify'",
        )
    if scheme.type != "kfold":
        return
    if data.series:
        yield make(
            "DLS323",
            "kfold on a time series scores early folds with models trained on later data",
            source_map.locate(("validation", "type")),
            "use 'validation: time_series': expanding windows, always in time order",
            warning=True,
        )
    if data.examples is not None:
        training = int(data.examples * (1 - scheme.test_size))
        if scheme.folds > training:
            yield make(
                "DLS323",
                f"{scheme.folds} folds for {training} training examples",
                source_map.locate(("validation", "folds")),
                "use fewer folds",
            )


RULE = Rule("DLS323", check)
