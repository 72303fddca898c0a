"""Rendering lint findings: source excerpts on a terminal, the plain form when piped."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from dlspec.check import runner as lint
from dlspec.report import lint as findings

BROKEN = "task: binary\nmodel:\n  input: [4]\n  layers:\n    - dens: {units: 16}\n"


def _render(tmp_path: Path, terminal: bool, path: Path | None = None) -> str:
    if path is None:
        path = tmp_path / "bad.yaml"
        path.write_text(BROKEN)
    result = lint.run([path])
    buffer = io.StringIO()
    out = Console(file=buffer, width=100, color_system=None, force_terminal=terminal)
    findings.render(result, "text", out, Console(file=io.StringIO()))
    return buffer.getvalue()


def test_terminal_output_shows_the_offending_line_and_a_caret(tmp_path: Path) -> None:
    lines = _render(tmp_path, terminal=True).splitlines()
    assert lines[0] == f"{tmp_path / 'bad.yaml'}:5:7: error[DLS203]: unknown layer kind 'dens'"
    assert lines[1] == "     5 |     - dens: {units: 16}"
    assert lines[2] == "       |       ^^^^"
    assert lines[3] == "  hint: did you mean 'dense'?"


def test_piped_output_is_the_plain_form(tmp_path: Path) -> None:
    assert _render(tmp_path, terminal=False).splitlines() == [
        f"{tmp_path / 'bad.yaml'}:5:7: error[DLS203]: unknown layer kind 'dens'",
        "  hint: did you mean 'dense'?",
    ]


def test_a_base_outside_the_spec_folder_is_never_quoted(tmp_path: Path) -> None:
    (tmp_path / "secrets.yaml").write_text("API_KEY: hunter2\n")
    (tmp_path / "exp").mkdir()
    spec = tmp_path / "exp" / "spec.yaml"
    spec.write_text("extends: ../secrets.yaml\n" + BROKEN)
    shown = _render(tmp_path, terminal=True, path=spec)
    assert "error[DLS201]: unknown key 'API_KEY'" in shown and "warning[DLS329]" in shown
    assert "     1 | extends: ../secrets.yaml" in shown  # the spec's own lines are quoted
    assert "hunter2" not in shown


def test_values_of_a_base_outside_the_spec_folder_are_described_not_echoed(
    tmp_path: Path,
) -> None:
    (tmp_path / "exp").mkdir()
    for base in (tmp_path / "secrets.yaml", tmp_path / "exp" / "neighbour.yaml"):
        base.write_text("seed: hunter2\noptimizer: {type: adam, learning_rate: s3cret}\n")
    outside = tmp_path / "exp" / "outside.yaml"
    outside.write_text("extends: ../secrets.yaml\ntask: binary\nmodel: {input: [4]}\n")
    inside = tmp_path / "exp" / "inside.yaml"
    inside.write_text("extends: neighbour.yaml\ntask: binary\nmodel: {input: [4]}\n")
    said = [d.message for d in lint.run([outside]).diagnostics]
    assert said == [
        f"'extends: ../secrets.yaml' reads a file outside the spec's folder "
        f"({(tmp_path / 'exp').resolve()})",
        "expected an integer, got text",
        "expected a number, got text",
    ]
    said = [d.message for d in lint.run([inside]).diagnostics]
    assert said == ["expected an integer, got 'hunter2'", "expected a number, got 's3cret'"]
