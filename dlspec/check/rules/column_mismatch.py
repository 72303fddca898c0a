"""DLS328 column-mismatch: a target or feature column the data source does not have.

``data.target`` and ``data.features`` choose columns of a table (a CSV, a text table). On a
source without columns they would be ignored, and a name the table's header lacks would pass
lint and fail when the data loads, or, for a target, only when the run is scored.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from dlspec.check.rules.rule import Context, Rule
from dlspec.diagnostics import Diagnostic, make
from dlspec.sources import SOURCES


def check(context: Context) -> Iterator[Diagnostic]:
    """Column fields on a source without them, and names or indexes its header lacks."""
    data = context.spec.data
    if data is None:
        return
    takes = SOURCES[data.scheme].column_fields(data)
    chosen = {"target": data.target, "features": data.features}
    for field, value in chosen.items():
        if value is None:
            continue
        at = ("data", field)
        if field not in takes:
            yield make(
                "DLS328",
                f"'{data.source}' has no columns for '{field}' to choose",
                context.source_map.locate(at),
                f"remove '{field}': it chooses a column of a "
                + ("CSV or text table" if field == "target" else "CSV table"),
            )
            continue
        columns = context.data.columns
        if columns is None:  # the header is read when the data loads
            continue
        listed = ", ".join(columns)
        for index, name in enumerate(value if isinstance(value, list) else [value]):
            place = (*at, index) if isinstance(value, list) else at
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


RULE = Rule("DLS328", check)
