"""DLS328 column-mismatch: a target or feature column the data source does not have.

``data.target`` and ``data.features`` choose columns of a table (a CSV, a text table). On a
source without columns they would be ignored, and a name the table's header lacks would pass
lint and fail when the data loads, or, for a target, only when the run is scored.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from dlspec.check.rules.rule import Context, Rule
from dlspec.diagnostics import Diagnostic, make
from dlspec.sources import SOURCES


def check(context: Context) -> Iterator[Diagnostic]:
    """Column fields on a source without them, and names or indexes its header lacks."""
    data = context.spec.data
    if data is None:
        return
    takes = SOURCES[data.scheme].column_fields(data)
    chosen = {
        "target": data.target,
        "features": data.features,
        "text_column": data.text_column,
        "source_column": data.source_column,
        "target_column": data.target_column,
    }
    for field, value in chosen.items():
        if value is None:
            continue
        at = ("data", field)
        if field == "target" and isinstance(value, list) and not SOURCES[data.scheme].targets:
            yield make(
                "DLS328",
                f"'{data.source}' takes one target column, not a list",
                context.source_map.locate(at),
                "a list of target columns is for a CSV table, one output each",
            )
            continue
        if field not in takes:
            yield make(
                "DLS328",
                f"'{data.source}' has no columns for '{field}' to choose",
                context.source_map.locate(at),
                f"remove '{field}': it chooses a column of a "
                + ("CSV table" if field == "features" else "text table"),
            )
            continue
        columns = context.data.columns
        if columns is None:  # the header is read when the data loads
            continue
        listed = ", ".join(columns)
        for place, name in _named(at, value):
            if isinstance(name, int):
                if not -len(columns) <= name < len(columns):
                    yield make(
                        "DLS328",
                        f"column index {name} is past the {len(columns)} columns of "
                        f"'{data.location}'",
                        context.source_map.locate(place),
                        f"count from 0; the columns are: {listed}",
                    )
            elif name not in columns:
                close = difflib.get_close_matches(name, columns, n=1)
                guess = f"did you mean '{close[0]}'? " if close else ""
                yield make(
                    "DLS328",
                    f"no column '{name}' in '{data.location}'",
                    context.source_map.locate(place),
                    f"{guess}the columns are: {listed}",
                )


def _named(
    at: tuple[Any, ...], value: str | int | list[str | int] | list[str] | dict[str, list[str]]
) -> Iterator[tuple[tuple[Any, ...], str | int]]:
    """Each column a field names, with where it is written (in a list, or a group's list)."""
    if isinstance(value, dict):
        for group, names in value.items():
            yield from (((*at, group, index), name) for index, name in enumerate(names))
    elif isinstance(value, list):
        yield from (((*at, index), name) for index, name in enumerate(value))
    else:
        yield at, value


RULE = Rule("DLS328", check)
