"""What a lint rule is: one code, a check over the inferred spec, and what the table says of it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dlspec.check.shapes import LayerInfo
from dlspec.diagnostics import CODES, Diagnostic
from dlspec.sources import DataInfo
from dlspec.spec import Spec
from dlspec.spec.document import SourceMap


@dataclass(frozen=True)
class Context:
    """Everything a rule may read: the spec, the data's static facts and the inferred layers."""

    spec: Spec
    data: DataInfo
    source_map: SourceMap
    rows: list[LayerInfo]  # every layer and the head, when the shapes could be inferred

    def flat_rows(self) -> list[LayerInfo]:
        """Every row, the layers inside blocks included, in order."""
        out: list[LayerInfo] = []

        def add(rows: list[LayerInfo]) -> None:
            for row in rows:
                out.append(row)
                add(row.children)

        add(self.rows)
        return out


@dataclass(frozen=True)
class Rule:
    """One lint rule: its code (whose name and meaning are in ``CODES``) and its check."""

    code: str
    check: Callable[[Context], Iterable[Diagnostic]]

    @property
    def name(self) -> str:
        """The code's name, as ``--disable`` and the README take it: ``patience-too-long``."""
        return CODES[self.code][0]

    @property
    def summary(self) -> str:
        """What the rule finds, in one line."""
        return CODES[self.code][1]

    def __call__(self, context: Context) -> list[Diagnostic]:
        """The rule's findings on ``context``."""
        return list(self.check(context))
