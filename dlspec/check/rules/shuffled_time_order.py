"""DLS311 shuffled-time-order: shuffling data that must stay in time order."""

from __future__ import annotations

from collections.abc import Iterator

from dlspec.check.rules.rule import Context, Rule
from dlspec.diagnostics import Diagnostic, make


def check(context: Context) -> Iterator[Diagnostic]:
    """An explicit ``shuffle: true`` on a time-ordered scheme or a windowed series."""
    scheme = context.spec.validation
    shuffle_set = "shuffle" in scheme.model_fields_set and scheme.shuffle
    if shuffle_set and (scheme.in_time_order or context.data.series):
        why = f"the {scheme.type} scheme" if scheme.in_time_order else "windowed series"
        yield make(
            "DLS311",
            f"'shuffle: true' with {why} would train on the future and validate on the past",
            context.source_map.locate(("validation", "shuffle")),
            "remove 'shuffle' (time series keep their order)",
        )


RULE = Rule("DLS311", check)
