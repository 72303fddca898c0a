"""DLS314 no-op-layer: a layer that does nothing."""

from __future__ import annotations

from collections.abc import Iterator

from dlspec.check.rules.rule import Context, Rule
from dlspec.diagnostics import Diagnostic, make
from dlspec.layers import DropoutSpec


def check(context: Context) -> Iterator[Diagnostic]:
    """Dropout with rate 0, at any depth."""
    for row in context.flat_rows():
        if isinstance(row.spec, DropoutSpec) and row.spec.rate == 0:
            yield make(
                "DLS314",
                "dropout with rate 0 does nothing",
                context.source_map.locate(row.path),
                "remove it, or give it a rate such as 0.2",
                warning=True,
            )


RULE = Rule("DLS314", check)
