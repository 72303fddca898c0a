"""What the zero-padding and up-sampling kinds share: the spatial input they need, and sizes."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from dlspec.base import LARGEST_SIZE

# A count of zeros, rows or columns: none is allowed, a negative one is not.
Count = Annotated[int, Field(ge=0, le=LARGEST_SIZE)]
# Before and after an axis: one count for both, or [before, after].
Sides = Count | Annotated[list[Count], Field(min_length=2, max_length=2)]


def sides(value: int | list[int]) -> tuple[int, int]:
    """``1`` -> (1, 1); ``[1, 2]`` -> (1, 2)."""
    return (value, value) if isinstance(value, int) else (value[0], value[1])


def grown(size: int | None, extra: int) -> int | None:
    """An axis ``size`` with ``extra`` added (unknown stays unknown)."""
    return None if size is None else size + extra


def times(size: int | None, factor: int) -> int | None:
    """An axis ``size`` repeated ``factor`` times (unknown stays unknown)."""
    return None if size is None else size * factor
