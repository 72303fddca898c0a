"""Switching lint warnings off: ``--disable``, ``# dlspec: disable=`` comments, pyproject.toml.

Three places name codes (``DLS312``) or their names (``patience-too-long``) to switch off:

- ``dlspec lint --disable CODE`` (repeatable, or comma-separated);
- ``# dlspec: disable=CODE[,CODE]`` in a spec file: on a line of its own it holds for the whole
  file, at the end of a line for findings on that line;
- ``[tool.dlspec] disable = [...]`` in the nearest ``pyproject.toml`` above the spec file.

Only warnings are switched off. An error is a spec that will not train, and lint never hides
one: ``dlspec train`` would refuse the spec anyway.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dlspec.diagnostics import CODES, Diagnostic, Severity, Span, make

_DIRECTIVE = re.compile(r"#\s*dlspec:\s*disable\s*=\s*([^#\n]*)")
_BY_NAME = {name: code for code, (name, _) in CODES.items()}


class UnknownCode(ValueError):
    """A name that is neither a diagnostic code nor a code's name."""

    def __init__(self, word: str, where: str):
        super().__init__(
            f"{where}: unknown code '{word}' (codes look like DLS312 or patience-too-long)"
        )
        self.word = word


def code_of(word: str) -> str | None:
    """The code a word names: ``DLS312`` or ``patience-too-long``; None if neither."""
    word = word.strip()
    if word.upper() in CODES:
        return word.upper()
    return _BY_NAME.get(word.lower())


def codes(words: Iterable[str], where: str) -> frozenset[str]:
    """The codes that ``words`` name (each may hold several, comma-separated).

    Raises:
        UnknownCode: for the first word that names no code.
    """
    found = set()
    for word in words:
        for part in filter(None, (p.strip() for p in word.split(","))):
            code = code_of(part)
            if code is None:
                raise UnknownCode(part, where)
            found.add(code)
    return frozenset(found)


@dataclass(frozen=True)
class Directives:
    """What one spec file's comments switch off, and any comment that names no code."""

    whole_file: frozenset[str] = frozenset()
    lines: dict[int, frozenset[str]] = field(default_factory=dict)
    problems: tuple[Diagnostic, ...] = ()

    def hides(self, diagnostic: Diagnostic) -> bool:
        """Whether this file's comments switch the finding off."""
        code = diagnostic.code
        return code in self.whole_file or code in self.lines.get(diagnostic.span.line, ())


def directives(file: str) -> Directives:
    """The ``# dlspec: disable=`` comments of a spec file (none if it cannot be read)."""
    try:
        text = Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return Directives()
    whole: set[str] = set()
    lines: dict[int, frozenset[str]] = {}
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _DIRECTIVE.search(line)
        if match is None:
            continue
        try:
            named = codes([match.group(1)], f"{file}:{number}")
        except UnknownCode as error:
            col = match.start(1) + 1
            span = Span(file, number, col, number, col + len(match.group(1).rstrip()))
            problems.append(
                make(
                    "DLS109",
                    f"unknown code '{error.word}' in a 'dlspec: disable' comment",
                    span,
                    "name codes as in the README's table: DLS312 or patience-too-long",
                )
            )
            continue
        if not named:
            col = match.start() + 1
            problems.append(
                make(
                    "DLS109",
                    "a 'dlspec: disable' comment that names no code switches nothing off",
                    Span(file, number, col, number, col + len(match.group(0).rstrip())),
                    "name the codes after '=': # dlspec: disable=DLS312,no-op-layer",
                )
            )
            continue
        if line[: match.start()].strip():
            lines[number] = named
        else:
            whole |= named
    return Directives(frozenset(whole), lines, tuple(problems))


def project_file(spec_file: Path) -> Path | None:
    """The nearest ``pyproject.toml`` in the spec file's folder or above it."""
    folder = spec_file.resolve().parent
    for candidate in (folder / "pyproject.toml", *(p / "pyproject.toml" for p in folder.parents)):
        if candidate.is_file():
            return candidate
    return None


def project_codes(pyproject: Path) -> frozenset[str]:
    """``[tool.dlspec] disable`` of a pyproject.toml.

    Raises:
        UnknownCode: for a name there that is no code.
        ValueError: when the file is not valid TOML or ``disable`` is not a list of strings.
    """
    try:
        table = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"{pyproject}: cannot read [tool.dlspec]: {error}") from None
    wanted = table.get("tool", {}).get("dlspec", {}).get("disable", [])
    if not isinstance(wanted, list) or not all(isinstance(w, str) for w in wanted):
        raise ValueError(f"{pyproject}: [tool.dlspec] disable must be a list of codes")
    return codes(wanted, f"{pyproject} [tool.dlspec] disable")


def apply(
    diagnostics: Sequence[Diagnostic], spec_file: Path, disabled: frozenset[str]
) -> list[Diagnostic]:
    """The findings left once ``disabled`` codes, the project's and the comments' are off.

    Errors always stay. A comment naming no code is reported (DLS109).
    """
    pyproject = project_file(spec_file)
    off = disabled | (project_codes(pyproject) if pyproject else frozenset())
    files = sorted({str(spec_file)} | {d.span.file for d in diagnostics})
    comments = {file: directives(file) for file in files}  # each file read once
    kept = [
        diagnostic
        for diagnostic in diagnostics
        if diagnostic.severity is Severity.ERROR
        or not (diagnostic.code in off or comments[diagnostic.span.file].hides(diagnostic))
    ]
    return kept + [problem for file in files for problem in comments[file].problems]
