"""Write ``dates.csv``: dates as numbers, and the same dates in words, for the translator specs.

Each row pairs an ISO date (``2024-03-07``) with how one says it (``the seventh of march
2024``): a translation that maps day numbers to ordinal words and month numbers to names,
reorders the parts and copies the year. The rows are drawn from a fixed seed, so running this
script again writes the same file::

    python specs/data/make_dates.py specs/data/dates.csv
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date, timedelta
from pathlib import Path

MONTHS = (
    "january february march april may june july august september october november december"
).split()
ORDINALS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth "
    "twenty-first twenty-second twenty-third twenty-fourth twenty-fifth twenty-sixth "
    "twenty-seventh twenty-eighth twenty-ninth thirtieth thirty-first"
).split()
FIRST, DAYS = date(1950, 1, 1), 100 * 365  # dates from 1950 into the 2040s
ROWS, SEED = 3000, 7


def in_words(day: date) -> str:
    """``the seventh of march 2024``."""
    return f"the {ORDINALS[day.day - 1]} of {MONTHS[day.month - 1]} {day.year}"


def pairs(count: int = ROWS, seed: int = SEED) -> list[tuple[str, str]]:
    """``count`` distinct dates, each as (ISO date, the date in words)."""
    draw = random.Random(seed)
    offsets = draw.sample(range(DAYS), count)
    return [(day.isoformat(), in_words(day)) for day in (FIRST + timedelta(o) for o in offsets)]


def write(path: Path, rows: list[tuple[str, str]]) -> None:
    """The rows as a CSV with the columns ``source`` and ``target``."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["source", "target"])
        writer.writerows(rows)


if __name__ == "__main__":
    write(Path(sys.argv[1] if len(sys.argv) > 1 else "dates.csv"), pairs())
