"""The broken-spec corpus: every tests/cases/*.yaml lints to exactly the diagnostics it expects.

An offending line ends with ``# expect: CODE [col=N] TEXT``: a diagnostic with that code on that
line (at column N when given) whose message or hint contains TEXT. The set of (line, code)
pairs must match exactly: nothing missing, nothing extra.

Helper files (the bases of ``extends`` cases) live in tests/cases/extends/ and are not cases.
A helper's ``# expect:`` lines belong to the case whose file stem starts its name
(``extends/extends_cycle_b.yaml`` belongs to ``extends_cycle.yaml``): a diagnostic located in
a helper is expected there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from dlspec import check
from dlspec.diagnostics import CODES, Diagnostic

CASES = Path(__file__).parent / "cases"
HELPERS = CASES / "extends"
# Codes no case can produce: an unreadable file and a bad --set exist outside any spec file
# (tests/test_spec.py covers them); DLS4xx come from loading data and training.
EXEMPT = {"DLS104", "DLS108"} | {code for code in CODES if code.startswith("DLS4")}

_EXPECT = re.compile(r"#\s*expect:\s*(DLS\d{3})(?:\s+col=(\d+))?\s*(.*?)\s*(?=#\s*expect:|$)")


@dataclass(frozen=True)
class Expectation:
    """One ``# expect:`` comment: where, which code, and what the text must contain."""

    file: Path
    line: int
    code: str
    col: int | None
    text: str


def expectations(path: Path) -> list[Expectation]:
    """Every ``# expect:`` comment in one file (several may share a line)."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for code, col, text in _EXPECT.findall(line):
            found.append(Expectation(path.resolve(), number, code, int(col) if col else None, text))
    return found


def case_files() -> list[Path]:
    return sorted(CASES.glob("*.yaml"))


def helpers(case: Path) -> list[Path]:
    return sorted(p for p in HELPERS.glob("*.yaml") if p.stem.startswith(case.stem))


def expected_for(case: Path) -> list[Expectation]:
    return [e for path in (case, *helpers(case)) for e in expectations(path)]


def place(d: Diagnostic) -> tuple[Path, int, str]:
    return Path(d.span.file).resolve(), d.span.line, d.code


def show(d: Diagnostic) -> str:
    return d.format().replace("\n", " ")


@pytest.mark.parametrize("case", case_files(), ids=lambda p: p.stem)
def test_case_lints_as_expected(case: Path) -> None:
    expected = expected_for(case)
    assert expected, f"{case.name} has no '# expect:' comment"
    diagnostics = check.lint(case)

    got = {place(d) for d in diagnostics}
    want = {(e.file, e.line, e.code) for e in expected}
    missing = sorted(want - got, key=str)
    extra = [show(d) for d in diagnostics if place(d) not in want]
    assert not missing and not extra, f"missing: {missing}\nextra: {extra}"

    for e in expected:
        matching = [d for d in diagnostics if place(d) == (e.file, e.line, e.code)]
        texts = [f"{d.message}\n{d.hint or ''}" for d in matching]
        assert any(e.text in t for t in texts), f"line {e.line}: {e.text!r} not in {texts}"
        if e.col is not None:
            cols = [d.span.col for d in matching]
            assert e.col in cols, f"line {e.line} {e.code}: col {e.col} expected, got {cols}"


def test_corpus_covers_every_lint_code() -> None:
    covered = {e.code for case in case_files() for e in expected_for(case)}
    lint_codes = set(CODES) - EXEMPT
    assert lint_codes - covered == set()
    assert covered <= set(CODES)


def test_corpus_is_large_enough() -> None:
    assert len(case_files()) >= 120  # issue 20: every code, most of them more than once


def test_helpers_belong_to_a_case() -> None:
    stems = [case.stem for case in case_files()]
    for helper in HELPERS.glob("*.yaml"):
        assert any(helper.stem.startswith(stem) for stem in stems), helper.name


def test_expect_comments_parse() -> None:
    line = "x: 1  # expect: DLS201 col=4 unknown key 'x'  # expect: DLS205 got 1"
    found = _EXPECT.findall(line)
    assert found == [("DLS201", "4", "unknown key 'x'"), ("DLS205", "", "got 1")]
