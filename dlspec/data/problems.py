"""Collecting data problems as located diagnostics, and raising them together as a SpecError."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from dlspec.diagnostics import Diagnostic, Span, SpecError, make

if TYPE_CHECKING:
    from dlspec.spec.document import SourceMap

SOURCE = ("data", "source")


class Problems:
    """Diagnostics found while loading data, each pointing at the spec (or the data file).

    While loading a spec's data, problems point at the spec value at fault (``data.source``,
    ``data.target``, ...) through the source map, or at the spec file's start without one; the
    message names the data file and line. While reading a ``predict`` input
    (``lines=True``), ``file`` is that input and problems point at its offending line.
    """

    def __init__(
        self, file: str | Path, source_map: SourceMap | None = None, *, lines: bool = False
    ):
        self.file = str(file)
        self.source_map = source_map
        self.lines = lines
        self.found: list[Diagnostic] = []

    def span(self, at: tuple[Any, ...] = SOURCE, line: int | None = None) -> Span:
        """Where a problem with spec value ``at`` (or data-file line ``line``) points."""
        if self.lines:
            return Span.point(self.file, line or 1)
        if self.source_map is not None:
            return self.source_map.locate(at)
        return Span.point(self.file)

    def add(
        self,
        code: str,
        message: str,
        at: tuple[Any, ...] = SOURCE,
        hint: str | None = None,
        line: int | None = None,
    ) -> None:
        """Record one problem and carry on, so that the user sees all of them at once."""
        self.found.append(make(code, message, self.span(at, line), hint))

    def fail(
        self,
        code: str,
        message: str,
        at: tuple[Any, ...] = SOURCE,
        hint: str | None = None,
        line: int | None = None,
    ) -> NoReturn:
        """Record one problem and raise everything found so far."""
        self.add(code, message, at, hint, line)
        raise SpecError(self.found)

    def check(self) -> None:
        """Raise the problems found so far, if any.

        Raises:
            SpecError: with every problem recorded.
        """
        if self.found:
            raise SpecError(self.found)
