"""dlspec.diagnostics: the public text, JSON and GitHub formats, did-you-mean, sort order."""

from __future__ import annotations

import json

import pytest

from dlspec.diagnostics import (
    CODES,
    Diagnostic,
    Severity,
    Span,
    SpecError,
    did_you_mean,
    has_errors,
    make,
    sort,
    suggest,
)


def diag(
    code: str = "DLS203",
    message: str = "unknown layer kind 'dens'",
    line: int = 7,
    col: int = 11,
    hint: str | None = "did you mean 'dense'?",
    file: str = "specs/mnist.yaml",
    warning: bool = False,
) -> Diagnostic:
    return make(code, message, Span(file, line, col, line, col + 4), hint, warning=warning)


def test_format_golden_with_hint() -> None:
    assert diag().format() == (
        "specs/mnist.yaml:7:11: error[DLS203]: unknown layer kind 'dens'\n"
        "  hint: did you mean 'dense'?"
    )


def test_format_golden_without_hint() -> None:
    d = diag("DLS301", "layers[2] (dense) needs a rank-1 input, got (28, 28)", 9, 5, hint=None)
    assert d.format() == (
        "specs/mnist.yaml:9:5: error[DLS301]: layers[2] (dense) needs a rank-1 input, got (28, 28)"
    )


def test_format_golden_warning() -> None:
    d = diag("DLS314", "dropout with rate 0 does nothing", 4, 7, hint=None, warning=True)
    assert d.format() == "specs/mnist.yaml:4:7: warning[DLS314]: dropout with rate 0 does nothing"


def test_to_json_has_the_documented_keys() -> None:
    record = json.loads(diag().to_json())
    assert list(record) == [
        "file",
        "line",
        "col",
        "end_line",
        "end_col",
        "severity",
        "code",
        "message",
        "hint",
    ]
    assert record == {
        "file": "specs/mnist.yaml",
        "line": 7,
        "col": 11,
        "end_line": 7,
        "end_col": 15,
        "severity": "error",
        "code": "DLS203",
        "message": "unknown layer kind 'dens'",
        "hint": "did you mean 'dense'?",
    }


def test_to_json_is_one_line_with_null_hint() -> None:
    text = diag(hint=None, message="two\nlines").to_json()
    assert "\n" not in text
    assert json.loads(text)["hint"] is None


def test_to_github_golden() -> None:
    assert diag().to_github() == (
        "::error file=specs/mnist.yaml,line=7,col=11,endLine=7,endColumn=15,title=DLS203::"
        "unknown layer kind 'dens' (hint: did you mean 'dense'?)"
    )


def test_to_github_warning_escapes_newlines_and_percent() -> None:
    d = diag("DLS315", "100% of\nthe data", hint=None, warning=True)
    assert d.to_github() == (
        "::warning file=specs/mnist.yaml,line=7,col=11,endLine=7,endColumn=15,title=DLS315::"
        "100%25 of%0Athe data"
    )


def test_make_rejects_codes_outside_the_table() -> None:
    with pytest.raises(KeyError):
        make("DLS999", "nope", Span.point("f.yaml"))


def test_make_severity() -> None:
    assert diag().severity is Severity.ERROR
    assert diag(warning=True).severity is Severity.WARNING


def test_span_point_is_zero_width_at_1_1() -> None:
    assert Span.point("f.yaml") == Span("f.yaml", 1, 1, 1, 1)


def test_codes_table_shape() -> None:
    for code, (name, summary) in CODES.items():
        assert code.startswith("DLS") and len(code) == 6 and code[3:].isdigit()
        assert code[3] in "1234"
        assert name == name.lower() and " " not in name
        assert summary and summary[0].islower() and not summary.endswith(".")
    names = [name for name, _ in CODES.values()]
    assert len(names) == len(set(names))


def test_suggest_finds_close_spellings_best_first() -> None:
    assert suggest("dens", ["dense", "dropout", "flatten"]) == ["dense"]
    assert suggest("lstn", ["gru", "lstm", "simple_rnn"]) == ["lstm"]


def test_suggest_cut_off() -> None:
    # 'stair' is 0.71 like 'staircase': below the 0.75 cut-off; 'stairs' is 0.8.
    assert suggest("stair", ["staircase"]) == []
    assert suggest("stairs", ["stair"]) == ["stair"]
    assert suggest("zzz", ["dense"]) == []


def test_suggest_returns_at_most_three() -> None:
    assert len(suggest("abcd", ["abce", "abcf", "abcg", "abch", "abci"])) == 3


def test_suggest_accepts_non_strings() -> None:
    assert suggest(16, ["16x"]) == ["16x"]


def test_did_you_mean_wording() -> None:
    assert did_you_mean("dens", ["dense"]) == "did you mean 'dense'?"
    assert did_you_mean("gru1", ["gru", "gru2"]) == "did you mean 'gru' or 'gru2'?"
    assert did_you_mean("zzz", ["dense"]) is None


def test_sort_orders_by_file_line_col_then_errors_first() -> None:
    warning = diag("DLS314", "w", 3, 5, warning=True)
    error = diag("DLS205", "e", 3, 5)
    early = diag("DLS201", "x", 1, 9)
    later_col = diag("DLS201", "y", 3, 6)
    other_file = diag("DLS201", "z", 1, 1, file="a.yaml")
    assert sort([later_col, warning, error, early, other_file]) == [
        other_file,
        early,
        error,
        warning,
        later_col,
    ]


def test_sort_drops_exact_duplicates() -> None:
    assert sort([diag(), diag()]) == [diag()]


def test_has_errors() -> None:
    assert not has_errors([])
    assert not has_errors([diag(warning=True)])
    assert has_errors([diag(warning=True), diag()])


def test_spec_error_carries_diagnostics_and_formats_them() -> None:
    error = SpecError([diag(), diag("DLS201", "unknown key 'x'", 2, 1, hint=None)])
    assert len(error.diagnostics) == 2
    assert str(error).splitlines() == [
        "specs/mnist.yaml:7:11: error[DLS203]: unknown layer kind 'dens'",
        "  hint: did you mean 'dense'?",
        "specs/mnist.yaml:2:1: error[DLS201]: unknown key 'x'",
    ]
