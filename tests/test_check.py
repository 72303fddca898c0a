"""dlspec.check: lint and analyse, the entry points that wrap resolve, parse and run."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlspec import check
from dlspec.base import Params
from dlspec.diagnostics import Severity, SpecError

SPECS = Path(__file__).parent.parent / "specs"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_lint_clean_spec() -> None:
    assert check.lint(SPECS / "iris_mlp.yaml") == []


def test_lint_returns_sorted_diagnostics(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "training: {epochs: 0}\n"
        "task: multiclass\n"
        "model:\n  input: [4]\n  layers: [dense: 0]\n"
        "seed: -1\n",
    )
    found = check.lint(path)
    assert [(d.code, d.span.line) for d in found] == [
        ("DLS205", 1),
        ("DLS205", 5),
        ("DLS205", 6),
    ]


def test_lint_keeps_source_warnings_with_schema_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "task: multiclass\ntask: binary\nmodel: {input: [4]}\nseed: x\n")
    assert [d.code for d in check.lint(path)] == ["DLS102", "DLS204"]


def test_lint_reports_static_checks_with_warnings(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "task: multiclass\ndata: {source: sklearn:iris}\n"
        "model:\n  layers: [dropout: 0.0, conv1d: {filters: 2, kernel_size: 2}]\n",
    )
    found = check.lint(path)
    assert [(d.code, d.severity) for d in found] == [
        ("DLS314", Severity.WARNING),
        ("DLS301", Severity.ERROR),
    ]


def test_lint_with_overrides() -> None:
    (d,) = check.lint(SPECS / "iris_mlp.yaml", overrides=["training.epochs=5"])
    assert (d.code, d.severity) == ("DLS312", Severity.WARNING)


def test_lint_yaml_error_is_a_diagnostic(tmp_path: Path) -> None:
    (d,) = check.lint(write(tmp_path, "task: [\n"))
    assert d.code == "DLS101"


def test_analyse_returns_the_inference() -> None:
    spec, source_map, inference = check.analyse(SPECS / "sine_lstm.yaml")
    assert spec.name == "sine-lstm"
    assert source_map.doc.file == str(SPECS / "sine_lstm.yaml")
    assert inference.input_shape == (24, 1)
    assert inference.input_dtype == "float32"
    assert inference.complete
    assert inference.params == Params(4_352 + 528 + 17)


def test_analyse_raises_on_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "task: binary\nmodel:\n  input: [4]\n  layers: [lstm: 4]\n")
    with pytest.raises(SpecError) as caught:
        check.analyse(path)
    assert [d.code for d in caught.value.diagnostics] == ["DLS301"]


def test_analyse_allows_warnings(tmp_path: Path) -> None:
    path = write(tmp_path, "task: binary\nmodel:\n  input: [4]\n  layers: [dropout: 0]\n")
    _, _, inference = check.analyse(path)
    assert [d.code for d in inference.diagnostics] == ["DLS314"]


def test_inference_incomplete_without_input(tmp_path: Path) -> None:
    path = write(tmp_path, "task: {type: binary}\nmodel:\n  layers: []\n")
    with pytest.raises(SpecError):
        check.analyse(path)
    (d,) = check.lint(path)
    assert d.code == "DLS305"
