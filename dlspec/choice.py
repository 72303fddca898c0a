"""One-of choices written as a bare name or a mapping with ``type:`` (task, optimizer, ...)."""

from __future__ import annotations

from typing import Any


def bare_name(value: Any) -> Any:
    """``adam`` -> ``{"type": "adam"}``; a mapping or anything else passes through unchanged."""
    if isinstance(value, str):
        return {"type": value}
    return value
