"""Linting files: find the spec files under the given paths and check each one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dlspec import check
from dlspec.diagnostics import Diagnostic, Severity

SUFFIXES = (".yaml", ".yml")


@dataclass
class LintResult:
    """Findings over a set of files."""

    files: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """How many findings are errors."""
        return sum(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        """How many findings are warnings."""
        return sum(d.severity is Severity.WARNING for d in self.diagnostics)

    def exit_code(self, strict: bool) -> int:
        """0 clean, 1 findings (warnings only under ``strict``), 2 unreadable input."""
        if self.missing or any(d.code == "DLS104" for d in self.diagnostics):
            return 2
        if self.errors or (strict and self.warnings):
            return 1
        return 0


def collect(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Spec files under ``paths`` (folders searched recursively), and the paths that name none."""
    files: list[Path] = []
    missing: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.suffix in SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if found:
                files.extend(found)
            else:  # a folder without specs is a wrong path in CI, not a clean result
                missing.append(path)
        elif path.exists():
            files.append(path)
        else:
            missing.append(path)
    return files, missing


def run(
    paths: Sequence[Path], overrides: Sequence[str] = (), disabled: frozenset[str] = frozenset()
) -> LintResult:
    """Lint every spec file under ``paths``, leaving out the warnings switched off.

    Raises:
        suppress.UnknownCode, ValueError: a pyproject.toml's ``[tool.dlspec] disable`` is bad.
    """
    files, missing = collect(paths)
    result = LintResult(files=files, missing=missing)
    for file in files:
        result.diagnostics.extend(check.lint(file, overrides, disabled))
    return result
