"""Lint findings for people and machines: text with source excerpts, JSON lines, GitHub."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from dlspec.diagnostics import MAX_SHOWN, Diagnostic, Severity

if TYPE_CHECKING:
    from dlspec.check.runner import LintResult


def render(result: LintResult, fmt: str, out: Console, err: Console) -> None:
    """Print the findings: ``text`` (with source excerpts on a terminal), ``json`` or ``github``."""
    for path in result.missing:
        what = "no *.yaml or *.yml files in" if path.is_dir() else "no such file or folder:"
        err.print(f"dlspec lint: {what} {path}", markup=False, highlight=False)
    shown = result.diagnostics[:MAX_SHOWN] if fmt == "text" else result.diagnostics
    # Each file read once for its excerpts; only files in a linted spec's folder (or below)
    # are quoted, so a base elsewhere (DLS329) never has its lines shown.
    folders = {path.resolve().parent for path in result.files}
    sources: dict[str, list[str] | None] = {}
    for diagnostic in shown:
        if fmt == "json":
            out.out(diagnostic.to_json(), highlight=False)
        elif fmt == "github":
            out.out(diagnostic.to_github(), highlight=False)
        else:
            _text(diagnostic, out, sources, folders)
    if fmt != "text":
        return
    hidden = len(result.diagnostics) - len(shown)
    if hidden:
        out.out(f"... and {hidden} more", highlight=False)
    files = len(result.files)
    summary = (
        f"{result.errors} error{'s' * (result.errors != 1)}, "
        f"{result.warnings} warning{'s' * (result.warnings != 1)} in "
        f"{files} file{'s' * (files != 1)}"
    )
    err.print(summary if result.diagnostics else f"{files} file{'s' * (files != 1)} clean")


def _text(
    diagnostic: Diagnostic,
    out: Console,
    sources: dict[str, list[str] | None],
    folders: set[Path],
) -> None:
    if not out.is_terminal:
        out.out(diagnostic.format(), highlight=False)
        return
    s = diagnostic.span
    style = "bold red" if diagnostic.severity is Severity.ERROR else "bold yellow"
    head = Text(f"{s.file}:{s.line}:{s.col}: ")
    head.append(f"{diagnostic.severity.value}[{diagnostic.code}]", style=style)
    head.append(f": {diagnostic.message}")
    # Lines keep their shape (a path and its position, a source line under its caret): the
    # terminal wraps them if it must, rich does not re-flow them.
    out.print(head, soft_wrap=True)
    if s.file not in sources:
        sources[s.file] = _read_lines(s.file) if _inside(Path(s.file), folders) else None
    lines = sources[s.file]
    line = lines[s.line - 1].rstrip() if lines and 0 < s.line <= len(lines) else None
    if line is not None:
        width = max(1, (s.end_col - s.col) if s.end_line == s.line else len(line) - s.col + 1)
        out.print(Text(f"  {s.line:>4} | {line}", style="dim"), soft_wrap=True)
        out.print(Text(f"       | {' ' * (s.col - 1)}{'^' * width}", style=style), soft_wrap=True)
    if diagnostic.hint:
        out.print(Text(f"  hint: {diagnostic.hint}", style="cyan"), soft_wrap=True)


def _inside(file: Path, folders: set[Path]) -> bool:
    real = file.resolve()
    return any(real.is_relative_to(folder) for folder in folders)


def _read_lines(file: str) -> list[str] | None:
    try:
        return Path(file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None  # the finding itself still prints, without its excerpt
