"""Reading CSV/TSV tables: columns by name or index, numbers, missing values and class labels.

Shared by ``csv:`` sources, ``text:`` tables and ``predict`` inputs. Problems become DLS401
(unreadable or ragged file), DLS403 (missing column), DLS404 (not a number), DLS405 (NaN).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dlspec.data.problems import Problems
from dlspec.diagnostics import did_you_mean

_MISSING = {"", "na", "n/a", "nan", "null", "none", "?"}
FIRST_LINE = 2  # the header is line 1


@dataclass
class Table:
    """A delimited text file: its header and its cells, column by column."""

    file: Path
    header: list[str]
    columns: dict[str, list[str]]

    @property
    def rows(self) -> int:
        """The number of data rows (the header excluded)."""
        return len(next(iter(self.columns.values()), []))


def read(path: Path, problems: Problems) -> Table:
    """Read a CSV (or, by its suffix, TSV) file with a header line.

    Raises:
        SpecError: DLS401 when the file cannot be read, has no header, or a row is ragged.
    """
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            lines = list(csv.reader(handle, delimiter=delimiter))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        problems.fail("DLS401", f"cannot read data file '{path}': {error}")
    lines = [line for line in lines if line]  # blank lines carry no row
    if not lines:
        problems.fail("DLS401", f"data file '{path}' is empty", hint="the first line is a header")
    header = [name.strip() for name in lines[0]]
    for number, line in enumerate(lines[1:], start=FIRST_LINE):
        if len(line) != len(header):
            problems.fail(
                "DLS401",
                f"line {number} of '{path.name}' has {len(line)} fields, the header has "
                f"{len(header)}",
                line=number,
            )
    if len(set(header)) != len(header):
        twice = sorted({name for name in header if header.count(name) > 1})
        problems.fail("DLS401", f"'{path.name}' names column '{twice[0]}' twice")
    columns = {name: [line[i].strip() for line in lines[1:]] for i, name in enumerate(header)}
    return Table(path, header, columns)


def column_name(
    header: list[str], wanted: str | int, problems: Problems, at: tuple[Any, ...], file: str
) -> str | None:
    """The header name of column ``wanted`` (a name, or an index counted from 0; -1 the last).

    Records DLS403 with a did-you-mean hint and returns None when there is no such column.
    """
    if isinstance(wanted, int):
        if -len(header) <= wanted < len(header):
            return header[wanted]
        problems.add(
            "DLS403",
            f"column index {wanted} is out of range: '{file}' has {len(header)} columns",
            at,
            "columns count from 0; -1 is the last",
            line=1,
        )
        return None
    if wanted in header:
        return wanted
    problems.add(
        "DLS403",
        f"column '{wanted}' is not in '{file}'",
        at,
        did_you_mean(wanted, header) or "columns: " + ", ".join(header),
        line=1,
    )
    return None


_FEATURE_HINT = "features must be numbers: encode text columns or leave them out of 'data.features'"


def numbers(
    table: Table,
    name: str,
    problems: Problems,
    at: tuple[Any, ...],
    hint: str = _FEATURE_HINT,
) -> np.ndarray:
    """Column ``name`` as float64; records DLS404 for text cells and DLS405 for missing ones."""
    cells = table.columns[name]
    try:
        values = np.array(cells, dtype=np.float64)
    except ValueError:
        values = np.full(len(cells), np.nan)
        for row, cell in enumerate(cells):
            if cell.lower() in _MISSING:
                continue
            try:
                values[row] = float(cell)
            except ValueError:
                problems.add(
                    "DLS404",
                    f"column '{name}' of '{table.file.name}' is not numeric: '{cell}' on line "
                    f"{row + FIRST_LINE}",
                    at,
                    hint,
                    line=row + FIRST_LINE,
                )
                return values
    # inf, -inf, and numbers past float32's range (1e39 becomes inf when the data is converted).
    infinite = np.flatnonzero(np.abs(np.nan_to_num(values)) > np.finfo(np.float32).max)
    if len(infinite):
        first = int(infinite[0]) + FIRST_LINE
        count = len(infinite)
        problems.add(
            "DLS404",
            f"column '{name}' of '{table.file.name}' has {count} infinite or too large "
            f"value{'s' if count > 1 else ''} ('{cells[infinite[0]]}' on line {first})",
            at,
            "replace them with finite numbers (at most about 3.4e38), or drop those rows",
            line=first,
        )
    missing = np.flatnonzero(np.isnan(values))
    if len(missing):
        first = int(missing[0]) + FIRST_LINE
        problems.add(
            "DLS405",
            f"column '{name}' of '{table.file.name}' has {len(missing)} missing (NaN) "
            f"value{'s' if len(missing) > 1 else ''}, the first on line {first}",
            at,
            "fill or drop those rows before training",
            line=first,
        )
    return values


def label_key(cell: str) -> str:
    """A label's name: numbers are written canonically (``1.0`` and ``1`` are one class)."""
    try:
        number = float(cell)
    except ValueError:
        return cell
    if math.isfinite(number) and number.is_integer():
        return str(int(number))
    return repr(number)


def labels(
    table: Table, name: str, problems: Problems, at: tuple[Any, ...]
) -> tuple[np.ndarray, list[str]]:
    """Column ``name`` as int64 class ids and the class names, sorted (numerically if numbers).

    Records DLS405 for empty labels.
    """
    cells = table.columns[name]
    empty = [row for row, cell in enumerate(cells) if cell.lower() in _MISSING]
    if empty:
        problems.add(
            "DLS405",
            f"target column '{name}' of '{table.file.name}' has {len(empty)} missing "
            f"label{'s' if len(empty) > 1 else ''}, the first on line {empty[0] + FIRST_LINE}",
            at,
            "fill or drop those rows before training",
            line=empty[0] + FIRST_LINE,
        )
    keys = [label_key(cell) for cell in cells]
    names = sorted(set(keys))
    if all(_is_number(key) for key in names):
        names.sort(key=float)
    index = {key: i for i, key in enumerate(names)}
    return np.array([index[key] for key in keys], dtype=np.int64), names


def encode(
    table: Table, name: str, class_names: list[str], problems: Problems, *, allow_ids: bool = False
) -> np.ndarray:
    """Column ``name`` as ids of known classes (a predict input); DLS401 for unknown labels.

    With ``allow_ids``, a number that names no class is taken as a class id.
    """
    index = {key: i for i, key in enumerate(class_names)}
    if allow_ids:
        index = {str(i): i for i in range(len(class_names))} | index
    ids = np.zeros(table.rows, dtype=np.int64)
    for row, cell in enumerate(table.columns[name]):
        key = label_key(cell)
        if key not in index:
            problems.fail(
                "DLS401",
                f"label '{cell}' on line {row + FIRST_LINE} is not a class of the training "
                f"data ({', '.join(class_names)})",
                line=row + FIRST_LINE,
            )
        ids[row] = index[key]
    return ids


def _is_number(key: str) -> bool:
    try:
        float(key)
    except ValueError:
        return False
    return True
